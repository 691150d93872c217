"""Checks of an application's data against the registry: the people and KK it names exist and
fit the change asked for. Run at submission (so the applicant hears at once) and again inside
the approval transaction (the registry may have changed meanwhile)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from adminduk.population import rules as population_rules
from adminduk.population.choices import LifeStatus, Relationship
from adminduk.population.models import Family, Resident

from .choices import Kind
from .errors import CivilError


@dataclass(frozen=True)
class Subject:
    """Who and what an application is about: its jurisdiction and what the queue shows."""

    subject_nik: str
    kk_number: str
    kecamatan_code: str
    child_birth_date: dt.date | None = None


def resident(nik: str, what: str, *, alive: bool = True) -> Resident:
    found = Resident.objects.select_related("kelurahan").filter(nik=nik).first()
    if found is None:
        raise CivilError(_("No resident with NIK %(nik)s (%(what)s).") % {"nik": nik, "what": what}, code="unknown_nik")
    if alive and found.life_status != LifeStatus.HIDUP:
        raise CivilError(
            _("%(what)s %(nik)s is recorded as %(status)s.") % {"what": what, "nik": nik, "status": found.get_life_status_display()}, code="not_alive"
        )
    return found


def active_family(kk_number: str) -> Family:
    family = Family.objects.select_related("kelurahan").filter(kk_number=kk_number).first()
    if family is None:
        raise CivilError(_("No KK with number %(kk)s.") % {"kk": kk_number}, code="unknown_kk")
    if family.status != Family.Status.ACTIVE:
        current = family
        while current.superseded_by_id:
            current = current.superseded_by
        hint = _(" The current KK is %(kk)s.") % {"kk": current.kk_number} if current.pk != family.pk and current.status == Family.Status.ACTIVE else ""
        raise CivilError(_("KK %(kk)s has been superseded.") % {"kk": kk_number} + hint, code="superseded_kk")
    return family


def members(family: Family) -> dict[str, tuple[Resident, int]]:
    return {m.resident.nik: (m.resident, m.relationship) for m in family.members.select_related("resident")}


def _on_family(family: Family, nik: str, what: str) -> tuple[Resident, int]:
    found = members(family).get(nik)
    if found is None:
        raise CivilError(_("%(what)s %(nik)s is not on KK %(kk)s.") % {"what": what, "nik": nik, "kk": family.kk_number}, code="not_member")
    return found


def _on_no_active_family(person: Resident, what: str) -> None:
    current = person.current_membership
    if current is not None:
        raise CivilError(
            _("%(what)s %(nik)s is already on KK %(kk)s.") % {"what": what, "nik": person.nik, "kk": current.family.kk_number}, code="already_member"
        )


def check(kind: str, data: dict, *, on: dt.date) -> Subject:
    """The application's subject, or CivilError saying what does not fit the registry."""
    resident(data["applicant_nik"], _("the applicant"))
    return CHECKS[kind](data, on)


def _akta_kelahiran(data, on):
    family = active_family(data["kk_number"])
    birth_date = dt.date.fromisoformat(data["birth_date"])
    mother = resident(data["mother_nik"], _("the mother"))
    if mother.sex != "P":
        raise CivilError(_("The mother's NIK %(nik)s belongs to a man.") % {"nik": mother.nik}, code="mother_sex")
    if data.get("father_nik"):
        father = resident(data["father_nik"], _("the father"))
        if father.sex != "L":
            raise CivilError(_("The father's NIK %(nik)s belongs to a woman.") % {"nik": father.nik}, code="father_sex")
    family_niks = members(family)
    if mother.nik not in family_niks and data.get("father_nik") not in family_niks:
        raise CivilError(_("Neither parent is on KK %(kk)s.") % {"kk": family.kk_number}, code="parents_not_on_kk")
    if birth_date < mother.birth_date:
        raise CivilError(_("The child cannot be born before the mother."), code="birth_date")
    for key in ("witness1_nik", "witness2_nik"):
        resident(data[key], _("a witness"))
    return Subject("", family.kk_number, family.kelurahan.kecamatan_id)


def _akta_kematian(data, on):
    deceased = resident(data["deceased_nik"], _("the deceased"))
    died_on = dt.date.fromisoformat(data["died_on"])
    if died_on < deceased.birth_date:
        raise CivilError(_("The date of death is before the date of birth."), code="died_on")
    membership = deceased.current_membership
    return Subject(deceased.nik, membership.family.kk_number if membership else "", deceased.kelurahan.kecamatan_id)


