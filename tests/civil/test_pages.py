"""The pages: counter intake with uploads, bad uploads refused with a message and nothing
stored, decisions by the verifier, and the resident portal (own family only, missing
documents shown and uploaded)."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adminduk.civil.choices import Status
from adminduk.civil.models import Application, ApplicationDocument

from ..portal.conftest import family_with_phones, outbox, sign_in  # noqa: F401  (fixtures)
from .conftest import birth_data, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def files(**named):
    return {f"doc_{k}": SimpleUploadedFile(name, data) for k, (name, data) in named.items()}


def test_counter_intake_with_documents(staff_client, sample_family, witnesses):
    client = staff_client("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    assert client.get("/layanan-sipil/baru/?jenis=akta_kelahiran").status_code == 200
    data = birth_data(sample_family, witnesses) | {"jenis": "akta_kelahiran"}
    response = client.post("/layanan-sipil/baru/?jenis=akta_kelahiran", data | files(birth_letter=("lahir.pdf", pdf_bytes()), family_card=("kk.png", png_bytes())))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert sorted(application.documents.values_list("requirement", flat=True)) == ["birth_letter", "family_card"]
    assert application.missing == ["parents_ktp", "marriage"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "KTP-el orang tua" in page.content.decode()  # Indonesian by default


@pytest.mark.parametrize("upload", [("lahir.pdf", pdf_bytes(javascript=True)), ("lahir.pdf", png_bytes()), ("lahir.exe", b"MZ\x90\x00")])
def test_a_bad_upload_refuses_the_whole_intake_and_stores_nothing(staff_client, sample_family, witnesses, upload):
    client = staff_client("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = birth_data(sample_family, witnesses) | {"jenis": "akta_kelahiran"}
    response = client.post("/layanan-sipil/baru/?jenis=akta_kelahiran", data | files(birth_letter=upload))
    assert response.status_code == 400 and "birth letter" in response.content.decode()
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


def test_malformed_input_is_400(staff_client, sample_family, witnesses):
    client = staff_client("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    data = birth_data(sample_family, witnesses, mother_nik="12345", birth_date="2099-01-01") | {"jenis": "akta_kelahiran"}
    assert client.post("/layanan-sipil/baru/?jenis=akta_kelahiran", data).status_code == 400
    assert client.post("/layanan-sipil/baru/?jenis=kk_move_out", {"jenis": "kk_move_out", "members": "abc def ghi"}).status_code == 400
    assert not Application.objects.exists()


def test_a_counter_operator_cannot_decide_and_a_verifier_can(apply, sample_family, witnesses, staff_client, make_staff):
    from tests.conftest import login_verified

    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    client = staff_client("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    assert client.post(f"/layanan-sipil/{application.pk}/setujui/").status_code == 403
    login_verified(client, make_staff("verifier", offices=("dinas",)))
    assert client.post(f"/layanan-sipil/{application.pk}/tolak/", {"reason": ""}).status_code == 400
    assert client.post(f"/layanan-sipil/{application.pk}/minta-dokumen/", {"wanted": ["marriage"], "note": "Buku nikah tidak jelas"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.NEEDS_DOCUMENTS


def test_portal_application_shows_what_is_missing_and_takes_the_upload(client, family_with_phones, witnesses, make_office):
    make_office("72.71.08")
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    assert client.get("/portal/layanan/").status_code == 200
    data = birth_data(family_with_phones, witnesses) | {"jenis": "akta_kelahiran"}
    response = client.post("/portal/layanan/baru/?jenis=akta_kelahiran", data | files(birth_letter=("lahir.jpg", _jpeg())))
    assert response.status_code == 302, response.content.decode()[:1500]
    application = Application.objects.get()
    assert application.channel == "portal" and application.office.kecamatan_id == "72.71.08" and application.applicant_nik == head.nik
    page = client.get(response["Location"]).content.decode()
    assert "Masih kurang" in page or "Still missing" in page
    response = client.post(f"/portal/layanan/{application.pk}/dokumen/", {"requirement": "marriage", "file": SimpleUploadedFile("nikah.pdf", pdf_bytes())})
    assert response.status_code == 302
    refused = client.post(f"/portal/layanan/{application.pk}/dokumen/", {"requirement": "parents_ktp", "file": SimpleUploadedFile("ktp.pdf", pdf_bytes(javascript=True))})
    assert refused.status_code == 400
    application.refresh_from_db()
    assert application.missing == ["family_card", "parents_ktp"]


def test_portal_only_for_own_family_and_own_applications(client, family_with_phones, witnesses, make_resident, make_office, apply):
    make_office("72.71.08")
    stranger = make_resident(full_name="ORANG LAIN", sex="L", birth_date="1970-01-01", marital_status="kawin")
    other = apply("akta_kelahiran", birth_data(family_with_phones, witnesses))
    wife = family_with_phones["wife"]
    sign_in(client, wife.nik, wife.phone)
    response = client.post("/portal/layanan/baru/?jenis=kk_correct", {"jenis": "kk_correct", "kk_number": "7271080101100001", "member_nik": stranger.nik,
                                                                      "field": "full_name", "new_value": "X", "reason": "y"})
    assert response.status_code == 400
    assert client.get(f"/portal/layanan/{other.pk}/").status_code == 404  # made by her husband, not her


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 100), (90, 90, 90)).save(out, format="JPEG")
    return out.getvalue()


