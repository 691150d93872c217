"""The KTP-el front at CR-80 size (85.60 × 53.98 mm, ISO/IEC 7810 ID-1): PDF for the card
printer (a batch is one PDF, one card per page) and PNG at 300 dpi for screens and archives.
Fields in the official order (DOMAIN.md), photo, signature, SEUMUR HIDUP, place and date of issue."""

import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .personalisation import CARD_BACKGROUND, FIELD_ORDER

CARD_W_MM, CARD_H_MM = 85.60, 53.98
DPI = 300
PNG_SIZE = (round(CARD_W_MM / 25.4 * DPI), round(CARD_H_MM / 25.4 * DPI))  # 1011 × 638
BACKGROUND = CARD_BACKGROUND

# Layout in millimetres from the top-left corner.
HEADER_Y = (3.6, 6.6)
NIK_Y = 11.2
FIRST_ROW_Y = 15.2
ROW_STEP = 2.55
LABEL_X, COLON_X, VALUE_X = 3.0, 22.0, 23.5
PHOTO_BOX = (63.0, 13.0, 19.0, 23.75)  # x, y, w, h (4:5)
ISSUE_Y = (39.2, 41.6)
SIGNATURE_BOX = (63.5, 43.0, 18.0, 6.0)


def _draw_jpeg(pdf: canvas.Canvas, data: bytes, x: float, y: float, width: float, height: float) -> None:
    """Embed a JPEG as it is (DCTDecode). reportlab's drawImage(ImageReader) decodes every
    photo to RGB, hashes the pixels and re-encodes them, which is most of a card's cost; this
    follows the same registration (reportlab 5.1, pinned) with the JPEG bytes themselves."""
    xobject = pdfdoc.PDFImageXObject("rl-jpeg")
    if not xobject.loadImageFromJPEG(io.BytesIO(data)):
        pdf.drawImage(ImageReader(io.BytesIO(data)), x, y, width, height)
        return
    name = "jpeg" + hashlib.sha1(data).hexdigest()
    reg_name = pdf._doc.getXObjectName(name)
    if pdf._doc.idToObject.get(reg_name) is None:
        xobject.name = name
        pdf._setXObjects(xobject)
        pdf._doc.Reference(xobject, reg_name)
        pdf._doc.addForm(name, xobject)
    pdf.saveState()
    pdf.translate(x, y)
    pdf.scale(width, height)
    pdf._code.append(f"/{reg_name} Do")
    pdf.restoreState()
    pdf._formsinuse.append(name)


def _rows(fields: dict):
    for key, label in FIELD_ORDER[1:]:  # the NIK has its own, larger line
        yield label, fields.get(key, "") or "-"


