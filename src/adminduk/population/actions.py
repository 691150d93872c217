"""Every write to the population registry goes through one function here, which does the
write and its history entry together in one transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.regions.services import ensure_neighbourhood

from . import numbers
from .choices import LifeStatus, MaritalStatus, Relationship
from .forms import RESIDENT_DATA_FIELDS
from .models import Family, FamilyMember, FormerArea, Resident, ResidentEvent


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _diff(resident: Resident, changes: dict) -> dict:
    diff = {}
    for field, new in changes.items():
        attname = Resident._meta.get_field(field).attname
        old = getattr(resident, attname)
        new_value = new.pk if hasattr(new, "pk") else new
        if old != new_value:
            diff[field] = [_jsonable(old), _jsonable(new_value)]
    return diff


def _record_departure(resident: Resident, diff: dict, on: dt.date) -> None:
    """The kecamatan a resident leaves (a kelurahan change in `diff`), for sync.changes."""
    if "kelurahan" not in diff or not diff["kelurahan"][0]:
        return
    old = str(diff["kelurahan"][0])
    if old[:8] != str(diff["kelurahan"][1])[:8]:
        FormerArea.objects.get_or_create(resident=resident, kecamatan=old[:8], defaults={"regency": old[:5], "left_on": on})


@transaction.atomic
def register_resident(
    data: dict,
    *,
    actor=None,
    nik: str = "",
    kind: str = ResidentEvent.Kind.REGISTERED,
    occurred_on: dt.date | None = None,
    reason: str = "",
) -> Resident:
    """Add a resident from validated data (population.forms.ResidentForm). Without a NIK, a
    new one is issued at the kecamatan of the resident's kelurahan."""
    values = {field: data[field] for field in RESIDENT_DATA_FIELDS if field in data}
    kelurahan = values["kelurahan"]
    ensure_neighbourhood(kelurahan.code, values["rw"], values["rt"])
    if not nik:
        nik = numbers.allocate_nik(kelurahan.kecamatan_id, values["birth_date"], values["sex"])
    resident = Resident.objects.create(nik=nik, **values)
    if occurred_on is None:
        occurred_on = resident.birth_date if kind == ResidentEvent.Kind.BORN else timezone.localdate()
    ResidentEvent.objects.create(
        resident=resident,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=actor,
        changes={field: [None, _jsonable(v)] for field, v in values.items()} | {"nik": [None, nik]},
        reason=reason,
    )
    return resident


@transaction.atomic
def correct_resident(resident: Resident, changes: dict, *, reason: str, actor=None, on: dt.date | None = None) -> ResidentEvent | None:
    """Correct registry data (a typo, a late-reported status). The NIK itself is never changed."""
    if "nik" in changes:
        raise ValidationError({"nik": _("A NIK is never changed, even when its date part is wrong.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the data is corrected.")})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    diff = _diff(resident, changes)
    if not diff:
        return None
    if {"kelurahan", "rw", "rt"} & diff.keys():
        kel = changes.get("kelurahan", resident.kelurahan)
        ensure_neighbourhood(kel.pk, changes.get("rw", resident.rw), changes.get("rt", resident.rt))
    for field, value in changes.items():
        setattr(resident, field, value)
    resident.save()
    # Another kelurahan changes which office serves the resident, however it is entered (edit
    # form, admin, recording): it is a move, which the old office's node follows in its pull.
    kind = ResidentEvent.Kind.MOVED if "kelurahan" in diff else ResidentEvent.Kind.CORRECTED
    _record_departure(resident, diff, on or timezone.localdate())
    return ResidentEvent.objects.create(
        resident=resident,
        kind=kind,
        occurred_on=on or timezone.localdate(),
        recorded_by=actor,
        changes=diff,
        reason=reason.strip(),
    )


