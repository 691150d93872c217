"""Reading a document back from its PDF: the QR code (the page rendered with PDFium, decoded
with zxing-cpp) and the text the token's content hash covers (pypdf)."""

import io
import re

from . import rendering

TOKEN_IN_TEXT = re.compile(r"([0-9a-f]{16}\.[A-Za-z0-9_-]{10,400}\.[A-Za-z0-9_-]{86})")
MAX_PDF_BYTES = 20 * 1024 * 1024


class UnreadablePdf(ValueError):
    pass


def _render(pdf_bytes: bytes, index: int, target_px: int):
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[index]
        width, height = page.get_size()
        # The bitmap's long side is target_px whatever the page claims to measure (an uploaded
        # PDF with a huge page must not make a huge bitmap); a CR-80 card is scaled up at most 10x.
        scale = min(10.0, target_px / max(width, height, 1.0))
        return page.render(scale=scale, grayscale=True).to_pil()
    finally:
        document.close()


def read(pdf_bytes: bytes) -> tuple[str, bytes]:
    """(token, content bytes) of the document in `pdf_bytes`; UnreadablePdf says why not."""
    import zxingcpp
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(pdf_bytes) > MAX_PDF_BYTES:
        raise UnreadablePdf("the file is larger than a document can be")
    if not pdf_bytes.startswith(b"%PDF-"):
        raise UnreadablePdf("the file is not a PDF")
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        pages = len(reader.pages)
        texts = [reader.pages[i].extract_text() or "" for i in range(pages)]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadablePdf(f"the PDF cannot be read ({exc.__class__.__name__})") from exc
    except Exception as exc:  # an untrusted file: pypdf's parser fails in many ways on damaged input
        raise UnreadablePdf(f"the PDF cannot be read ({exc.__class__.__name__})") from exc
    for index in range(min(pages, 4)):
        for target in (2400, 4800):
            try:
                image = _render(pdf_bytes, index, target)
            except Exception as exc:  # PDFium reports damaged files with its own error types
                raise UnreadablePdf(f"the PDF cannot be rendered ({exc.__class__.__name__})") from exc
            for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                match = TOKEN_IN_TEXT.search(barcode.text or "")
                if match:
                    return match.group(1), rendering.content_from_text(texts[index])
    raise UnreadablePdf("no document QR code was found on the PDF")