def _draw_pdf_card(pdf: canvas.Canvas, fields: dict, photo: bytes, signature: bytes) -> None:
    height = CARD_H_MM * mm

    def y(top_mm):
        return height - top_mm * mm

    pdf.setFillColorRGB(*(c / 255 for c in BACKGROUND))
    pdf.rect(0, 0, CARD_W_MM * mm, height, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Bold", 7.5)
    pdf.drawCentredString(CARD_W_MM / 2 * mm, y(HEADER_Y[0]), fields.get("provinsi", ""))
    pdf.drawCentredString(CARD_W_MM / 2 * mm, y(HEADER_Y[1]), fields.get("kabupaten_kota", ""))
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(LABEL_X * mm, y(NIK_Y), "NIK")
    pdf.drawString(COLON_X * mm, y(NIK_Y), ": " + fields.get("nik", ""))
    # One text object for the rows: a single BT/ET block instead of two drawString calls per row.
    text = pdf.beginText()
    text.setFont("Helvetica", 5.6)
    for i, (label, value) in enumerate(_rows(fields)):
        top = FIRST_ROW_Y + i * ROW_STEP
        text.setTextOrigin(LABEL_X * mm, y(top))
        text.textOut(label)
        text.setTextOrigin(COLON_X * mm, y(top))
        text.textOut(": " + str(value)[:44])
    pdf.drawText(text)
    x, top, w, h = PHOTO_BOX
    if photo:
        _draw_jpeg(pdf, photo, x * mm, y(top + h), w * mm, h * mm)
    else:
        pdf.rect(x * mm, y(top + h), w * mm, h * mm, stroke=1, fill=0)
    pdf.setFont("Helvetica", 5.2)
    pdf.drawCentredString((x + w / 2) * mm, y(ISSUE_Y[0]), fields.get("tempat_terbit", ""))
    pdf.drawCentredString((x + w / 2) * mm, y(ISSUE_Y[1]), fields.get("tanggal_terbit", ""))
    sx, stop, sw, sh = SIGNATURE_BOX
    if signature:
        _draw_jpeg(pdf, signature, sx * mm, y(stop + sh), sw * mm, sh * mm)


def cards_pdf(cards) -> bytes:
    """One PDF of CR-80 pages: `cards` yields (fields, photo_png, signature_png)."""
    out = io.BytesIO()
    # Binary image streams: ASCII85 (reportlab's default) is pure Python here and triples the cost.
    rl_config.useA85 = 0
    pdf = canvas.Canvas(out, pagesize=(CARD_W_MM * mm, CARD_H_MM * mm), pageCompression=1)
    pdf.setTitle("KTP-el")
    count = 0
    for fields, photo, signature in cards:
        _draw_pdf_card(pdf, fields, photo, signature)
        pdf.showPage()
        count += 1
    if not count:
        raise ValueError("a batch PDF needs at least one card")
    pdf.save()
    return out.getvalue()


def card_pdf(fields: dict, photo: bytes = b"", signature: bytes = b"") -> bytes:
    return cards_pdf([(fields, photo, signature)])


@lru_cache(maxsize=8)
def _font(size_px: int, bold: bool = False):
    for name in ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size_px)
        except OSError:
            break
    return ImageFont.load_default(size_px)


def card_png(fields: dict, photo: bytes = b"", signature: bytes = b"") -> bytes:
    """The same face as the PDF, at 300 dpi."""
    px = DPI / 25.4
    image = Image.new("RGB", PNG_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    header, nik, small = _font(round(2.6 * px), True), _font(round(3.1 * px), True), _font(round(1.95 * px))
    for top, key in zip(HEADER_Y, ("provinsi", "kabupaten_kota"), strict=True):
        draw.text((PNG_SIZE[0] / 2, top * px), fields.get(key, ""), fill="black", font=header, anchor="ms")
    draw.text((LABEL_X * px, NIK_Y * px), "NIK", fill="black", font=nik, anchor="ls")
    draw.text((COLON_X * px, NIK_Y * px), ": " + fields.get("nik", ""), fill="black", font=nik, anchor="ls")
    for i, (label, value) in enumerate(_rows(fields)):
        top = (FIRST_ROW_Y + i * ROW_STEP) * px
        draw.text((LABEL_X * px, top), label, fill="black", font=small, anchor="ls")
        draw.text((COLON_X * px, top), ": " + str(value)[:44], fill="black", font=small, anchor="ls")
    x, top, w, h = PHOTO_BOX
    box = (round(x * px), round(top * px), round((x + w) * px), round((top + h) * px))
    if photo:
        image.paste(Image.open(io.BytesIO(photo)).convert("RGB").resize((box[2] - box[0], box[3] - box[1])), box[:2])
    else:
        draw.rectangle(box, outline="black")
    centre = (x + w / 2) * px
    draw.text((centre, ISSUE_Y[0] * px), fields.get("tempat_terbit", ""), fill="black", font=small, anchor="ms")
    draw.text((centre, ISSUE_Y[1] * px), fields.get("tanggal_terbit", ""), fill="black", font=small, anchor="ms")
    if signature:
        sx, stop, sw, sh = SIGNATURE_BOX
        sig = Image.open(io.BytesIO(signature)).convert("RGB").resize((round(sw * px), round(sh * px)))
        image.paste(sig, (round(sx * px), round(stop * px)))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def job_card(job) -> tuple[dict, bytes, bytes]:
    return job.card_fields, bytes(job.photo or b""), bytes(job.signature or b"")
