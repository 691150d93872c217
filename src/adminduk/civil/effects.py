"""What an approved application changes in the registry, through population.actions (each
change lands in the resident's history), inside the approval's transaction. Returns what was
issued: the new NIK, the new KK number (the old one superseded) and the documents."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.population import actions as population
from adminduk.population.choices import BloodType, Citizenship, Education, MaritalStatus, Occupation, Relationship
from adminduk.population.models import Family, Resident, ResidentEvent

from . import rules
from .choices import Kind
from .errors import CivilError


def apply(application, *, actor) -> dict:
    from . import issuing

    today = timezone.localdate()
    reason = _("%(kind)s, application %(id)s") % {"kind": application.get_kind_display(), "id": str(application.pk)[:8]}
    result = EFFECTS[application.kind](application.data, today=today, actor=actor, reason=reason)
    result["documents"] = issuing.issue_for(application, result, actor=actor)
    return result


def _reissue(family: Family, new_members: list[tuple[Resident, int]], *, today, actor, reason) -> Family:
    return population.issue_family_card(
        new_members, kelurahan=family.kelurahan, rw=family.rw, rt=family.rt, address=family.address,
        postal_code=family.postal_code, issued_on=today, supersedes=family, actor=actor, reason=reason,
    )


def _members(family) -> list[tuple[Resident, int]]:
    return [(m.resident, m.relationship) for m in family.members.select_related("resident").order_by("relationship", "resident__birth_date")]


def _akta_kelahiran(data, *, today, actor, reason):
    family = rules.active_family(data["kk_number"])
    mother = rules.resident(data["mother_nik"], _("the mother"))
    father = rules.resident(data["father_nik"], _("the father")) if data.get("father_nik") else None
    values = {
        "full_name": data["child_name"].strip().upper(), "birth_place": data["birth_place"].strip().upper(),
        "birth_date": dt.date.fromisoformat(data["birth_date"]), "sex": data["child_sex"], "blood_type": BloodType.UNKNOWN,
        "religion": mother.religion, "marital_status": MaritalStatus.BELUM_KAWIN, "occupation": Occupation.BELUM_BEKERJA,
        "education": Education.TIDAK_SEKOLAH, "citizenship": Citizenship.WNI, "father_name": father.full_name if father else "",
        "mother_name": mother.full_name, "kelurahan": family.kelurahan, "rw": family.rw, "rt": family.rt, "address": family.address,
    }
    child = population.register_resident(values, actor=actor, kind=ResidentEvent.Kind.BORN, reason=reason)
    new_family = _reissue(family, _members(family) + [(child, data["relationship"])], today=today, actor=actor, reason=reason)
    return {"nik": child.nik, "kk_number": new_family.kk_number, "superseded_kk": family.kk_number, "kk_changes": [[new_family.kk_number, family.kk_number]]}


def _akta_kematian(data, *, today, actor, reason):
    from adminduk.enrollment.requests import open_request_for, transition
    from adminduk.enrollment.statuses import RequestStatus, can_move

    deceased = rules.resident(data["deceased_nik"], _("the deceased"))
    membership = deceased.current_membership
    population.record_death(deceased, died_on=dt.date.fromisoformat(data["died_on"]), actor=actor, reason=reason)
    result = {"nik": deceased.nik}
    if membership is not None:
        old = Family.objects.get(pk=membership.family_id)
        result["superseded_kk"] = old.kk_number
        if old.superseded_by_id:
            result["kk_number"] = old.superseded_by.kk_number
            result["kk_changes"] = [[old.superseded_by.kk_number, old.kk_number]]
        else:
            result["kk_closed"] = [old.kk_number]
    request = open_request_for(deceased.nik, lock=True)
    if request is not None:
        if can_move(request.status, RequestStatus.REJECTED):
            transition(request, RequestStatus.REJECTED, actor=actor, reason=_("The resident died (%(reason)s).") % {"reason": reason}, rejection_code="deceased")
            result["closed_ktp_request"] = str(request.pk)
        else:
            result["ktp_request_left"] = f"{request.pk} {request.status}"
    result |= _cancel_bookings(deceased.nik, actor=actor, reason=reason)
    return result


def _cancel_bookings(nik: str, *, actor, reason: str) -> dict:
    """The deceased's open recording appointments are cancelled (their places freed)."""
    from adminduk.appointments import actions as appointments
    from adminduk.appointments.choices import BookingStatus
    from adminduk.appointments.models import Booking
    from adminduk.appointments.rules import BookingRefused

    cancelled, left = [], []
    for booking in Booking.objects.filter(nik=nik, status=BookingStatus.BOOKED):
        try:
            appointments.cancel(booking, actor=actor, reason=_("The resident died (%(reason)s).") % {"reason": reason})
            cancelled.append(str(booking.pk))
        except BookingRefused:  # too close to the slot to free the place: it ends as a no-show
            left.append(str(booking.pk))
    return ({"cancelled_bookings": cancelled} if cancelled else {}) | ({"bookings_left": left} if left else {})


