"""Each application kind end to end: submitted with its documents, approved, and its effect on
the registry, the KK (a new number, the old one superseded) and the issued documents."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.civil import actions
from adminduk.civil.choices import Status
from adminduk.civil.errors import CivilError
from adminduk.documents.models import IssuedDocument
from adminduk.enrollment import requests as ktp_requests
from adminduk.enrollment.statuses import RequestStatus
from adminduk.population.choices import LifeStatus, MaritalStatus, Relationship
from adminduk.population.models import Family, Resident, ResidentEvent

from .conftest import birth_data

pytestmark = pytest.mark.django_db


def kk_of(resident) -> Family:
    return Resident.objects.get(pk=resident.pk).current_membership.family


def shdk(family) -> dict:
    return {m.resident.nik: m.relationship for m in family.members.select_related("resident")}


def document(kind, number) -> IssuedDocument:
    return IssuedDocument.objects.filter(kind=kind, number=number).order_by("-version").first()


def test_akta_kelahiran_creates_the_child_with_a_new_nik_and_a_new_kk(apply, sample_family, witnesses, verifier):
    old = sample_family["family"]
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    actions.approve(application, actor=verifier)
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == verifier
    child = Resident.objects.get(nik=application.result["nik"])
    assert child.full_name == "PUTRI SANTOSO" and child.sex == "P" and child.mother_name == "SITI AMINAH" and child.father_name == "BUDI SANTOSO"
    assert child.nik.startswith("727108") and child.nik[6:8] == f"{child.birth_date.day + 40:02d}"  # a girl: day + 40
    assert [e.kind for e in child.events.all()] == [ResidentEvent.Kind.BORN, ResidentEvent.Kind.FAMILY_CHANGED]
    old.refresh_from_db()
    new = kk_of(child)
    assert old.status == Family.Status.SUPERSEDED and old.superseded_by == new and new.kk_number == application.result["kk_number"]
    assert shdk(new) == {sample_family["head"].nik: 1, sample_family["wife"].nik: 3, sample_family["child"].nik: 4, child.nik: 4}
    kinds = {d["kind"]: d for d in application.result["documents"]}
    akta = document("akta_kelahiran", kinds["akta_kelahiran"]["number"])
    assert akta.nik == child.nik and akta.payload["nama_ibu"] == "SITI AMINAH" and akta.state == "valid"
    assert "-LU-" in akta.number and document("kk", new.kk_number).state == "valid"


def test_a_superseded_kk_verifies_as_superseded(apply, sample_family, witnesses, verifier, client):
    from adminduk.documents.verification import verify_token
    from adminduk.documents import signing

    first = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    actions.approve(first, actor=verifier)
    first.refresh_from_db()
    kk_doc = document("kk", first.result["kk_number"])
    token = signing.token_for(kk_doc)
    assert verify_token(token).status == "valid"
    second = apply("akta_kematian", {"applicant_nik": sample_family["wife"].nik, "deceased_nik": sample_family["head"].nik,
                                     "died_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(), "death_place": "RSUD Undata",
                                     "reporter_relationship": "istri"})
    actions.approve(second, actor=verifier)
    second.refresh_from_db()
    assert verify_token(token).status == "superseded"
    assert document("kk", second.result["kk_number"]).state == "valid"
    page = client.get(f"/verifikasi/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "superseded" in page


def test_akta_kematian_marks_deceased_widows_the_spouse_and_closes_requests_and_bookings(apply, sample_family, verifier, make_office):
    from adminduk.appointments import actions as appointments
    from adminduk.appointments import slots
    from adminduk.appointments.models import Booking
    from adminduk.offices import actions as office_actions
    from tests.appointments.conftest import next_plain_weekday

    head, wife = sample_family["head"], sample_family["wife"]
    office = make_office("72.71.08")
    office_actions.set_opening_hours(office, [(d, dt.time(8), dt.time(16)) for d in range(5)])
    office_actions.add_equipment(office, "recording_set", "RS-1", label="Loket 1")
    booking = appointments.book(nik=head.nik, slot=slots.slots_for_day(office, next_plain_weekday(0))[0].pk)
    request = ktp_requests.open_request(nik=head.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECEIVED, resident=head)
    today = timezone.localdate()
    assert head.is_wajib_ktp(today)
    application = apply("akta_kematian", {"applicant_nik": wife.nik, "deceased_nik": head.nik, "died_on": (today - dt.timedelta(days=3)).isoformat(),
                                          "death_place": "RSUD Undata", "cause": "sakit", "reporter_relationship": "istri"})
    actions.approve(application, actor=verifier)
    application.refresh_from_db()
    head.refresh_from_db()
    wife.refresh_from_db()
    request.refresh_from_db()
    assert head.life_status == LifeStatus.MATI and head.died_on == today - dt.timedelta(days=3) and not head.is_wajib_ktp(today)
    assert wife.marital_status == MaritalStatus.CERAI_MATI
    assert request.status == RequestStatus.REJECTED and request.rejection_code == "deceased"
    assert Booking.objects.get(pk=booking.pk).status == "cancelled" and application.result["cancelled_bookings"] == [str(booking.pk)]
    new = kk_of(wife)
    assert new.kk_number == application.result["kk_number"] and shdk(new) == {wife.nik: 1, sample_family["child"].nik: 4}
    assert head.events.filter(kind=ResidentEvent.Kind.DIED).exists() and wife.events.filter(kind=ResidentEvent.Kind.CORRECTED).exists()
    akta = document("akta_kematian", application.result["documents"][0]["number"])
    assert akta.payload["pelapor"] == wife.full_name and "-KM-" in akta.number


@pytest.mark.parametrize("age_years, photo", [(3, False), (8, True)])
def test_kia_for_both_age_bands(apply, sample_family, make_resident, verifier, age_years, photo):
    from adminduk.population import actions as population

    born = timezone.localdate() - dt.timedelta(days=365 * age_years + 30)
    child = make_resident(full_name="ANAK KIA", sex="L", birth_date=born.isoformat(), occupation="belum_bekerja", education="tidak_sekolah")
    family = sample_family["family"]
    population.issue_family_card([(m.resident, m.relationship) for m in family.members.all()] + [(child, Relationship.ANAK)],
                                 kelurahan=family.kelurahan, rw=family.rw, rt=family.rt, address=family.address, issued_on=timezone.localdate(), supersedes=family)
    application = apply("kia", {"applicant_nik": sample_family["head"].nik, "child_nik": child.nik})
    assert ("child_photo" in [d.requirement for d in application.documents.all()]) is photo
    actions.approve(application, actor=verifier)
    application.refresh_from_db()
    kia = document("kia", f"KIA-{child.nik}")
    assert kia.valid_until == born.replace(year=born.year + (5 if age_years < 5 else 17))
    assert kia.payload["nama"] == "ANAK KIA" and kia.payload["nomor_kk"] == kk_of(child).kk_number


def test_kk_newborn_adds_the_child(apply, sample_family, make_resident, verifier):
    baby = make_resident(full_name="BAYI BARU", sex="L", birth_date=(timezone.localdate() - dt.timedelta(days=20)).isoformat(),
                         occupation="belum_bekerja", education="tidak_sekolah", rt="009")
    application = apply("kk_newborn", {"applicant_nik": sample_family["head"].nik, "kk_number": sample_family["family"].kk_number,
                                       "child_nik": baby.nik, "relationship": "4"})
    actions.approve(application, actor=verifier)
    baby.refresh_from_db()
    assert baby.rt == "003" and shdk(kk_of(baby))[baby.nik] == 4 and len(shdk(kk_of(baby))) == 4


def test_kk_remove_deceased_member(apply, sample_family, verifier):
    from adminduk.population import actions as population

    child = sample_family["child"]
    population.correct_resident(child, {"life_status": LifeStatus.MATI, "died_on": timezone.localdate()}, reason="dilaporkan RT")
    application = apply("kk_remove_deceased", {"applicant_nik": sample_family["head"].nik, "kk_number": sample_family["family"].kk_number,
                                               "member_nik": child.nik})
    actions.approve(application, actor=verifier)
    new = kk_of(sample_family["head"])
    assert child.nik not in shdk(new) and len(shdk(new)) == 2


def test_kk_move_in_from_another_kk_and_kecamatan(apply, sample_family, make_resident, verifier):
    from adminduk.population import actions as population
    from adminduk.regions.models import Kelurahan

    elsewhere = Kelurahan.objects.filter(kecamatan_id="72.71.06").first()
    mother_in_law = make_resident(full_name="NENEK AMINAH", sex="P", birth_date="1950-01-01", marital_status="cerai_mati", kelurahan=elsewhere.code)
    sister = make_resident(full_name="ADIK AMINAH", sex="P", birth_date="1990-01-01", kelurahan=elsewhere.code)
    their_kk = population.issue_family_card([(mother_in_law, 1), (sister, 4)], kelurahan=elsewhere, rw="001", rt="001", address="JL. LAIN", issued_on=dt.date(2020, 1, 1))
    application = apply("kk_move_in", {"applicant_nik": sample_family["head"].nik, "kk_number": sample_family["family"].kk_number,
                                       "member_nik": mother_in_law.nik, "relationship": "8", "moved_on": timezone.localdate().isoformat()})
    actions.approve(application, actor=verifier)
    mother_in_law.refresh_from_db()
    their_kk.refresh_from_db()
    assert mother_in_law.kelurahan_id == sample_family["family"].kelurahan_id and shdk(kk_of(mother_in_law))[mother_in_law.nik] == 8
    assert their_kk.status == Family.Status.SUPERSEDED and shdk(kk_of(sister)) == {sister.nik: 1}  # the one left leads her KK
    assert mother_in_law.events.filter(kind=ResidentEvent.Kind.MOVED).exists()


@pytest.mark.parametrize("kind", ["kk_move_out", "kk_split"])
def test_kk_move_out_and_split(apply, sample_family, make_resident, verifier, kind):
    head, wife, child = sample_family["head"], sample_family["wife"], sample_family["child"]
    grown = make_resident(full_name="KAKAK SANTOSO", sex="L", birth_date="1999-01-01", marital_status="kawin")
    from adminduk.population import actions as population

    family = sample_family["family"]
    family = population.issue_family_card([(head, 1), (wife, 3), (child, 4), (grown, 4)], kelurahan=family.kelurahan, rw=family.rw, rt=family.rt,
                                          address=family.address, issued_on=timezone.localdate(), supersedes=family)
    application = apply(kind, {"applicant_nik": grown.nik, "kk_number": family.kk_number, "members": f"{grown.nik} 1",
                               "moved_on": timezone.localdate().isoformat(), "kelurahan": "72.71.08.1001", "rw": "4", "rt": "7", "address": "JL. BARU 1"})
    actions.approve(application, actor=verifier)
    grown.refresh_from_db()
    assert grown.kelurahan_id == "72.71.08.1001" and grown.rt == "007" and shdk(kk_of(grown)) == {grown.nik: 1}
    assert shdk(kk_of(head)) == {head.nik: 1, wife.nik: 3, child.nik: 4}
    application.refresh_from_db()
    issued = {d["number"] for d in application.result["documents"]}
    assert kk_of(grown).kk_number in issued and kk_of(head).kk_number in issued


def test_split_refuses_when_nobody_stays(apply, sample_family):
    family = sample_family["family"]
    members = "\n".join(f"{r.nik} {rel}" for r, rel in [(sample_family["head"], 1), (sample_family["wife"], 3), (sample_family["child"], 4)])
    with pytest.raises(CivilError, match="at least one member"):
        apply("kk_split", {"applicant_nik": sample_family["head"].nik, "kk_number": family.kk_number, "members": members,
                           "moved_on": timezone.localdate().isoformat(), "kelurahan": "72.71.08.1001", "rw": "4", "rt": "7", "address": "JL. BARU 1"})


def test_kk_correct_changes_the_data_and_issues_a_new_kk(apply, sample_family, verifier):
    child = sample_family["child"]
    application = apply("kk_correct", {"applicant_nik": sample_family["head"].nik, "kk_number": sample_family["family"].kk_number,
                                       "member_nik": child.nik, "field": "religion", "new_value": "Kristen", "reason": "salah ketik"})
    actions.approve(application, actor=verifier)
    child.refresh_from_db()
    assert child.religion == "kristen" and child.events.filter(kind=ResidentEvent.Kind.CORRECTED).exists()
    assert kk_of(child).kk_number != sample_family["family"].kk_number


def test_a_registry_change_since_submission_refuses_the_approval_and_changes_nothing(apply, sample_family, witnesses, verifier):
    from adminduk.population import actions as population

    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    population.record_death(sample_family["wife"], died_on=timezone.localdate())  # the KK changed meanwhile
    residents = Resident.objects.count()
    with pytest.raises(CivilError, match="superseded|recorded as"):
        actions.approve(application, actor=verifier)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and Resident.objects.count() == residents and not IssuedDocument.objects.exists()
