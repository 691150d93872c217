"""Checking and cleaning an uploaded supporting document before anything is stored.

Only JPEG or PNG images and PDF files are accepted, recognised by their content (magic bytes,
then a full parse), never by the file name; a name that claims another type than the content is
refused too. Images are decoded by Pillow and re-encoded as a fresh JPEG (metadata and anything
appended to the file are dropped); PDFs are parsed by pypdf, refused when they carry JavaScript
or other active content (actions, launch, embedded files, forms, rich media), and re-written
page by page without annotations. What is refused raises UploadRefused and nothing is kept."""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
NAME_TYPES = {"jpg": JPEG, "jpeg": JPEG, "png": PNG, "pdf": PDF}
MAX_IMAGE_SIDE = 2000
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 20
JPEG_QUALITY = 85
# Names whose presence anywhere in a PDF makes it active content.
ACTIVE_PDF_NAMES = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/XFA", "/RichMedia", "/SubmitForm", "/ImportData", "/GoToR")


class UploadRefused(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanFile:
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_upload_bytes() -> int:
    return settings.ADMINDUK_CIVIL_UPLOAD_MAX_BYTES


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    return None


def clean_upload(data: bytes, name: str = "", *, image_only: bool = False) -> CleanFile:
    """The stored form of an uploaded file, or UploadRefused with the reason."""
    limit = max_upload_bytes()
    if not data:
        raise UploadRefused("empty", _("The file is empty."))
    if len(data) > limit:
        raise UploadRefused("too_large", _("The file is %(size)s KB; the limit is %(limit)s KB.") % {"size": len(data) // 1024, "limit": limit // 1024})
    kind = sniff(data)
    if kind is None:
        raise UploadRefused("wrong_type", _("Only JPEG or PNG images and PDF files are accepted."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = NAME_TYPES.get(extension)
    if extension and claimed is None:
        raise UploadRefused("wrong_type", _("Only JPEG or PNG images and PDF files are accepted."))
    if claimed is not None and claimed != kind:
        raise UploadRefused("name_mismatch", _("The file is named as %(claimed)s but its content is %(actual)s.") % {"claimed": extension.upper(), "actual": _label(kind)})
    if kind == PDF:
        if image_only:
            raise UploadRefused("wrong_type", _("This document must be a photo (JPEG or PNG), not a PDF."))
        cleaned = CleanFile(PDF, _rewrite_pdf(data))
    else:
        cleaned = CleanFile(JPEG, _reencode_image(data))
    if len(cleaned.content) > settings.ADMINDUK_CIVIL_STORED_MAX_BYTES:
        raise UploadRefused("too_large", _("The file is too large even after cleaning; scan it at a lower resolution."))
    return cleaned


def _label(kind: str) -> str:
    return {JPEG: "JPEG", PNG: "PNG", PDF: "PDF"}[kind]


def _reencode_image(data: bytes) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise UploadRefused("too_large", _("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            # Only the pixels go on: a fresh image carries no comment, EXIF or ICC data.
            image = Image.frombytes("RGB", image.size, image.tobytes())
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UploadRefused("unreadable", _("The image cannot be read: it is damaged or not really an image.")) from exc


def _active_names(obj, seen: set[int], depth: int = 0) -> set[str]:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    if depth > 60:
        return found
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return found
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ACTIVE_PDF_NAMES:
                found.add(str(key))
            if key == "/S" and isinstance(value, NameObject) and value in ACTIVE_PDF_NAMES:
                found.add(str(value))
            if key == "/Parent":
                continue
            found |= _active_names(value, seen, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            found |= _active_names(value, seen, depth + 1)
    return found


def _rewrite_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    # Names in the raw bytes catch active content also where the structure walk cannot go
    # (a broken cross-reference table hiding an object). PDF names may escape characters as
    # #xx; those are refused too, since an honest scan never needs them.
    raw = data.replace(b"#4A", b"J").replace(b"#4a", b"J").replace(b"#53", b"S")
    if any(name.encode() + tail in raw for name in ACTIVE_PDF_NAMES for tail in (b" ", b"(", b"<", b"/", b"[", b"\n", b"\r")):
        raise UploadRefused("active_content", _("The PDF carries JavaScript or other active content; save it again as a plain PDF or scan it as an image."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("encrypted", _("The PDF is password protected; send it without a password."))
        if _active_names(reader.trailer, set()):
            raise UploadRefused("active_content", _("The PDF carries JavaScript or other active content; save it again as a plain PDF or scan it as an image."))
        if not 0 < len(reader.pages) <= MAX_PDF_PAGES:
            raise UploadRefused("pages", _("The PDF must have 1 to %(n)d pages.") % {"n": MAX_PDF_PAGES})
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Annots", "/AA"):
                if key in page:
                    del page[key]
            writer.add_page(page)
        writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UploadRefused("unreadable", _("The PDF cannot be read: it is damaged or not really a PDF.")) from exc
