import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    office = forms.ChoiceField(label=_("Office"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.code, o.name) for o in offices]


class BookForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    slot = forms.UUIDField(label=_("Time"), widget=forms.Select)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = [(str(s.pk), s.label) for s in slots]


class RescheduleForm(forms.Form):
    slot = forms.UUIDField(label=_("New time"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


def parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
