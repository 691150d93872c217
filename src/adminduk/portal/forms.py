from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adminduk.population import rules


def _clean_nik(value: str) -> str:
    nik = "".join((value or "").split())
    if not (len(nik) == 16 and nik.isdigit()):
        raise forms.ValidationError(_("A NIK has 16 digits, as on your KTP or KK."))
    try:
        rules.parse_nik(nik)
    except rules.NumberError as exc:
        raise forms.ValidationError(exc.message) from None
    return nik


class NikForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username", "autofocus": True}),
    )

    def clean_nik(self):
        return _clean_nik(self.cleaned_data["nik"])


class CodeForm(forms.Form):
    nik = forms.CharField(widget=forms.HiddenInput, max_length=32)
    code = forms.CharField(
        label=gettext_lazy("Code from the message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9 ]*"}
        ),
    )

    def clean_nik(self):
        return _clean_nik(self.cleaned_data["nik"])

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("The code has only digits."))
        return code
