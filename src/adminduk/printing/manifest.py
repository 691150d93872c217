"""A shipment's manifest: A4 pages listing every card with a QR code of its serial, which the
receiving office scans card by card."""

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

ROWS_PER_PAGE = 12
ROW_H = 20 * mm


def qr_png(text: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def manifest_pdf(shipment, items) -> bytes:
    """`items`: the shipment's ShipmentItems with card and its job (for the holder's name)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    pdf.setTitle(f"Manifest {shipment.number}")
    items = list(items)
    pages = max(1, -(-len(items) // ROWS_PER_PAGE))
    for page in range(pages):
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(20 * mm, height - 20 * mm, f"MANIFEST PENGIRIMAN KTP-el {shipment.number}")
        pdf.setFont("Helvetica", 9)
        pdf.drawString(20 * mm, height - 27 * mm, f"Dari: {shipment.from_office.name}   Ke: {shipment.to_office.name}")
        pdf.drawString(20 * mm, height - 32 * mm, f"Jumlah kartu: {len(items)}   Halaman {page + 1}/{pages}")
        pdf.drawImage(ImageReader(io.BytesIO(qr_png(shipment.number, 3))), width - 45 * mm, height - 40 * mm, 25 * mm, 25 * mm)
        top = height - 48 * mm
        for row, item in enumerate(items[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]):
            y = top - (row + 1) * ROW_H
            card = item.card
            pdf.drawImage(ImageReader(io.BytesIO(qr_png(card.serial))), 20 * mm, y + 1 * mm, 18 * mm, 18 * mm)
            pdf.setFont("Helvetica-Bold", 10)
            pdf.drawString(42 * mm, y + 12 * mm, card.serial)
            pdf.setFont("Helvetica", 9)
            pdf.drawString(42 * mm, y + 7 * mm, f"NIK {card.nik}  {card.job.card_fields.get('nama', '')}")
            pdf.drawString(42 * mm, y + 2.5 * mm, f"Cetak ke-{card.print_number}   [  ] diterima   [  ] rusak")
        pdf.showPage()
    pdf.save()
    return out.getvalue()
