import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .model import Costs, Limits
from .text import ValueProblem, parse_rupiah


class RupiahField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_rupiah(value, str(self.label))
        except ValueProblem:
            raise forms.ValidationError(_("Enter an amount in rupiah, e.g. 2000000000 or 2.000.000.000.")) from None


def default_deadline(today: dt.date) -> dt.date:
    """31 December of this year, or of next year from December on."""
    return dt.date(today.year + (today.month == 12), 12, 31)


class PlanForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    budget = RupiahField(label=gettext_lazy("Budget (Rp)"), required=False, help_text=gettext_lazy("Empty: no limit."))
    set_cost = RupiahField(label=gettext_lazy("A recording set (Rp)"))
    printer_cost = RupiahField(label=gettext_lazy("A card printer (Rp)"))
    evening_cost = RupiahField(label=gettext_lazy("An evening shift per office and day (Rp)"))
    evening_cost_period = RupiahField(
        label=gettext_lazy("Or evening service for the whole period, per office (Rp)"),
        required=False,
        help_text=gettext_lazy("Filled in: used instead of the price per day."),
    )
    max_sets = forms.IntegerField(label=gettext_lazy("Recording sets an office has room for"), min_value=1, max_value=50)
    max_printers = forms.IntegerField(label=gettext_lazy("Printers per kecamatan office"), min_value=0, max_value=20)
    lead_days = forms.IntegerField(label=gettext_lazy("Working days until new equipment is in service"), min_value=0, max_value=250)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    @classmethod
    def initial_for(cls, today: dt.date) -> dict:
        costs, limits = Costs(), Limits()
        return {
            "start": today,
            "deadline": default_deadline(today),
            "budget": "",
            "set_cost": costs.recording_set,
            "printer_cost": costs.printer,
            "evening_cost": costs.evening_per_day,
            "evening_cost_period": "",
            "max_sets": limits.max_sets,
            "max_printers": limits.max_printers,
            "lead_days": limits.lead_days,
        }

    def clean(self):
        data = super().clean()
        start, deadline = data.get("start"), data.get("deadline")
        if deadline and deadline < self.today:
            self.add_error("deadline", _("The deadline is in the past."))
        elif start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline is before the start."))
        if start and start.year < self.today.year - 1:
            self.add_error("start", _("The start is too far in the past."))
        if deadline and deadline > self.today + dt.timedelta(days=366 * 5):
            self.add_error("deadline", _("Plan at most five years ahead."))
        return data
