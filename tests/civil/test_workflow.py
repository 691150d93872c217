"""Staff workflow: the office queue (deny by default), asking for more documents (the clock
stops), rejection with a reason, the service standard and overdue applications."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.civil import actions, queries
from adminduk.civil.choices import Requirement, Status
from adminduk.civil.errors import CivilError
from adminduk.civil.models import Application, ServiceStandard

from .conftest import birth_data, pdf_bytes

pytestmark = pytest.mark.django_db


def test_missing_documents_are_listed_until_uploaded(apply, sample_family, witnesses):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses), docs=False)
    assert application.missing == ["birth_letter", "family_card", "parents_ktp", "marriage"]
    actions.add_document(application, Requirement.BIRTH_LETTER, pdf_bytes(), "lahir.pdf")
    application.refresh_from_db()
    assert application.missing == ["family_card", "parents_ktp", "marriage"]
    with pytest.raises(CivilError, match="Documents still missing"):
        actions.approve(application, actor=None)


def test_request_documents_stops_the_clock_until_they_arrive(apply, sample_family, witnesses, verifier):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    assert application.missing == [] and application.status == Status.SUBMITTED
    due = application.due_at
    actions.request_documents(application, [Requirement.BIRTH_LETTER], note="Surat lahir tidak terbaca", actor=verifier)
    application.refresh_from_db()
    assert application.status == Status.NEEDS_DOCUMENTS and application.missing == [Requirement.BIRTH_LETTER]
    assert application.note_to_applicant == "Surat lahir tidak terbaca" and not application.is_overdue()
    Application.objects.filter(pk=application.pk).update(waiting_since=timezone.now() - dt.timedelta(hours=5))
    application.refresh_from_db()
    actions.add_document(application, Requirement.BIRTH_LETTER, pdf_bytes(), "lahir.pdf")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.missing == []
    assert application.due_at - due >= dt.timedelta(hours=5)  # the waiting time does not count
    assert [e.action for e in application.events.all()][-3:] == ["documents_requested", "document_added", "resumed"]


def test_request_needs_a_document_and_a_note(apply, sample_family, witnesses, verifier):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    with pytest.raises(CivilError):
        actions.request_documents(application, [], note="x", actor=verifier)
    with pytest.raises(CivilError):
        actions.request_documents(application, [Requirement.MARRIAGE], note=" ", actor=verifier)


def test_reject_needs_a_reason_and_is_final(apply, sample_family, witnesses, verifier):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    with pytest.raises(CivilError):
        actions.reject(application, reason="  ", actor=verifier)
    actions.reject(application, reason="Saksi tidak hadir", actor=verifier)
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.decision_reason == "Saksi tidak hadir" and application.decision_hours is not None
    with pytest.raises(CivilError, match="already decided"):
        actions.approve(application, actor=verifier)
    with pytest.raises(CivilError, match="already decided"):
        actions.add_document(application, Requirement.MARRIAGE, pdf_bytes(), "nikah.pdf")


def test_service_standard_is_configurable_and_overdue_is_shown(apply, sample_family, witnesses, staff_client):
    ServiceStandard.objects.create(kind="akta_kelahiran", hours=2)
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    assert application.due_at - application.submitted_at == dt.timedelta(hours=2)
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    application.refresh_from_db()
    assert application.is_overdue()
    client = staff_client("verifier", offices=("72.71.08",))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/layanan-sipil/").content.decode()
    assert "1 application is past the service standard" in page and "overdue" in page


def test_the_queue_is_scoped_to_the_jurisdiction(apply, sample_family, witnesses, make_staff):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    here = make_staff("verifier", offices=("72.71.08",))
    elsewhere = make_staff("verifier", offices=("72.71.06",))
    printer = make_staff("print_operator", offices=("dinas",), certified=("printing",))
    nobody = make_staff("verifier", offices=())
    assert list(queries.queue(here)) == [application]
    assert list(queries.queue(elsewhere)) == [] and list(queries.queue(printer)) == [] and list(queries.queue(nobody)) == []


def test_pages_of_another_jurisdiction_are_404(apply, sample_family, witnesses, staff_client):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    client = staff_client("verifier", offices=("72.71.06",))
    assert client.get(f"/layanan-sipil/{application.pk}/").status_code == 404
    document = application.documents.first()
    assert client.get(f"/layanan-sipil/{application.pk}/dokumen/{document.pk}/").status_code == 404
    assert client.post(f"/layanan-sipil/{application.pk}/tolak/", {"reason": "x"}).status_code == 404


def test_registry_mismatches_are_refused_at_submission(apply, sample_family, witnesses):
    with pytest.raises(CivilError, match="No KK"):
        apply("akta_kelahiran", birth_data(sample_family, witnesses, kk_number="7271080101100009"))
    with pytest.raises(CivilError, match="belongs to a man"):
        apply("akta_kelahiran", birth_data(sample_family, witnesses, mother_nik=sample_family["head"].nik))
    with pytest.raises(CivilError, match="cannot have a KIA"):
        apply("kia", {"applicant_nik": sample_family["head"].nik, "child_nik": sample_family["wife"].nik})
    assert not Application.objects.exists()
