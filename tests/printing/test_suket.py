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
