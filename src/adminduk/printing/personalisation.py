"""What a card carries, taken once at the central when a request is routed: the face fields in
the official order (DOMAIN.md), the photo and signature, and the fingerprint templates the chip
holds for the 1:1 check at pickup. The central opens the sealed packet; nodes never do."""

import base64
import io

from django.utils.translation import gettext as _
from PIL import Image

from .errors import PrintingError

# The card face, top to bottom (DOMAIN.md "Card face").
FIELD_ORDER = (
    ("nik", "NIK"),
    ("nama", "Nama"),
    ("tempat_tgl_lahir", "Tempat/Tgl Lahir"),
    ("jenis_kelamin", "Jenis Kelamin"),
    ("gol_darah", "Gol. Darah"),
    ("alamat", "Alamat"),
    ("rt_rw", "RT/RW"),
    ("kel_desa", "Kel/Desa"),
    ("kecamatan", "Kecamatan"),
    ("agama", "Agama"),
    ("status_perkawinan", "Status Perkawinan"),
    ("pekerjaan", "Pekerjaan"),
    ("kewarganegaraan", "Kewarganegaraan"),
    ("berlaku_hingga", "Berlaku Hingga"),
)
CHIP_FINGERS = ("finger_R1", "finger_R2")  # right thumb and index, as the chip holds them
PHOTO_SIZE = (240, 300)  # 4:5, about 300 dpi on the card's photo area
SIGNATURE_SIZE = (300, 100)


def card_fields(resident, *, issued_at: str, issued_on) -> dict:
    """The printed fields of `resident` (registry data at routing time)."""
    kelurahan = resident.kelurahan
    kecamatan = kelurahan.kecamatan
    regency = kecamatan.regency
    blood = resident.get_blood_type_display() if resident.blood_type != "?" else "-"
    valid = "SEUMUR HIDUP" if resident.citizenship == "WNI" else ""
    return {
        "provinsi": f"PROVINSI {regency.province.name.upper()}",
        "kabupaten_kota": regency.name.upper(),
        "nik": resident.nik,
        "nama": resident.full_name.upper(),
        "tempat_tgl_lahir": f"{resident.birth_place.upper()}, {resident.birth_date:%d-%m-%Y}",
        "jenis_kelamin": resident.get_sex_display(),
        "gol_darah": blood,
        "alamat": resident.address.upper(),
        "rt_rw": f"{resident.rt}/{resident.rw}",
        "kel_desa": kelurahan.name.upper(),
        "kecamatan": kecamatan.name.upper(),
        "agama": resident.get_religion_display().upper(),
        "status_perkawinan": resident.get_marital_status_display().upper(),
        "pekerjaan": resident.get_occupation_display().upper(),
        "kewarganegaraan": resident.citizenship,
        "berlaku_hingga": valid,
        "tempat_terbit": issued_at.upper(),
        "tanggal_terbit": f"{issued_on:%d-%m-%Y}",
    }


CARD_BACKGROUND = (206, 226, 242)  # the card's light blue (rendering.BACKGROUND)


def _fit(image_bytes: bytes, size, *, ink: bool = False) -> bytes:
    """A JPEG the card PDF embeds as it is (no decoding per card). A signature's white paper
    becomes the card's background, so the ink sits on the card as on a real KTP-el."""
    image = Image.open(io.BytesIO(image_bytes))
    if ink:
        grey = image.convert("L")
        grey.thumbnail(size)
        image = Image.new("RGB", grey.size, CARD_BACKGROUND)
        image.paste((0, 0, 0), (0, 0), mask=grey.point(lambda v: 255 - v))
    else:
        image = image.convert("RGB")
        image.thumbnail(size)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def from_packet(request) -> dict:
    """Photo, signature and chip templates of `request`, opened from its packet at the central."""
    from adminduk.processing import pipeline
    from adminduk.sync.models import InboxPacket

    inbox = InboxPacket.objects.filter(pk=request.packet_id).first() if request.packet_id else None
    if inbox is None:
        raise PrintingError(_("The recording of this request is not at the central; it cannot be personalised."), code="no_packet")
    packet = pipeline._packet(inbox)
    captures = pipeline.open_captures(packet, pipeline.open_demographics(packet))
    face, signature = captures["face"], captures.get("signature")
    chip = {name: base64.b64encode(captures[name].template).decode() for name in CHIP_FINGERS if name in captures and captures[name].template}
    return {
        "photo": _fit(face.image, PHOTO_SIZE) if face.image else b"",
        "signature": _fit(signature.image, SIGNATURE_SIZE, ink=True) if signature is not None and signature.image else b"",
        "chip_templates": chip,
    }
