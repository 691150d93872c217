"""The data each application kind asks for (DOMAIN.md), one form per kind. Forms check the
shape of the input only; whether the people and KK named exist and fit is checked against the
registry by civil.rules, at submission and again at approval."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adminduk.population import rules as population_rules
from adminduk.population.choices import BloodType, Education, Occupation, Relationship, Religion, Sex
from adminduk.population.forms import check_neighbourhood_number

from .choices import Kind


def clean_nik(value: str) -> str:
    value = (value or "").strip()
    try:
        population_rules.parse_nik(value)
    except population_rules.NumberError as exc:
        raise forms.ValidationError(exc.message) from exc
    return value


def clean_kk(value: str) -> str:
    value = (value or "").strip()
    try:
        population_rules.parse_kk_number(value)
    except population_rules.NumberError as exc:
        raise forms.ValidationError(exc.message) from exc
    return value


class NikField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("min_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"})

    def clean(self, value):
        value = super().clean(value)
        return clean_nik(value) if value else value


class KkField(NikField):
    def clean(self, value):
        value = forms.CharField.clean(self, value)
        return clean_kk(value) if value else value


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value):
        value = super().clean(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if value and value < dt.date(1880, 1, 1):
            raise forms.ValidationError(_("The date is too far in the past."))
        return value


SHDK_CHOICES = [(c.value, c.label) for c in Relationship if c != Relationship.KEPALA_KELUARGA]


class MemberLinesField(forms.CharField):
    """One member per line: NIK and SHDK code (e.g. "7271081234560001 4")."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        members, seen = [], set()
        for number, line in enumerate((value or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) not in Relationship.values:
                raise forms.ValidationError(_("Line %(n)d: write the NIK and the SHDK code (1 to 11), e.g. 7271081234560001 4.") % {"n": number})
            nik = clean_nik(parts[0])
            if nik in seen:
                raise forms.ValidationError(_("Line %(n)d: NIK %(nik)s appears twice.") % {"n": number, "nik": nik})
            seen.add(nik)
            members.append([nik, int(parts[1])])
        if not members:
            raise forms.ValidationError(_("Name at least one member."))
        return members


class AddressMixin(forms.Form):
    kelurahan = forms.CharField(label=gettext_lazy("kelurahan/desa code"), max_length=13, help_text="72.71.08.1004")
    rw = forms.CharField(label=gettext_lazy("RW"), max_length=3)
    rt = forms.CharField(label=gettext_lazy("RT"), max_length=3)
    address = forms.CharField(label=gettext_lazy("address"), max_length=200)

    def clean_rw(self):
        return check_neighbourhood_number(self.cleaned_data["rw"], "RW")

    def clean_rt(self):
        return check_neighbourhood_number(self.cleaned_data["rt"], "RT")

    def clean_kelurahan(self):
        from adminduk.regions.models import Kelurahan

        code = self.cleaned_data["kelurahan"].strip()
        if not Kelurahan.objects.filter(pk=code).exists():
            raise forms.ValidationError(_("Unknown kelurahan/desa code %(code)s.") % {"code": code})
        return code


class BaseApplicationForm(forms.Form):
    applicant_nik = NikField(label=gettext_lazy("NIK of the applicant (reporter)"))


class AktaKelahiranForm(BaseApplicationForm):
    kk_number = KkField(label=gettext_lazy("KK number of the family the child joins"))
    child_name = forms.CharField(label=gettext_lazy("child's full name"), max_length=120)
    child_sex = forms.ChoiceField(label=gettext_lazy("sex"), choices=Sex.choices)
    birth_date = DateField(label=gettext_lazy("date of birth"))
    birth_time = forms.TimeField(label=gettext_lazy("time of birth"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    birth_place = forms.CharField(label=gettext_lazy("place of birth"), max_length=60)
    relationship = forms.TypedChoiceField(label=gettext_lazy("relationship to the head (SHDK)"), choices=SHDK_CHOICES, coerce=int, initial=Relationship.ANAK)
    mother_nik = NikField(label=gettext_lazy("mother's NIK"))
    father_nik = NikField(label=gettext_lazy("father's NIK"), required=False)
    marriage_date = DateField(label=gettext_lazy("parents' date of marriage"), required=False)
    witness1_nik = NikField(label=gettext_lazy("first witness: NIK"))
    witness1_name = forms.CharField(label=gettext_lazy("first witness: name"), max_length=120)
    witness2_nik = NikField(label=gettext_lazy("second witness: NIK"))
    witness2_name = forms.CharField(label=gettext_lazy("second witness: name"), max_length=120)

    def clean(self):
        data = super().clean()
        if data.get("witness1_nik") and data.get("witness1_nik") == data.get("witness2_nik"):
            raise forms.ValidationError(_("The two witnesses must be different people."))
        return data


class AktaKematianForm(BaseApplicationForm):
    deceased_nik = NikField(label=gettext_lazy("NIK of the deceased"))
    died_on = DateField(label=gettext_lazy("date of death"))
    death_place = forms.CharField(label=gettext_lazy("place of death"), max_length=60)
    cause = forms.CharField(label=gettext_lazy("cause of death"), max_length=120, required=False)
    reporter_relationship = forms.CharField(label=gettext_lazy("reporter's relationship to the deceased"), max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("deceased_nik") and data.get("deceased_nik") == data.get("applicant_nik"):
            raise forms.ValidationError(_("The reporter cannot be the deceased."))
        return data


class KiaForm(BaseApplicationForm):
    child_nik = NikField(label=gettext_lazy("child's NIK"))


class KkNewbornForm(BaseApplicationForm):
    kk_number = KkField(label=gettext_lazy("KK number"))
    child_nik = NikField(label=gettext_lazy("child's NIK"))
    relationship = forms.TypedChoiceField(label=gettext_lazy("relationship to the head (SHDK)"), choices=SHDK_CHOICES, coerce=int, initial=Relationship.ANAK)


class KkRemoveDeceasedForm(BaseApplicationForm):
    kk_number = KkField(label=gettext_lazy("KK number"))
    member_nik = NikField(label=gettext_lazy("NIK of the deceased member"))
    new_head_nik = NikField(label=gettext_lazy("NIK of the new head (when the head died)"), required=False)


class KkMoveInForm(BaseApplicationForm):
    kk_number = KkField(label=gettext_lazy("KK number moved into"))
    member_nik = NikField(label=gettext_lazy("NIK of the person moving in"))
    relationship = forms.TypedChoiceField(label=gettext_lazy("relationship to the head (SHDK)"), choices=SHDK_CHOICES, coerce=int)
    moved_on = DateField(label=gettext_lazy("date of the move"))


class KkMoveOutForm(AddressMixin, BaseApplicationForm):
    kk_number = KkField(label=gettext_lazy("KK number moved out of"))
    members = MemberLinesField(label=gettext_lazy("members moving (NIK and SHDK in the new KK, one per line; one head)"))
    moved_on = DateField(label=gettext_lazy("date of the move"))
    remaining_head_nik = NikField(label=gettext_lazy("NIK of the new head of the remaining family (when the head moves)"), required=False)
    field_order = ["applicant_nik", "kk_number", "members", "moved_on", "remaining_head_nik", "kelurahan", "rw", "rt", "address"]

    def clean(self):
        data = super().clean()
        heads = [nik for nik, rel in data.get("members") or [] if rel == Relationship.KEPALA_KELUARGA]
        if data.get("members") and len(heads) != 1:
            raise forms.ValidationError(_("Exactly one of the members moving is the head of the new KK (SHDK 1)."))
        return data


class KkSplitForm(KkMoveOutForm):
    members = MemberLinesField(label=gettext_lazy("members of the new KK (NIK and SHDK, one per line; one head)"))


class KkCorrectForm(BaseApplicationForm):
    CORRECTABLE = {
        "full_name": gettext_lazy("full name"),
        "birth_place": gettext_lazy("place of birth"),
        "religion": gettext_lazy("religion"),
        "education": gettext_lazy("education"),
        "occupation": gettext_lazy("occupation"),
        "blood_type": gettext_lazy("blood type"),
        "father_name": gettext_lazy("father's name"),
        "mother_name": gettext_lazy("mother's name"),
    }
    CODED = {"religion": Religion, "education": Education, "occupation": Occupation, "blood_type": BloodType}

    kk_number = KkField(label=gettext_lazy("KK number"))
    member_nik = NikField(label=gettext_lazy("NIK of the member whose data is wrong"))
    field = forms.ChoiceField(label=gettext_lazy("data to correct"), choices=list(CORRECTABLE.items()))
    new_value = forms.CharField(label=gettext_lazy("correct value"), max_length=120)
    reason = forms.CharField(label=gettext_lazy("why it is wrong"), max_length=300)

    def clean(self):
        data = super().clean()
        field, value = data.get("field"), (data.get("new_value") or "").strip()
        if field in self.CODED:
            choices = self.CODED[field]
            match = [c.value for c in choices if value.lower() in (str(c.value).lower(), str(c.label).lower())]
            if not match:
                raise forms.ValidationError(
                    _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(str(c.label) for c in choices)}
                )
            data["new_value"] = match[0]
        elif field:
            data["new_value"] = value.upper()
        return data


FORMS = {
    Kind.AKTA_KELAHIRAN: AktaKelahiranForm,
    Kind.AKTA_KEMATIAN: AktaKematianForm,
    Kind.KIA: KiaForm,
    Kind.KK_NEWBORN: KkNewbornForm,
    Kind.KK_REMOVE_DECEASED: KkRemoveDeceasedForm,
    Kind.KK_MOVE_IN: KkMoveInForm,
    Kind.KK_MOVE_OUT: KkMoveOutForm,
    Kind.KK_SPLIT: KkSplitForm,
    Kind.KK_CORRECT: KkCorrectForm,
}



def jsonable(cleaned: dict) -> dict:
    out = {}
    for key, value in cleaned.items():
        if isinstance(value, (dt.date, dt.time)):
            value = value.isoformat()
        out[key] = value
    return out
