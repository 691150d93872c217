"""The suket's A4 PDF: the holder's data as on the card, the photo, and the QR code of the
public verification page (signed token)."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .manifest import qr_png
from .personalisation import FIELD_ORDER


def suket_pdf(document, job, verify_url: str) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    fields = job.card_fields
    pdf.setTitle(document.number)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawCentredString(width / 2, height - 25 * mm, fields.get("provinsi", ""))
    pdf.drawCentredString(width / 2, height - 31 * mm, fields.get("kabupaten_kota", ""))
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawCentredString(width / 2, height - 45 * mm, "SURAT KETERANGAN PENGGANTI KTP-el")
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(width / 2, height - 51 * mm, f"Nomor: {document.number}")
    pdf.drawString(25 * mm, height - 65 * mm, "Yang bertanda tangan di bawah ini menerangkan bahwa:")
    y = height - 75 * mm
    for key, label in FIELD_ORDER:
        pdf.drawString(30 * mm, y, label)
        pdf.drawString(75 * mm, y, ": " + str(fields.get(key, "") or "-"))
        y -= 6 * mm
    photo = bytes(job.photo or b"")
    if photo:
        pdf.drawImage(ImageReader(io.BytesIO(photo)), width - 55 * mm, height - 115 * mm, 30 * mm, 37.5 * mm)
    y -= 4 * mm
    for line in (
        "telah melakukan perekaman KTP-el dan datanya tercatat dalam database kependudukan.",
        "Surat keterangan ini berlaku sebagai pengganti KTP-el sampai kartu dicetak,",
        f"paling lama sampai {document.valid_until:%d-%m-%Y}.",
    ):
        pdf.drawString(25 * mm, y, line)
        y -= 6 * mm
    pdf.drawString(25 * mm, y - 6 * mm, f"{document.office.name}, {document.issued_at:%d-%m-%Y}")
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(verify_url, 3))), 25 * mm, y - 55 * mm, 40 * mm, 40 * mm)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(70 * mm, y - 30 * mm, "Ditandatangani secara elektronik. Pindai kode QR untuk memeriksa keaslian:")
    pdf.drawString(70 * mm, y - 35 * mm, verify_url[:90])
    pdf.showPage()
    pdf.save()
    return out.getvalue()
