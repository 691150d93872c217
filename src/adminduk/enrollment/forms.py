"""Forms of the recording station."""

from django import forms
from django.utils.translation import gettext_lazy as _

from adminduk.population.forms import ResidentCorrectionForm

from .slots import ExceptionCode

# What the card shows (and the operator reads back to the resident before capture).
CARD_FIELDS = ["full_name", "birth_place", "birth_date", "sex", "blood_type", "religion", "marital_status", "occupation", "address", "rw", "rt"]


class CallForm(forms.Form):
    nik = forms.CharField(label="NIK", max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "mono"}))


class DemographicsForm(ResidentCorrectionForm):
    """The registry data as the resident confirms it; any change needs a reason (kept in the
    resident's history through population.actions.correct_resident)."""

    class Meta(ResidentCorrectionForm.Meta):
        fields = ["nik", *CARD_FIELDS]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ExceptionForm(forms.Form):
    """A biometric that cannot be captured, approved on the spot by a supervisor who enters
    their own password and verification code (as at the login page; failures count for lockout)."""

    code = forms.ChoiceField(label=_("reason"), choices=ExceptionCode.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    supervisor = forms.CharField(label=_("supervisor username"), max_length=150)
    password = forms.CharField(label=_("supervisor password"), widget=forms.PasswordInput)
    otp_token = forms.CharField(label=_("supervisor verification code"), max_length=8, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
