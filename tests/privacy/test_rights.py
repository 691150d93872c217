"""Rights requests from the portal: the data download (everything about the resident, nothing
about anyone else), correction requests with evidence, objections answered by the supervisor."""

import io
import json

import pytest
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.population.models import Resident
from adminduk.privacy.export import KK_MEMBER_FIELDS
from adminduk.privacy.models import CorrectionRequest, Objection
from tests.civil.conftest import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def test_the_download_holds_the_whole_record_and_nobody_elses(family_with_phones, make_resident, resident_client):
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    stranger = make_resident(full_name="ORANG LAIN", birth_date="1971-01-01")
    response = resident_client.get(reverse("privacy_portal:download", args=["json"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    # Every column the registry holds about the resident.
    for field in Resident._meta.concrete_fields:
        value = field.value_from_object(head)
        key = field.attname if field.is_relation else field.name
        assert key in data["resident"], key
        expected = value.isoformat() if hasattr(value, "isoformat") else (str(value) if field.name == "id" else value)
        assert data["resident"][key] == expected, key
    # The KK as it is printed: its members with the printed columns only.
    (kk,) = data["family_cards"]
    assert kk["kk_number"] == family_with_phones["family"].kk_number
    member_keys = {key for member in kk["members"] for key in member}
    assert member_keys <= set(KK_MEMBER_FIELDS) | {f"{f}_label" for f in KK_MEMBER_FIELDS} | {"relationship", "relationship_label"}
    assert {m["nik"] for m in kk["members"]} == {head.nik, wife.nik, family_with_phones["child"].nik}
    text = " ".join(_strings(data))
    assert wife.phone not in text and stranger.nik not in text and stranger.full_name not in text
    # NIKs in the download: the resident's and the KK members' only.
    import re

    assert set(re.findall(r"\b\d{16}\b", text)) <= {head.nik, wife.nik, family_with_phones["child"].nik, kk["kk_number"]}
    assert AuditEntry.objects.filter(action="export", object_type="resident", object_id=head.nik).exists()


def test_the_pdf_download_reads_back(family_with_phones, resident_client):
    from pypdf import PdfReader

    response = resident_client.get(reverse("privacy_portal:download", args=["pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    head = family_with_phones["head"]
    assert head.full_name in text and head.nik in text and family_with_phones["family"].kk_number in text


def test_an_unknown_download_format_is_404(resident_client):
    assert resident_client.get("/portal/privasi/unduh.xml").status_code == 404


def test_a_correction_request_with_evidence_becomes_a_task_with_a_deadline(family_with_phones, resident_client, supervisor, staff_as):
    url = reverse("privacy_portal:correction")
    upload = io.BytesIO(png_bytes()); upload.name = "akta.png"  # noqa: E702
    response = resident_client.post(url, {"field": "full_name", "requested_value": "BUDI SANTOSO PUTRA", "explanation": "Sesuai akta", "evidence": upload})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.evidence_type == "image/jpeg" and (correction.due_at - correction.created_at).total_seconds() == 72 * 3600
    client = staff_as(supervisor)
    page = client.get(reverse("privacy:correction", args=[correction.pk]))
    assert page.status_code == 200 and "BUDI SANTOSO PUTRA" in page.content.decode()
    assert client.get(reverse("privacy:evidence", args=[correction.pk]))["Content-Type"] == "image/jpeg"
    assert client.post(reverse("privacy:correction", args=[correction.pk]), {"outcome": "corrected", "answer": ""}).status_code == 400
    answer = {"outcome": "corrected", "answer": "Nama sudah diperbaiki sesuai akta kelahiran."}
    assert client.post(reverse("privacy:correction", args=[correction.pk]), answer).status_code == 302
    rights = resident_client.get(reverse("privacy_portal:rights")).content.decode()
    assert "Nama sudah diperbaiki sesuai akta kelahiran." in rights
    # The supervisor's reading of the case is itself in the resident's tracker, as a correction.
    assert AuditEntry.objects.filter(subject_nik=family_with_phones["head"].nik, actor=supervisor, purpose="correction").exists()


@pytest.mark.parametrize(
    ("data", "name", "content"),
    [
        ({"field": "full_name", "requested_value": "X"}, "catatan.txt", b"just text"),
        ({"field": "full_name", "requested_value": "X"}, "skrip.pdf", pdf_bytes(javascript=True)),
        ({"field": "full_name", "requested_value": "X"}, "foto.pdf", png_bytes()),
        ({"field": "full_name", "requested_value": "X"}, "kosong.png", b""),
        ({"field": "shoe_size", "requested_value": "X"}, "akta.png", png_bytes()),
        ({"field": "full_name", "requested_value": ""}, "akta.png", png_bytes()),
    ],
)
def test_bad_correction_requests_are_refused_and_nothing_is_stored(resident_client, data, name, content):
    upload = io.BytesIO(content); upload.name = name  # noqa: E702
    response = resident_client.post(reverse("privacy_portal:correction"), {**data, "evidence": upload})
    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


def test_a_correction_without_evidence_is_refused(resident_client):
    response = resident_client.post(reverse("privacy_portal:correction"), {"field": "full_name", "requested_value": "X"})
    assert response.status_code == 400 and not CorrectionRequest.objects.exists()


def test_an_objection_goes_to_the_supervisor_and_the_answer_to_the_portal(family_with_phones, operator, supervisor, staff_as, resident_client):
    head = family_with_phones["head"]
    staff_as(operator).get(reverse("web:resident_detail", args=[head.nik]))
    entry = AuditEntry.objects.get(subject_nik=head.nik, actor=operator)
    url = reverse("privacy_portal:object", args=[entry.pk])
    assert resident_client.get(url).status_code == 200
    assert resident_client.post(url, {"reason": ""}).status_code == 400 and not Objection.objects.exists()
    assert resident_client.post(url, {"reason": "Saya tidak datang ke kantor hari itu."}).status_code == 302
    assert resident_client.post(url, {"reason": "Lagi"}).status_code == 400  # one open objection per read
    objection = Objection.objects.get()
    client = staff_as(supervisor)
    cases = client.get(reverse("privacy:cases")).content.decode()
    assert head.nik in cases
    case = client.get(reverse("privacy:objection", args=[objection.pk])).content.decode()
    assert "op.uji" in case  # the supervisor sees who it was
    response = client.post(reverse("privacy:objection", args=[objection.pk]), {"answer": "Petugas membuka data Anda untuk antrean perekaman."})
    assert response.status_code == 302
    page = resident_client.get(reverse("privacy_portal:tracker")).content.decode()
    assert "Petugas membuka data Anda untuk antrean perekaman." in page


def test_no_objection_to_an_entry_outside_the_residents_tracker(family_with_phones, make_resident, operator, staff_as, resident_client):
    stranger = make_resident(full_name="ORANG LAIN", birth_date="1971-01-01")
    staff_as(operator).get(reverse("web:resident_detail", args=[stranger.nik]))
    other = AuditEntry.objects.get(subject_nik=stranger.nik, actor=operator)
    own = AuditEntry.objects.filter(actor_username=f"warga-{family_with_phones['head'].nik}").first()
    for entry in (other, own):
        assert resident_client.post(reverse("privacy_portal:object", args=[entry.pk]), {"reason": "?"}).status_code == 404
    assert not Objection.objects.exists()


def test_a_kecamatan_supervisor_elsewhere_does_not_see_the_case(family_with_phones, operator, make_staff, staff_as, resident_client):
    head = family_with_phones["head"]
    staff_as(operator).get(reverse("web:resident_detail", args=[head.nik]))
    entry = AuditEntry.objects.get(subject_nik=head.nik, actor=operator)
    resident_client.post(reverse("privacy_portal:object", args=[entry.pk]), {"reason": "Tidak kenal"})
    elsewhere = staff_as(make_staff("supervisor", offices=("72.71.06",)))
    assert elsewhere.get(reverse("privacy:objection", args=[Objection.objects.get().pk])).status_code == 404
    assert head.nik not in elsewhere.get(reverse("privacy:cases")).content.decode()
    assert staff_as(operator).get(reverse("privacy:cases")).status_code == 403


def test_the_portal_pages_need_a_signed_in_resident(client):
    for name in ("privacy_portal:tracker", "privacy_portal:rights", "privacy_portal:correction"):
        assert client.get(reverse(name)).status_code == 302