def _kia(data, *, today, actor, reason):
    child = rules.resident(data["child_nik"], _("the child"))
    return {"nik": child.nik}


def _kk_newborn(data, *, today, actor, reason):
    family = rules.active_family(data["kk_number"])
    child = rules.resident(data["child_nik"], _("the child"))
    if (child.kelurahan_id, child.rw, child.rt, child.address) != (family.kelurahan_id, family.rw, family.rt, family.address):
        population.move_resident(child, kelurahan=family.kelurahan, rw=family.rw, rt=family.rt, address=family.address, moved_on=today, actor=actor, reason=reason)
    new_family = _reissue(family, _members(family) + [(child, data["relationship"])], today=today, actor=actor, reason=reason)
    return {"nik": child.nik, "kk_number": new_family.kk_number, "superseded_kk": family.kk_number, "kk_changes": [[new_family.kk_number, family.kk_number]]}


def _rehead(staying: list[tuple[Resident, int]], head_nik: str) -> list[tuple[Resident, int]]:
    if any(rel == Relationship.KEPALA_KELUARGA for _r, rel in staying):
        return staying
    return [(r, Relationship.KEPALA_KELUARGA if r.nik == head_nik else rel) for r, rel in staying]


def _kk_remove_deceased(data, *, today, actor, reason):
    family = rules.active_family(data["kk_number"])
    staying = [(r, rel) for r, rel in _members(family) if r.nik != data["member_nik"]]
    if not staying:
        population.close_family_card(family, closed_on=today, actor=actor, reason=reason)
        return {"nik": data["member_nik"], "superseded_kk": family.kk_number, "kk_closed": [family.kk_number]}
    new_family = _reissue(family, _rehead(staying, data.get("new_head_nik", "")), today=today, actor=actor, reason=reason)
    return {"nik": data["member_nik"], "kk_number": new_family.kk_number, "superseded_kk": family.kk_number,
            "kk_changes": [[new_family.kk_number, family.kk_number]]}


def _leave(family, leaving_niks, head_nik, *, today, actor, reason) -> dict:
    """Take `leaving_niks` off `family`: a new KK for those who stay, or none when nobody does."""
    staying = [(r, rel) for r, rel in _members(family) if r.nik not in leaving_niks]
    if not staying:
        population.close_family_card(family, closed_on=today, actor=actor, reason=reason)
        return {"superseded_kk": family.kk_number, "kk_closed": [family.kk_number], "kk_changes": []}
    new_family = _reissue(family, _rehead(staying, head_nik), today=today, actor=actor, reason=reason)
    return {"superseded_kk": family.kk_number, "remaining_kk": new_family.kk_number, "kk_changes": [[new_family.kk_number, family.kk_number]]}


