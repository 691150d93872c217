"""On approval the applicant is sent a link and a PIN for each issued document, on the phone on
file; the link and PIN from the message download the signed PDF."""

import re

import pytest

from adminduk.civil import actions
from adminduk.documents.models import DownloadGrant
from adminduk.messaging.backends import read_outbox
from adminduk.population.models import Resident

from .conftest import birth_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    settings.ADMINDUK_PUBLIC_URL = "https://dukcapil.example.go.id"


def test_the_applicant_gets_a_link_and_pin_per_document_and_downloads_the_akta(apply, sample_family, witnesses, verifier, client,
                                                                              django_capture_on_commit_callbacks):
    Resident.objects.filter(pk=sample_family["head"].pk).update(phone="+6281234567890")
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(application, actor=verifier)
    application.refresh_from_db()
    issued = {d["number"] for d in application.result["documents"]}
    assert application.result["download_links_to"] == "7890"
    messages = read_outbox(kind="document_download")
    assert len(messages) == len(issued) == 2  # the akta and the new KK
    assert {m["phone"] for m in messages} == {"+6281234567890"}
    assert DownloadGrant.objects.filter(document__number__in=issued).count() == 2
    akta = next(m for m in messages if "akta" in m["text"].lower())
    link = re.search(r"(https://dukcapil\.example\.go\.id\S+/) ", akta["text"]).group(1)
    pin = re.search(r"PIN (\d{6})", akta["text"]).group(1)
    path = link.removeprefix("https://dukcapil.example.go.id")
    response = client.post(path, {"pin": pin})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_no_phone_on_file_sends_nothing_and_still_approves(apply, sample_family, witnesses, verifier, django_capture_on_commit_callbacks):
    Resident.objects.filter(pk=sample_family["head"].pk).update(phone="")
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(application, actor=verifier)
    application.refresh_from_db()
    assert application.status == "approved" and application.result["download_links_to"] == ""
    assert read_outbox(kind="document_download") == [] and not DownloadGrant.objects.exists()