@transaction.atomic
def move_resident(resident: Resident, *, kelurahan, rw: str, rt: str, address: str, moved_on: dt.date, actor=None, reason: str = "") -> ResidentEvent:
    """A move within the kota. The old address stays in the history."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.life_status != LifeStatus.HIDUP:
        raise ValidationError(_("Only a living resident can move."))
    ensure_neighbourhood(kelurahan.code, rw, rt)
    changes = {"kelurahan": kelurahan, "rw": rw, "rt": rt, "address": address}
    diff = _diff(resident, changes)
    for field, value in changes.items():
        setattr(resident, field, value)
    resident.save()
    _record_departure(resident, diff, moved_on)
    return ResidentEvent.objects.create(
        resident=resident, kind=ResidentEvent.Kind.MOVED, occurred_on=moved_on, recorded_by=actor, changes=diff, reason=reason
    )


@transaction.atomic
def issue_family_card(
    members: list[tuple[Resident, int]],
    *,
    kelurahan,
    rw: str,
    rt: str,
    address: str,
    issued_on: dt.date,
    postal_code: str = "",
    supersedes: Family | None = None,
    actor=None,
    reason: str = "",
) -> Family:
    """Issue a new KK for `members` [(resident, SHDK code)], superseding `supersedes` if given."""
    heads = [r for r, rel in members if rel == Relationship.KEPALA_KELUARGA]
    if len(heads) != 1:
        raise ValidationError(_("A KK has exactly one Kepala Keluarga; got %(n)d.") % {"n": len(heads)})
    residents = [r for r, _rel in members]
    if len({r.pk for r in residents}) != len(residents):
        raise ValidationError(_("A resident appears twice on the KK."))
    for resident in residents:
        current = resident.current_membership
        if current and current.family_id != (supersedes.pk if supersedes else None):
            raise ValidationError(
                _("%(name)s is already on active KK %(kk)s.") % {"name": resident.full_name, "kk": current.family.kk_number}
            )
    ensure_neighbourhood(kelurahan.code, rw, rt)
    family = Family.objects.create(
        kk_number=numbers.allocate_kk_number(kelurahan.kecamatan_id, issued_on),
        kelurahan=kelurahan,
        rw=rw,
        rt=rt,
        address=address,
        postal_code=postal_code,
        issued_on=issued_on,
    )
    FamilyMember.objects.bulk_create(
        [FamilyMember(family=family, resident=r, relationship=rel) for r, rel in members]
    )
    old_number = None
    if supersedes is not None:
        old = Family.objects.select_for_update().get(pk=supersedes.pk)
        if old.status != Family.Status.ACTIVE:
            raise ValidationError(_("KK %(kk)s was already superseded.") % {"kk": old.kk_number})
        old.status, old.superseded_by = Family.Status.SUPERSEDED, family
        old.save(update_fields=["status", "superseded_by", "updated_at"])
        old_number = old.kk_number
    ResidentEvent.objects.bulk_create(
        [
            ResidentEvent(
                resident=r,
                kind=ResidentEvent.Kind.FAMILY_CHANGED,
                occurred_on=issued_on,
                recorded_by=actor,
                changes={"kk_number": [old_number, family.kk_number], "relationship": [None, rel]},
                reason=reason,
            )
            for r, rel in members
        ]
    )
    return family


@transaction.atomic
def record_death(resident: Resident, *, died_on: dt.date, actor=None, reason: str = "") -> Resident:
    """Mark a resident deceased (the NIK is kept and never reused). The surviving spouse becomes
    Cerai Mati, and the family gets a new KK without the deceased (a new head if needed)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.life_status == LifeStatus.MATI:
        raise ValidationError(_("%(name)s is already recorded as deceased.") % {"name": resident.full_name})
    if died_on < resident.birth_date:
        raise ValidationError(_("The date of death is before the date of birth."))
    membership = resident.current_membership
    diff = _diff(resident, {"life_status": LifeStatus.MATI, "died_on": died_on})
    resident.life_status, resident.died_on = LifeStatus.MATI, died_on
    resident.save()
    ResidentEvent.objects.create(
        resident=resident, kind=ResidentEvent.Kind.DIED, occurred_on=died_on, recorded_by=actor, changes=diff, reason=reason
    )
    if membership is None:
        return resident
    family = membership.family
    others = [m for m in family.members.select_related("resident") if m.resident_id != resident.pk]
    spouse_codes = {Relationship.SUAMI, Relationship.ISTRI}
    for member in others:
        is_spouse = (
            membership.relationship == Relationship.KEPALA_KELUARGA and member.relationship in spouse_codes
        ) or (membership.relationship in spouse_codes and member.relationship == Relationship.KEPALA_KELUARGA)
        if is_spouse and member.resident.marital_status == MaritalStatus.KAWIN:
            correct_resident(
                member.resident,
                {"marital_status": MaritalStatus.CERAI_MATI},
                reason=_("Spouse %(nik)s died on %(date)s.") % {"nik": resident.nik, "date": died_on.isoformat()},
                actor=actor,
                on=died_on,
            )
    if not others:
        family.status = Family.Status.SUPERSEDED
        family.save(update_fields=["status", "updated_at"])
        return resident
    new_members = [(m.resident, m.relationship) for m in others]
    if membership.relationship == Relationship.KEPALA_KELUARGA:
        new_members = _with_new_head(new_members)
    issue_family_card(
        new_members,
        kelurahan=family.kelurahan,
        rw=family.rw,
        rt=family.rt,
        address=family.address,
        postal_code=family.postal_code,
        issued_on=died_on,
        supersedes=family,
        actor=actor,
        reason=_("Death of %(nik)s") % {"nik": resident.nik},
    )
    return resident


def _with_new_head(members: list[tuple[Resident, int]]) -> list[tuple[Resident, int]]:
    """After the head dies the spouse leads the family, else the eldest member."""
    preference = [Relationship.ISTRI, Relationship.SUAMI]
    for code in preference:
        for i, (resident, rel) in enumerate(members):
            if rel == code:
                return [(resident, Relationship.KEPALA_KELUARGA)] + [m for j, m in enumerate(members) if j != i]
    eldest = min(range(len(members)), key=lambda i: members[i][0].birth_date)
    return [(members[eldest][0], Relationship.KEPALA_KELUARGA)] + [m for j, m in enumerate(members) if j != eldest]


@transaction.atomic
def close_family_card(family: Family, *, closed_on: dt.date, actor=None, reason: str = "") -> Family:
    """The last members left the KK (moved into another KK): it is superseded without a
    successor. Each former member's history says so."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.status != Family.Status.ACTIVE:
        raise ValidationError(_("KK %(kk)s was already superseded.") % {"kk": family.kk_number})
    family.status = Family.Status.SUPERSEDED
    family.save(update_fields=["status", "updated_at"])
    ResidentEvent.objects.bulk_create(
        [
            ResidentEvent(resident_id=m.resident_id, kind=ResidentEvent.Kind.FAMILY_CHANGED, occurred_on=closed_on, recorded_by=actor,
                          changes={"kk_number": [family.kk_number, None]}, reason=reason)
            for m in family.members.all()
        ]
    )
    return family
