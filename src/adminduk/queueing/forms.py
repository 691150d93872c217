import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Priority, Service


class IssueForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    priority = forms.ChoiceField(label=_("Priority group"), choices=Priority.choices[1:] + Priority.choices[:1], initial=Priority.UMUM)


class CounterForm(forms.Form):
    name = forms.CharField(label=_("Counter name"), max_length=40)
    services = forms.MultipleChoiceField(label=_("Services"), choices=Service.choices, widget=forms.CheckboxSelectMultiple)


class InvitationForm(forms.Form):
    kelurahan = forms.ChoiceField(label=_("Kelurahan/desa"))
    rw = forms.IntegerField(label=_("RW"), min_value=1, max_value=999)
    rt = forms.IntegerField(label=_("RT"), min_value=1, max_value=999)
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Over how many days"), min_value=1, max_value=60, initial=7)
    per_day = forms.IntegerField(label=_("At most per day"), min_value=1, max_value=1000, initial=40)

    def __init__(self, *args, kelurahan_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = list(kelurahan_choices)
        self.fields["start"].initial = timezone.localdate() + dt.timedelta(days=1)
