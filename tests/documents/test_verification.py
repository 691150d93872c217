"""Verification through the page, the API and `adminduk verify`: valid, superseded and revoked
documents say so; a tampered token, another key's signature, a QR code copied onto another
document and a number that does not exist all fail."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.urls import reverse

from adminduk.documents import issuing, keys, signing

from .helpers import issue, page_text, pdf, qr_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def office(make_office):
    return make_office("72.71.08")


def command(tmp_path, pdf_bytes, capsys):
    """(exit status, one-line verdict) of `adminduk verify` with a freshly exported key list."""
    key_file = tmp_path / "keys.json"
    call_command("documents", "export-keys", str(key_file))
    capsys.readouterr()
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf_bytes)
    try:
        call_command("verify", str(path), "--keys", str(key_file))
        status = 0
    except SystemExit as exc:
        status = exc.code
    out = capsys.readouterr()
    return status, (out.out + out.err).strip()


def api(client, token):
    response = client.get(f"/api/documents/verify/{token}")
    return response.status_code, response.json()


def page(client, token):
    response = client.get(reverse("documents:verify", args=[token]))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("kind", ["kk", "akta_kelahiran", "akta_kematian", "kia"])
def test_each_document_verifies_by_page_api_and_command(kind, office, client, tmp_path, capsys):
    document = issue(kind, office)
    data = pdf(document)
    assert qr_text(data) == document.token and document.number in "".join(page_text(data).split())
    assert page(client, document.token)[0] == 200 and "genuine and active" in page(client, document.token)[1]
    status, body = api(client, document.token)
    assert status == 200 and body["status"] == "valid" and body["current"] and body["document"]["number"] == document.number
    assert body["document"]["nik"].count("*") == 6  # no more than the paper: the NIK masked on the page
    status, line = command(tmp_path, data, capsys)
    assert status == 0 and line.startswith("VALID") and document.number in line


def test_a_superseded_kk_and_a_revoked_akta_say_so_everywhere(office, client, tmp_path, capsys):
    old = issue("kk", office)
    new = issue("kk", office, supersedes=old)
    assert new.number != old.number
    status, body = api(client, old.token)
    assert status == 200 and body["status"] == "superseded" and not body["current"] and body["document"]["superseded_by"] == new.number
    assert "superseded" in page(client, old.token)[1]
    assert command(tmp_path, pdf(old), capsys)[1].startswith("SUPERSEDED")
    assert command(tmp_path, pdf(new), capsys)[0] == 0
    akta = issue("akta_kelahiran", office)
    issuing.revoke_document(akta, reason="data ibu salah")
    status, body = api(client, akta.token)
    assert body["status"] == "revoked" and body["document"]["revocation_reason"] == "data ibu salah"
    assert "revoked" in page(client, akta.token)[1]
    status, line = command(tmp_path, pdf(akta), capsys)
    assert status == 1 and line.startswith("REVOKED")


def test_a_new_version_of_the_same_number_supersedes_the_previous(office, client):
    first = issue("akta_kelahiran", office)
    second = issue("akta_kelahiran", office, number=first.number, payload={"nama": "Putri Lestari Santoso"})
    assert second.version == 2 and api(client, first.token)[1]["status"] == "superseded" and api(client, second.token)[1]["status"] == "valid"


def _tampered(token):
    key_id, payload, signature = token.split(".")
    claims = json.loads(signing.unb64(payload))
    claims["n"] = claims["n"][:-1] + ("2" if claims["n"][-1] != "2" else "3")
    return f"{key_id}.{signing.b64(json.dumps(claims, separators=(',', ':'), sort_keys=True).encode())}.{signature}"


def test_forgeries_fail_by_page_api_and_command(office, client, tmp_path, capsys):
    genuine = issue("akta_kelahiran", office)
    other = issue("akta_kematian", office)
    another_key = Ed25519PrivateKey.generate()
    unknown_number = signing.sign_claims(signing.signing_key(), kind="akta_kelahiran", number="7271-LU-03122026-9999", version=1,
                                         content_hash_hex=genuine.content_hash)
    forgeries = {
        "tampered": (_tampered(genuine.token), "INVALID"),
        "other key": (signing.sign_claims(another_key, kind=genuine.kind, number=genuine.number, version=1, content_hash_hex=genuine.content_hash), "INVALID"),
        "other key claiming ours": (keys.own_key_id() + genuine.token[16:-86] + signing.b64(another_key.sign(b"x" * 10))[:86], "INVALID"),
        "unknown number": (unknown_number, "UNKNOWN"),
    }
    for name, (token, verdict) in forgeries.items():
        status, body = api(client, token)
        assert status == 404 and not body["authentic"] and body["document"] is None, name
        assert page(client, token)[0] == 404, name
        status, line = command(tmp_path, pdf(genuine, token=token), capsys)
        assert status == 1 and line.startswith(verdict), (name, line)
    # The genuine QR code copied onto another document (the akta kematian's page).
    copied = pdf(other, token=genuine.token)
    status, line = command(tmp_path, copied, capsys)
    assert status == 1 and "another document" in line
    response = client.post("/api/documents/verify-pdf", data=copied, content_type="application/pdf")
    assert response.status_code == 404 and response.json()["status"] == "mismatch"
    upload = client.post(reverse("documents:check"), {"document": _file(copied)})
    assert upload.status_code == 404 and b"belongs to another document" in upload.content
    genuine_upload = client.post(reverse("documents:check"), {"document": _file(pdf(genuine))})
    assert genuine_upload.status_code == 200 and b"genuine and active" in genuine_upload.content


def _file(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("document.pdf", data, content_type="application/pdf")


def test_unreadable_inputs_get_a_clear_answer(client, tmp_path, capsys):
    assert client.post("/api/documents/verify-pdf", data=b"not a pdf", content_type="application/pdf").status_code == 400
    assert client.post(reverse("documents:check"), {"document": _file(b"%PDF-1.4 broken")}).status_code == 400
    assert client.get("/api/documents/verify/nonsense").status_code == 404
    status, line = command(tmp_path, b"plain text", capsys)
    assert status == 2 and "not a PDF" in line
    (tmp_path / "bad-keys.json").write_text("{}")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(SystemExit) as raised:
        call_command("verify", str(tmp_path / "x.pdf"), "--keys", str(tmp_path / "bad-keys.json"))
    assert raised.value.code == 2


def test_the_key_list_is_public_in_the_api_and_as_a_file(office, client):
    document = issue("kk", office)
    listed = client.get("/api/documents/keys").json()
    assert document.key_id in {k["key_id"] for k in listed["keys"]}
    published = json.loads(client.get(reverse("documents:keys")).content)
    assert keys.register_digest(document.number, 1) in published["documents"] and document.number not in json.dumps(published)
