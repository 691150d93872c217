"""The documents on paper: KK, akta kelahiran and akta kematian on A4, KIA at CR-80, as PDF with
a QR code holding the signed token (the public verification page's URL).

What a document says is a list of text items, drawn in that order and hashed: the token signs
`content_bytes(kind, number, payload)`, the SHA-256 of those items with all white space
removed. `adminduk verify` reads the page's text back (pypdf), so a QR code copied onto another
document, or a document whose text was edited, no longer matches its token. Text is kept to
what the PDF's standard fonts can show (accents folded), so it reads back exactly."""

import io
import re
import unicodedata

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .models import DocumentKind

FOOTER_MARK = "Dokumen ini telah ditandatangani secara elektronik"
CR80 = (85.60 * mm, 53.98 * mm)
_SPACE = re.compile(r"\s+")

AKTA_KELAHIRAN_FIELDS = [
    ("nik", "NIK"), ("nama", "Nama"), ("jenis_kelamin", "Jenis Kelamin"), ("tempat_lahir", "Tempat Lahir"),
    ("tanggal_lahir", "Tanggal Lahir"), ("anak_ke", "Anak ke"), ("nama_ayah", "Nama Ayah"), ("nama_ibu", "Nama Ibu"),
    ("kewarganegaraan", "Kewarganegaraan"),
]
AKTA_KEMATIAN_FIELDS = [
    ("nik", "NIK"), ("nama", "Nama"), ("jenis_kelamin", "Jenis Kelamin"), ("tempat_lahir", "Tempat Lahir"),
    ("tanggal_lahir", "Tanggal Lahir"), ("tempat_kematian", "Tempat Meninggal"), ("tanggal_kematian", "Tanggal Meninggal"),
    ("pelapor", "Pelapor"),
]
KIA_FIELDS = [
    ("nik", "NIK"), ("nama", "Nama"), ("tempat_tanggal_lahir", "Tempat/Tgl Lahir"), ("jenis_kelamin", "Jenis Kelamin"),
    ("nomor_kk", "No. KK"), ("kepala_keluarga", "Kepala Keluarga"), ("agama", "Agama"), ("kewarganegaraan", "Kewarganegaraan"),
    ("alamat", "Alamat"), ("berlaku_hingga", "Berlaku Hingga"),
]
KK_HEADER = [
    ("kepala_keluarga", "Nama Kepala Keluarga"), ("alamat", "Alamat"), ("rt_rw", "RT/RW"), ("kelurahan", "Desa/Kelurahan"),
    ("kecamatan", "Kecamatan"), ("kabupaten_kota", "Kabupaten/Kota"), ("kode_pos", "Kode Pos"), ("provinsi", "Provinsi"),
]
# Two tables of the KK, as on the form: (key, heading, width in mm).
KK_TABLE_1 = [
    ("nama", "Nama Lengkap", 48), ("nik", "NIK", 32), ("jenis_kelamin", "Jenis Kelamin", 22), ("tempat_lahir", "Tempat Lahir", 28),
    ("tanggal_lahir", "Tanggal Lahir", 22), ("agama", "Agama", 20), ("pendidikan", "Pendidikan", 30), ("pekerjaan", "Jenis Pekerjaan", 34),
    ("golongan_darah", "Gol. Darah", 16),
]
KK_TABLE_2 = [
    ("status_perkawinan", "Status Perkawinan", 30), ("tanggal_perkawinan", "Tgl Perkawinan/Perceraian", 38),
    ("shdk", "Status Hubungan", 30), ("kewarganegaraan", "Kewarganegaraan", 26), ("dokumen_imigrasi", "No. Paspor/KITAP", 30),
    ("nama_ayah", "Nama Ayah", 50), ("nama_ibu", "Nama Ibu", 50),
]
TITLES = {
    DocumentKind.KK: "KARTU KELUARGA",
    DocumentKind.AKTA_KELAHIRAN: "KUTIPAN AKTA KELAHIRAN",
    DocumentKind.AKTA_KEMATIAN: "KUTIPAN AKTA KEMATIAN",
    DocumentKind.KIA: "KARTU IDENTITAS ANAK",
}


def printable(value) -> str:
    """A value as the standard PDF fonts show it: accents folded, control characters and
    anything outside Latin-1 dropped, runs of white space made one space."""
    text = unicodedata.normalize("NFKD", "" if value is None else str(value))
    text = "".join(c for c in text if not unicodedata.combining(c) and (c == " " or (c.isprintable() and ord(c) < 256)))
    return _SPACE.sub(" ", text).strip() or "-"


