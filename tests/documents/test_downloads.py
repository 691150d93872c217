"""The applicant downloads the issued document through a link plus a PIN sent by the messaging
adapter; wrong PINs are limited."""

import re

import pytest
from django.urls import reverse

from adminduk.documents import downloads
from adminduk.documents.models import DownloadGrant
from adminduk.messaging.backends import read_outbox
from adminduk.messaging.models import Message

from .helpers import issue, qr_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")


def granted(document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        downloads.grant_download(document, phone="0812-3456-7890", link_base="http://testserver/verifikasi/unduh/")
    (message,) = read_outbox(kind="document_download")
    link, pin = re.search(r"(http://testserver\S+/) ", message["text"]).group(1), re.search(r"PIN (\d{6})", message["text"]).group(1)
    return link.split("testserver", 1)[1], pin


def test_the_link_and_pin_from_the_message_download_the_signed_pdf(make_office, client, django_capture_on_commit_callbacks):
    document = issue("akta_kelahiran", make_office("72.71.08"))
    path, pin = granted(document, django_capture_on_commit_callbacks)
    assert Message.objects.get(kind="document_download").text == "[withheld]"  # the PIN is not kept in the database
    assert client.get(path).status_code == 200
    response = client.post(path, {"pin": pin})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert qr_text(response.content) == document.token
    assert DownloadGrant.objects.get().downloads == 1


def test_wrong_pins_lock_the_link_and_nothing_is_downloaded(make_office, client, django_capture_on_commit_callbacks):
    document = issue("kk", make_office("72.71.08"))
    path, pin = granted(document, django_capture_on_commit_callbacks)
    wrong = f"{(int(pin) + 1) % 1_000_000:06d}"
    for _ in range(downloads.MAX_TRIES - 1):
        assert client.post(path, {"pin": wrong}).status_code == 400
    assert client.post(path, {"pin": "12ab"}).status_code == 400
    locked = client.post(path, {"pin": pin})  # even the right PIN waits now
    assert locked.status_code == 429 and locked["Content-Type"].startswith("text/html")
    assert DownloadGrant.objects.get().failed_attempts == downloads.MAX_TRIES and DownloadGrant.objects.get().downloads == 0


def test_an_unknown_link_is_refused(client):
    assert client.get(reverse("documents:download", args=["nothing-here"])).status_code == 404
    assert client.post(reverse("documents:download", args=["nothing-here"]), {"pin": "123456"}).status_code == 404