def _kk_move_in(data, *, today, actor, reason):
    target = rules.active_family(data["kk_number"])
    person = rules.resident(data["member_nik"], _("the person moving in"))
    result = {"nik": person.nik, "kk_changes": [], "kk_closed": []}
    current = person.current_membership
    if current is not None:
        old = current.family
        others = [(r, rel) for r, rel in _members(old) if r.nik != person.nik]
        head = data.get("remaining_head_nik") or _eldest_for_head(others)
        left = _leave(old, {person.nik}, head, today=today, actor=actor, reason=reason)
        result["left_kk"] = left["superseded_kk"]
        result["kk_changes"] += left["kk_changes"]
        result["kk_closed"] += left.get("kk_closed", [])
    moved_on = dt.date.fromisoformat(data["moved_on"])
    population.move_resident(person, kelurahan=target.kelurahan, rw=target.rw, rt=target.rt, address=target.address, moved_on=moved_on, actor=actor, reason=reason)
    person.refresh_from_db()
    new_family = _reissue(target, _members(target) + [(person, data["relationship"])], today=today, actor=actor, reason=reason)
    result["kk_changes"].append([new_family.kk_number, target.kk_number])
    return result | {"kk_number": new_family.kk_number, "superseded_kk": target.kk_number}


def _eldest_for_head(members: list[tuple[Resident, int]]) -> str:
    """When the head of a KK moves into another KK, the spouse leads the family, else the eldest."""
    for code in (Relationship.ISTRI, Relationship.SUAMI):
        for resident, rel in members:
            if rel == code:
                return resident.nik
    return min(members, key=lambda m: m[0].birth_date)[0].nik if members else ""


def _kk_move_out(data, *, today, actor, reason):
    from adminduk.regions.models import Kelurahan

    family = rules.active_family(data["kk_number"])
    leaving = {nik: rel for nik, rel in data["members"]}
    result = _leave(family, set(leaving), data.get("remaining_head_nik", ""), today=today, actor=actor, reason=reason)
    kelurahan = Kelurahan.objects.get(pk=data["kelurahan"])
    moved_on = dt.date.fromisoformat(data["moved_on"])
    movers = []
    for nik, rel in data["members"]:
        person = rules.resident(nik, _("a member"))
        population.move_resident(person, kelurahan=kelurahan, rw=data["rw"], rt=data["rt"], address=data["address"], moved_on=moved_on, actor=actor, reason=reason)
        person.refresh_from_db()
        movers.append((person, rel))
    new_family = population.issue_family_card(
        movers, kelurahan=kelurahan, rw=data["rw"], rt=data["rt"], address=data["address"], issued_on=today, actor=actor, reason=reason
    )
    result["kk_changes"].append([new_family.kk_number, ""])
    return result | {"kk_number": new_family.kk_number, "niks": sorted(leaving)}


def _kk_correct(data, *, today, actor, reason):
    family = rules.active_family(data["kk_number"])
    person = rules.resident(data["member_nik"], _("the member"))
    event = population.correct_resident(person, {data["field"]: data["new_value"]}, reason=f"{data['reason']} ({reason})"[:300], actor=actor)
    if event is None:
        raise CivilError(_("The registry already holds that value."), code="no_change")
    new_family = _reissue(family, _members(family), today=today, actor=actor, reason=reason)
    return {"nik": person.nik, "kk_number": new_family.kk_number, "superseded_kk": family.kk_number, "kk_changes": [[new_family.kk_number, family.kk_number]]}


EFFECTS = {
    Kind.AKTA_KELAHIRAN: _akta_kelahiran,
    Kind.AKTA_KEMATIAN: _akta_kematian,
    Kind.KIA: _kia,
    Kind.KK_NEWBORN: _kk_newborn,
    Kind.KK_REMOVE_DECEASED: _kk_remove_deceased,
    Kind.KK_MOVE_IN: _kk_move_in,
    Kind.KK_MOVE_OUT: _kk_move_out,
    Kind.KK_SPLIT: _kk_move_out,
    Kind.KK_CORRECT: _kk_correct,
}
