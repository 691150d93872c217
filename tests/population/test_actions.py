"""Writes to the registry keep every change as history, never an overwrite."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from adminduk.population import actions
from adminduk.population.choices import LifeStatus, MaritalStatus, Relationship
from adminduk.population.models import Family, FamilyMember, ResidentEvent
from adminduk.regions.models import Kelurahan, RukunTetangga

pytestmark = pytest.mark.django_db


def test_registration_issues_a_nik_and_records_history(make_resident):
    resident = make_resident(birth_date="1990-05-17", sex="P")
    assert resident.nik.startswith("727108570590")
    event = resident.events.get()
    assert event.kind == ResidentEvent.Kind.REGISTERED
    assert event.changes["nik"] == [None, resident.nik]
    assert RukunTetangga.objects.filter(rw__kelurahan_id="72.71.08.1004", rw__number="002", number="003").exists()


def test_move_keeps_old_address_in_history(make_resident):
    resident = make_resident()
    lolu = Kelurahan.objects.get(code="72.71.01.1010")
    actions.move_resident(resident, kelurahan=lolu, rw="001", rt="004", address="JL. SAM RATULANGI 5", moved_on=dt.date(2026, 1, 2))
    resident.refresh_from_db()
    assert resident.kelurahan_id == "72.71.01.1010"
    moved = resident.events.get(kind=ResidentEvent.Kind.MOVED)
    assert moved.changes["kelurahan"] == ["72.71.08.1004", "72.71.01.1010"]
    assert moved.changes["address"] == ["JL. KIMAJA NO. 12", "JL. SAM RATULANGI 5"]
    assert resident.events.count() == 2


def test_correction_needs_a_reason_and_never_touches_the_nik(make_resident):
    resident = make_resident()
    with pytest.raises(ValidationError):
        actions.correct_resident(resident, {"full_name": "SITI R"}, reason=" ")
    with pytest.raises(ValidationError):
        actions.correct_resident(resident, {"nik": "7271081705900002"}, reason="typo")
    assert actions.correct_resident(resident, {"full_name": resident.full_name}, reason="no change") is None
    event = actions.correct_resident(resident, {"blood_type": "AB+"}, reason="lab result")
    assert event.changes == {"blood_type": ["O+", "AB+"]}


def test_history_rows_cannot_be_edited_or_deleted(make_resident):
    event = make_resident().events.get()
    event.reason = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        type(event).objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        type(event).objects.filter(pk=event.pk).delete()


def test_family_card_needs_exactly_one_head(make_resident):
    a, b = make_resident(), make_resident()
    kel = a.kelurahan
    for members in ([(a, Relationship.ANAK), (b, Relationship.ANAK)], [(a, Relationship.KEPALA_KELUARGA), (b, Relationship.KEPALA_KELUARGA)]):
        with pytest.raises(ValidationError):
            actions.issue_family_card(members, kelurahan=kel, rw="001", rt="001", address="JL. X", issued_on=dt.date(2020, 1, 1))
    assert not Family.objects.exists()


def test_resident_cannot_be_on_two_active_cards(sample_family, make_resident):
    with pytest.raises(ValidationError):
        actions.issue_family_card(
            [(sample_family["child"], Relationship.KEPALA_KELUARGA)],
            kelurahan=sample_family["child"].kelurahan, rw="001", rt="001", address="JL. X", issued_on=dt.date(2026, 1, 1),
        )


def test_death_of_head_issues_new_kk_and_widows_the_spouse(sample_family):
    head, wife, child, family = sample_family["head"], sample_family["wife"], sample_family["child"], sample_family["family"]
    actions.record_death(head, died_on=dt.date(2026, 10, 1))
    head.refresh_from_db()
    wife.refresh_from_db()
    family.refresh_from_db()
    assert head.life_status == LifeStatus.MATI and head.nik  # the NIK is kept
    assert wife.marital_status == MaritalStatus.CERAI_MATI
    assert family.status == Family.Status.SUPERSEDED
    new_family = family.superseded_by
    assert new_family.kk_number != family.kk_number
    assert new_family.kk_number.startswith("727108011026")
    members = {m.resident_id: m.relationship for m in FamilyMember.objects.filter(family=new_family)}
    assert members == {wife.pk: Relationship.KEPALA_KELUARGA, child.pk: Relationship.ANAK}
    # The old card and its members stay as history.
    assert FamilyMember.objects.filter(family=family).count() == 3
    assert wife.events.filter(kind=ResidentEvent.Kind.CORRECTED).exists()
    assert child.events.filter(kind=ResidentEvent.Kind.FAMILY_CHANGED).count() == 2
    with pytest.raises(ValidationError):
        actions.record_death(head, died_on=dt.date(2026, 10, 2))


def test_death_before_birth_is_refused(make_resident):
    resident = make_resident(birth_date="1990-05-17")
    with pytest.raises(ValidationError):
        actions.record_death(resident, died_on=dt.date(1990, 5, 16))
    resident.refresh_from_db()
    assert resident.life_status == LifeStatus.HIDUP
