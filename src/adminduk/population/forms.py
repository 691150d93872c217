"""Validation of resident data, shared by the admin, the API and operator pages."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adminduk.messaging import phones

from . import rules
from .choices import Citizenship, MaritalStatus
from .models import Resident

EARLIEST_BIRTH_DATE = dt.date(1880, 1, 1)

RESIDENT_DATA_FIELDS = [
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "blood_type",
    "religion",
    "marital_status",
    "marriage_date",
    "divorce_date",
    "occupation",
    "education",
    "citizenship",
    "passport_number",
    "kitap_number",
    "father_name",
    "mother_name",
    "kelurahan",
    "rw",
    "rt",
    "address",
    "phone",
]


def check_neighbourhood_number(value: str, label: str) -> str:
    value = (value or "").strip()
    if value.isdigit() and len(value) <= 3:
        value = value.zfill(3)
    if not (len(value) == 3 and value.isdigit()) or value == "000":
        raise forms.ValidationError(
            _("%(label)s must be a number from 001 to 999, got %(value)r.") % {"label": label, "value": value}
        )
    return value


NIK_OUT_OF_SCOPE = "out_of_scope"


class ResidentForm(forms.ModelForm):
    """Resident data. The NIK is optional: blank means a new NIK is allocated on registration.

    `scope` (accounts.scoping.Scope of the user, None for system callers) closes a NIK-existence
    oracle: a kecamatan user who gives a NIK issued outside their kecamatan, or one held by a
    resident they may not see, gets one and the same refusal whether the NIK exists or not."""

    nik = forms.CharField(label="NIK", required=False, max_length=32, help_text=gettext_lazy("Leave empty to issue a new NIK."))
    # Wider than the column so clean_rw/clean_rt can give the one precise message.
    rw = forms.CharField(label="RW", max_length=8)
    rt = forms.CharField(label="RT", max_length=8)

    class Meta:
        model = Resident
        fields = ["nik", *RESIDENT_DATA_FIELDS]

    scope = None  # the admin binds the user's scope on a subclass

    def __init__(self, *args, today: dt.date | None = None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if scope is not None:
            self.scope = scope
        self.warnings: list[str] = []
        if not self.instance._state.adding:  # UUID pks exist before saving, so pk says nothing
            self.fields["nik"].disabled = True

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name or any(ch.isdigit() for ch in name):
            raise forms.ValidationError(_("A name must contain letters and no digits."))
        return name.upper()

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > self.today:
            raise forms.ValidationError(_("The date of birth lies in the future."))
        if born < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(_("The date of birth is before 1880."))
        return born

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        try:
            return phones.normalise(raw)
        except phones.InvalidPhone as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_rw(self):
        return check_neighbourhood_number(self.cleaned_data["rw"], "RW")

    def clean_rt(self):
        return check_neighbourhood_number(self.cleaned_data["rt"], "RT")

    def clean_nik(self):
        if not self.instance._state.adding:
            return self.instance.nik
        nik = self.cleaned_data.get("nik", "").strip()
        if not nik:
            return ""
        try:
            parsed = rules.parse_nik(nik)
        except rules.NumberError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        holder = Resident.objects.filter(nik=nik).values_list("kelurahan__kecamatan_id", flat=True).first()
        if self.scope is not None and not self.scope.is_kota_wide:
            # Decided before (and without) saying whether the NIK is held: the same answer for both.
            issued_outside = not self.scope.covers(parsed.kecamatan_code)
            if issued_outside or (holder is not None and not self.scope.covers(holder)):
                raise forms.ValidationError(
                    _("NIK %(nik)s was not issued in your kecamatan: a resident who already holds such a NIK is registered by the Dinas.")
                    % {"nik": nik},
                    code=NIK_OUT_OF_SCOPE,
                )
        if holder is not None:
            raise forms.ValidationError(_("NIK %(nik)s is already held by another resident; a NIK is never reused.") % {"nik": nik})
        return nik

    def clean(self):
        data = super().clean()
        born = data.get("birth_date")
        status = data.get("marital_status")
        married_on = data.get("marriage_date")
        divorced_on = data.get("divorce_date")
        if status == MaritalStatus.BELUM_KAWIN and (married_on or divorced_on):
            self.add_error("marriage_date", _("A resident who never married has no date of marriage or divorce."))
        if born and married_on and married_on <= born:
            self.add_error("marriage_date", _("The date of marriage must be after the date of birth."))
        if married_on and married_on > self.today:
            self.add_error("marriage_date", _("The date of marriage lies in the future."))
        if divorced_on and married_on and divorced_on < married_on:
            self.add_error("divorce_date", _("The date of divorce must not be before the date of marriage."))
        if data.get("citizenship") == Citizenship.WNA and not data.get("passport_number"):
            self.add_error("passport_number", _("A foreign citizen needs a passport number."))
        nik = data.get("nik")
        if nik and born and data.get("sex"):
            self.warnings = list(rules.parse_nik(nik, registry_birth_date=born, registry_sex=data["sex"]).warnings)
        return data


class ResidentCorrectionForm(ResidentForm):
    """A correction of an existing resident: every change needs a reason for the history."""

    reason = forms.CharField(
        label=gettext_lazy("reason for the change"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required when changing an existing resident; kept in the resident's history."),
    )

    def clean(self):
        data = super().clean()
        if not self.instance._state.adding and self.has_changed() and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the data is changed; it is kept in the history."))
        return data

    def corrections(self) -> dict:
        """The changed registry fields and their new values (never the NIK)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in RESIDENT_DATA_FIELDS}