def _fit(text: str, width_mm: float, size: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while len(text) > 1 and stringWidth(text, "Helvetica", size) > width_mm * mm - 1.5 * mm:
        text = text[:-1]
    return text


def _items(kind: str, number: str, payload: dict) -> list[tuple]:
    """The document's text items in drawing order: (x_mm, y_mm from top, size, bold, text)."""
    kind = DocumentKind(kind)
    title, region = TITLES[kind], printable(payload.get("kabupaten_kota_penerbit") or payload.get("kabupaten_kota", ""))
    items: list[tuple] = []
    if kind == DocumentKind.KIA:
        items += [(3, 4, 5.5, True, f"PROVINSI {printable(payload.get('provinsi', ''))}".upper()), (3, 7, 5.5, True, region.upper()),
                  (3, 10.5, 6.5, True, title)]
        y = 14.5
        for key, label in KIA_FIELDS:
            items += [(3, y, 4.6, False, label), (20, y, 4.6, False, ": " + _fit(printable(payload.get(key, "")), 42, 4.6))]
            y += 3.6
        items.append((3, y + 0.6, 4.2, False, f"No. {number}"))
        return items
    if kind == DocumentKind.KK:
        items += [(0, 14, 14, True, title), (0, 20, 10, True, f"No. {number}")]
        y = 28
        for index, (key, label) in enumerate(KK_HEADER):
            x = 15 if index < 4 else 135
            if index == 4:
                y = 28
            items += [(x, y, 8, False, label), (x + 38, y, 8, False, ": " + _fit(printable(payload.get(key, "")), 70, 8))]
            y += 4.5
        members = list(payload.get("anggota") or [])
        for table, top in ((KK_TABLE_1, 52), (KK_TABLE_2, 52 + 12 + 5 * max(1, len(members)))):
            x = 15
            items.append((x, top, 6.5, True, "No"))
            x += 8
            for _key, heading, width in table:
                items.append((x, top, 6.5, True, _fit(heading, width, 6.5)))
                x += width
            for row, member in enumerate(members, start=1):
                x, y = 15, top + 5 * row
                items.append((x, y, 6.5, False, str(row)))
                x += 8
                for key, _heading, width in table:
                    items.append((x, y, 6.5, False, _fit(printable(member.get(key, "")), width, 6.5)))
                    x += width
        items.append((15, 64 + 10 * max(1, len(members)) + 14, 8, False, f"Dikeluarkan tanggal: {printable(payload.get('tanggal_terbit', ''))}"))
        return items
    fields = AKTA_KELAHIRAN_FIELDS if kind == DocumentKind.AKTA_KELAHIRAN else AKTA_KEMATIAN_FIELDS
    items += [(0, 22, 10, True, "REPUBLIK INDONESIA"), (0, 28, 10, True, region.upper()), (0, 42, 15, True, title),
              (0, 49, 10, False, f"No. {number}")]
    y = 64
    for key, label in fields:
        items += [(25, y, 10, False, label), (75, y, 10, False, ": " + _fit(printable(payload.get(key, "")), 105, 10))]
        y += 8
    sentence = ("telah lahir dan dicatat dalam register akta kelahiran" if kind == DocumentKind.AKTA_KELAHIRAN
                else "telah meninggal dunia dan dicatat dalam register akta kematian")
    items += [(25, y + 4, 10, False, sentence), (25, y + 14, 10, False,
              f"{printable(payload.get('tempat_terbit', ''))}, {printable(payload.get('tanggal_terbit', ''))}")]
    return items


def canonical(texts) -> bytes:
    return "".join(_SPACE.sub("", t) for t in texts).encode("utf-8")


def content_bytes(kind: str, number: str, payload: dict) -> bytes:
    """What the token signs for a document rendered here (pass it to issue_document)."""
    return canonical(item[4] for item in _items(kind, number, payload))


def content_from_text(page_text: str) -> bytes:
    """The content part of a page's extracted text (see content_bytes), footer cut off."""
    compact = _SPACE.sub("", page_text)
    mark = _SPACE.sub("", FOOTER_MARK)
    return compact.split(mark, 1)[0].encode("utf-8")


def _qr_image(text: str) -> ImageReader:
    import segno

    out = io.BytesIO()
    segno.make(text, error="l").save(out, kind="png", scale=4, border=2)
    out.seek(0)
    return ImageReader(out)


def render_pdf(document, verify_url: str, *, photo: bytes | None = None) -> bytes:
    """The PDF of an issued document (IssuedDocument with kind, number, payload) whose QR
    code holds `verify_url` (the page URL ending in the token)."""
    kind = DocumentKind(document.kind)
    page = CR80 if kind == DocumentKind.KIA else landscape(A4) if kind == DocumentKind.KK else A4
    width, height = page
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=page, invariant=True)
    pdf.setTitle(f"{TITLES[kind]} {document.number}")
    for x, y, size, bold, text in _items(kind, document.number, document.payload):
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        if x == 0:
            pdf.drawCentredString(width / 2, height - y * mm, text)
        else:
            pdf.drawString(x * mm, height - y * mm, text)
    if kind == DocumentKind.KIA:
        if photo:
            pdf.drawImage(ImageReader(io.BytesIO(photo)), width - 22 * mm, height - 30 * mm, 18 * mm, 22.5 * mm)
        qr_size, qr_x, qr_y = 19 * mm, width - 21 * mm, 2 * mm
        pdf.drawImage(_qr_image(verify_url), qr_x, qr_y, qr_size, qr_size)
        pdf.setFont("Helvetica", 3)
        pdf.drawString(45 * mm, 1.2 * mm, FOOTER_MARK)
    else:
        qr_size = 34 * mm if kind == DocumentKind.KK else 38 * mm
        qr_y = height - qr_size - 6 * mm if kind == DocumentKind.KK else 12 * mm  # the KK's tables need the page's width
        pdf.drawImage(_qr_image(verify_url), width - qr_size - 12 * mm, qr_y, qr_size, qr_size)
        pdf.setFont("Helvetica", 7)
        pdf.setFont("Helvetica", 7)
        pdf.drawString(15 * mm, 20 * mm, FOOTER_MARK + " (Permendagri 109/2019); tidak memerlukan tanda tangan basah dan cap.")
        pdf.drawString(15 * mm, 16 * mm, "Pindai kode QR untuk memeriksa keaslian dan status dokumen:")
        pdf.drawString(15 * mm, 12 * mm, verify_url[:120])
    pdf.showPage()
    pdf.save()
    return out.getvalue()