def _kia(data, on):
    child = resident(data["child_nik"], _("the child"))
    eligibility = population_rules.kia_eligibility(birth_date=child.birth_date, marital_status=child.marital_status, on=on, citizenship=child.citizenship)
    if eligibility is None:
        raise CivilError(_("%(nik)s cannot have a KIA: it is for unmarried citizens under 17.") % {"nik": child.nik}, code="not_eligible")
    membership = child.current_membership
    return Subject(child.nik, membership.family.kk_number if membership else "", child.kelurahan.kecamatan_id, child.birth_date)


def _kk_newborn(data, on):
    family = active_family(data["kk_number"])
    child = resident(data["child_nik"], _("the child"))
    _on_no_active_family(child, _("the child"))
    if population_rules.age_on(child.birth_date, on) >= 1:
        raise CivilError(_("%(nik)s is not a newborn; use a move into the KK instead.") % {"nik": child.nik}, code="not_newborn")
    return Subject(child.nik, family.kk_number, family.kelurahan.kecamatan_id)


def _kk_remove_deceased(data, on):
    family = active_family(data["kk_number"])
    person, relationship = _on_family(family, data["member_nik"], _("the deceased"))
    if person.life_status != LifeStatus.MATI:
        raise CivilError(_("%(nik)s is not recorded as deceased: apply for an akta kematian first.") % {"nik": person.nik}, code="not_deceased")
    others = {nik: rel for nik, (_r, rel) in members(family).items() if nik != person.nik}
    if relationship == Relationship.KEPALA_KELUARGA and others:
        if not data.get("new_head_nik") or data["new_head_nik"] not in others:
            raise CivilError(_("The head died: name the new head among the remaining members."), code="new_head")
    return Subject(person.nik, family.kk_number, family.kelurahan.kecamatan_id)


def _kk_move_in(data, on):
    family = active_family(data["kk_number"])
    person = resident(data["member_nik"], _("the person moving in"))
    if person.nik in members(family):
        raise CivilError(_("%(nik)s is already on KK %(kk)s.") % {"nik": person.nik, "kk": family.kk_number}, code="already_member")
    return Subject(person.nik, family.kk_number, family.kelurahan.kecamatan_id)


def _leaving(data, family) -> tuple[dict, dict]:
    current = members(family)
    leaving = {}
    for nik, rel in data["members"]:
        if nik not in current:
            raise CivilError(_("%(what)s %(nik)s is not on KK %(kk)s.") % {"what": _("a member"), "nik": nik, "kk": family.kk_number}, code="not_member")
        leaving[nik] = rel
    staying = {nik: rel for nik, (_r, rel) in current.items() if nik not in leaving}
    head_leaves = any(rel == Relationship.KEPALA_KELUARGA for nik, (_r, rel) in current.items() if nik in leaving)
    if staying and head_leaves and data.get("remaining_head_nik") not in staying:
        raise CivilError(_("The head leaves: name the new head among the members who stay."), code="new_head")
    return leaving, staying


def _kk_move_out(data, on):
    family = active_family(data["kk_number"])
    _leaving(data, family)
    return Subject(data["members"][0][0], family.kk_number, family.kelurahan.kecamatan_id)


def _kk_split(data, on):
    family = active_family(data["kk_number"])
    _leaving_members, staying = _leaving(data, family)
    if not staying:
        raise CivilError(_("A split leaves at least one member on the old KK; everyone moving is a move."), code="nobody_stays")
    return Subject(data["members"][0][0], family.kk_number, family.kelurahan.kecamatan_id)


def _kk_correct(data, on):
    family = active_family(data["kk_number"])
    person, _rel = _on_family(family, data["member_nik"], _("the member"))
    if str(getattr(person, data["field"])) == str(data["new_value"]):
        raise CivilError(_("The registry already holds that value."), code="no_change")
    return Subject(person.nik, family.kk_number, family.kelurahan.kecamatan_id)


CHECKS = {
    Kind.AKTA_KELAHIRAN: _akta_kelahiran,
    Kind.AKTA_KEMATIAN: _akta_kematian,
    Kind.KIA: _kia,
    Kind.KK_NEWBORN: _kk_newborn,
    Kind.KK_REMOVE_DECEASED: _kk_remove_deceased,
    Kind.KK_MOVE_IN: _kk_move_in,
    Kind.KK_MOVE_OUT: _kk_move_out,
    Kind.KK_SPLIT: _kk_split,
    Kind.KK_CORRECT: _kk_correct,
}
