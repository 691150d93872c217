"""Uploads: images or PDF only, size-limited, checked by content, images re-encoded and PDFs
re-written; what is refused is never stored."""

import pytest

from adminduk.civil import actions, uploads
from adminduk.civil.choices import Requirement
from adminduk.civil.models import ApplicationDocument

from .conftest import birth_data, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_an_image_is_re_encoded_and_metadata_dropped():
    from PIL import Image
    import io

    image = Image.new("RGB", (50, 40), (10, 20, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", comment=b"secret comment", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")
    original = out.getvalue() + b"<script>appended</script>"
    clean = uploads.clean_upload(original, "scan.jpg")
    assert clean.content_type == uploads.JPEG and clean.content != original
    assert b"secret comment" not in clean.content and b"appended" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (50, 40)


def test_a_pdf_is_rewritten():
    original = pdf_bytes()
    clean = uploads.clean_upload(original, "surat.pdf")
    assert clean.content_type == uploads.PDF and clean.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00 not a document", "surat.pdf", "wrong_type"),
        (b"GIF89a" + b"\x00" * 20, "foto.gif", "wrong_type"),
        (png_bytes(), "surat.pdf", "name_mismatch"),
        (pdf_bytes(), "foto.jpg", "name_mismatch"),
        (pdf_bytes(), "surat.exe", "wrong_type"),
        (pdf_bytes(javascript=True), "surat.pdf", "active_content"),
        (pdf_bytes(open_action=True), "surat.pdf", "active_content"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "foto.jpg", "unreadable"),
        (b"%PDF-1.7\n garbage without objects", "surat.pdf", "unreadable"),
        (b"", "kosong.pdf", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, name, code):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.clean_upload(data, name)
    assert refused.value.code == code and refused.value.message


def test_too_large_is_refused(settings):
    settings.ADMINDUK_CIVIL_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.clean_upload(png_bytes((400, 400)) + b"\x00" * 2000, "foto.png")
    assert refused.value.code == "too_large"


def test_a_photo_requirement_refuses_a_pdf():
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.clean_upload(pdf_bytes(), "foto.pdf", image_only=True)
    assert refused.value.code == "wrong_type"


def test_refused_uploads_store_nothing(apply, sample_family, witnesses):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses), docs=False)
    for data, name in [(pdf_bytes(javascript=True), "lahir.pdf"), (png_bytes(), "lahir.pdf"), (b"hello", "lahir.txt")]:
        with pytest.raises(uploads.UploadRefused):
            actions.add_document(application, Requirement.BIRTH_LETTER, data, name)
    assert not ApplicationDocument.objects.exists()
    application.refresh_from_db()
    assert Requirement.BIRTH_LETTER in application.missing
