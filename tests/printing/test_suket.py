"""No blangko: a surat keterangan with a signed QR code; the public page verifies it; the
request stays in the print queue."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing.actions import stock
from adminduk.printing.choices import CardKind, JobStatus
from adminduk.printing.models import Card, PrintJob

from ..conftest import login_verified
from ..documents.conftest import as_node, separate_keys  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def qr_from_pdf(pdf: bytes) -> str:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for image in page.images:
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))
        if decoded:
            return decoded[0].text
    raise AssertionError("no QR code in the PDF")


def test_suket_when_no_blangko_is_verified_by_its_qr_code(client, make_staff, print_ready, dinas):
    request = print_ready()
    job = PrintJob.objects.get(request=request)
    user = make_staff("print_operator", offices=("dinas",), certified=("printing",))
    login_verified(client, user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("printing:issue_suket", args=[job.pk]))
    assert response.status_code == 302
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert "SURAT KETERANGAN PENGGANTI KTP-el" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    url = qr_from_pdf(pdf.content)
    assert "/verifikasi/" in url
    client.logout()
    check = client.get(url.split("testserver", 1)[-1])
    assert check.status_code == 200 and b"genuine and active" in check.content and request.nik[-4:].encode() in check.content
    tampered = url.split("testserver", 1)[-1].replace("/verifikasi/", "/verifikasi/x")
    assert client.get(tampered).status_code == 404
    suket = Card.objects.get(kind=CardKind.SUKET)
    request.refresh_from_db()
    job.refresh_from_db()
    assert suket.nik == request.nik and request.status == S.PRINT_READY and job.status == JobStatus.QUEUED


def test_no_suket_while_there_is_blangko(client, make_staff, print_ready, dinas):
    job = PrintJob.objects.get(request=print_ready())
    stock.receive(dinas, 3, batch_number="B")
    login_verified(client, make_staff("print_operator", offices=("dinas",), certified=("printing",)))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("printing:issue_suket", args=[job.pk]))
    assert response.status_code == 400 and b"print the card instead" in response.content
    assert not Card.objects.exists()


def test_a_node_issues_a_suket_offline_from_its_block_signed_by_its_key(print_ready, dinas, mantikulore, as_node, django_capture_on_commit_callbacks):
    from adminduk.accounts.models import Station
    from adminduk.documents import keys, numbers, verification
    from adminduk.documents.models import IssuedDocument, NumberBlock, SigningKey
    from adminduk.printing.actions import routing
    from adminduk.printing.actions import suket as suket_actions
    from adminduk.sync.ingest import ingest_batch
    from adminduk.sync.models import InboxPacket, OutboxPacket

    request = print_ready()
    job = routing.reroute(PrintJob.objects.get(request=request), mantikulore, reason="printer of the Dinas under repair")
    numbers.ensure_node_blocks(mantikulore)  # what the pull brings the node
    block = NumberBlock.objects.get(office=mantikulore, holder="node", series="suket")
    Station.objects.filter(office=mantikulore).update(name="Perekaman (pusat)")  # the recording fixture's station; the node makes its own
    with as_node(mantikulore.code):  # offline: nothing reaches the central until the outbox is delivered
        document = suket_actions.issue_suket(job)
        node_key = SigningKey.objects.get(role="node")
        assert document.key_id == node_key.key_id and document.number.startswith("SKT-7271-")
        assert block.first <= int(document.number.rsplit("-", 1)[1]) <= block.last
        assert verification.verify_token(document.token).status == "valid"
        card = Card.objects.get(kind=CardKind.SUKET)
        assert card.document_number == document.number and card.printed_at_office == mantikulore
        assert sorted(OutboxPacket.objects.values_list("kind", flat=True)) == ["document_event", "document_event", "print_event"]
        bodies = [bytes(p.body) for p in OutboxPacket.objects.order_by("created_at")]
        station = Station.objects.get(office=mantikulore, name=f"Perekaman {mantikulore.code}")
    # The central's own database: neither the node's key, the suket nor its card yet.
    Card.objects.all().delete()
    IssuedDocument.objects.all().delete()
    SigningKey.objects.all().delete()
    keys.clear_cache()
    PrintJob.objects.filter(pk=job.pk).update(last_event=None, event_pending=False)
    for body in bodies:  # in the node's order, each delivered twice
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(station, [body, body])
    assert set(InboxPacket.objects.values_list("state", flat=True)) == {InboxPacket.State.PROCESSED}
    central_card = Card.objects.get(kind=CardKind.SUKET)
    assert central_card.pk == card.pk and central_card.document_number == document.number and central_card.nik == request.nik
    verdict = verification.verify_token(document.token)
    assert verdict.status == "valid" and verdict.document.key_id == node_key.key_id
    job.refresh_from_db()
    request.refresh_from_db()
    assert job.status == JobStatus.QUEUED and request.status == S.PRINT_READY  # the card is still to be printed

