from django import forms
from django.utils.translation import gettext_lazy as _

from adminduk.audit.purposes import LEGAL_CATEGORIES

from .models import CorrectionRequest


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Why do you not recognise this read?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("What is wrong?"), choices=CorrectionRequest.Field.choices)
    requested_value = forms.CharField(label=_("What it should be"), max_length=300)
    explanation = forms.CharField(label=_("Explanation (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence (photo or PDF of a document that shows it)"))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the resident"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class CorrectionAnswerForm(AnswerForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CorrectionRequest.Outcome.choices)


class WithholdingForm(forms.Form):
    category = forms.ChoiceField(label=_("Legal category"), choices=[(c.value, c.label) for c in LEGAL_CATEGORIES])
    subject_nik = forms.RegexField(label=_("Only for this NIK (empty: every resident)"), regex=r"^\d{16}$", required=False,
                                   error_messages={"invalid": _("A NIK has 16 digits.")})
    covers_from = forms.DateField(label=_("Entries from"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Withheld until"), widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("Legal basis (letter or order number)"), max_length=200)
