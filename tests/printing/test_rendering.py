"""A rendered KTP-el: PNG at CR-80 proportions at 300 dpi; the PDF's text in the official order."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from adminduk.printing import rendering
from adminduk.printing.personalisation import FIELD_ORDER

pytestmark = pytest.mark.django_db

OFFICIAL = ["PROVINSI", "KOTA PALU", "NIK", "Nama", "Tempat/Tgl Lahir", "Jenis Kelamin", "Gol. Darah", "Alamat", "RT/RW", "Kel/Desa",
            "Kecamatan", "Agama", "Status Perkawinan", "Pekerjaan", "Kewarganegaraan", "Berlaku Hingga", "SEUMUR HIDUP", "PALU", "24-11-2026"]


@pytest.fixture
def job(print_ready, dinas):
    return print_ready(full_name="SITI RAHMAWATI").print_jobs.get()


def test_png_is_cr80_at_300_dpi(job):
    image = Image.open(io.BytesIO(rendering.card_png(*rendering.job_card(job))))
    assert image.size == (1011, 638)  # 85.60 × 53.98 mm at 300 dpi
    assert image.size[0] / image.size[1] == pytest.approx(85.60 / 53.98, rel=0.002)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    # The photo is on the card: its area is not the plain background.
    x, y, w, h = (round(v * 300 / 25.4) for v in rendering.PHOTO_BOX)
    assert len(image.crop((x, y, x + w, y + h)).getcolors(maxcolors=100000) or []) > 50


def test_pdf_text_is_in_the_official_field_order(job):
    job.card_fields["tanggal_terbit"] = "24-11-2026"
    reader = PdfReader(io.BytesIO(rendering.card_pdf(*rendering.job_card(job))))
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(85.60 / 25.4 * 72, abs=0.1)
    assert float(page.mediabox.height) == pytest.approx(53.98 / 25.4 * 72, abs=0.1)
    text = page.extract_text()
    position = 0
    for word in OFFICIAL:  # each one after the one before
        found = text.find(word, position)
        assert found >= 0, f"{word!r} not after position {position} in {text!r}"
        position = found + len(word)
    assert job.nik in text and "SITI RAHMAWATI" in text and "PEREMPUAN" in text
    assert len(page.images) == 2  # photo and signature
    assert [label for _k, label in FIELD_ORDER][0] == "NIK"


def test_a_batch_is_one_pdf_with_a_page_per_card(job):
    pdf = rendering.cards_pdf([rendering.job_card(job)] * 3)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    with pytest.raises(ValueError):
        rendering.cards_pdf([])
