import io

from django.db import transaction

MEMBERS = [
    {"nama": "Budi Santoso", "nik": "7271081203850001", "jenis_kelamin": "Laki-laki", "tempat_lahir": "Palu", "tanggal_lahir": "12-03-1985",
     "agama": "Islam", "shdk": "Kepala Keluarga", "status_perkawinan": "Kawin", "nama_ayah": "Ahmad", "nama_ibu": "Siti Rahmah"},
    {"nama": "Dewi Lestari", "nik": "7271085506880002", "jenis_kelamin": "Perempuan", "tempat_lahir": "Donggala", "tanggal_lahir": "15-06-1988",
     "agama": "Islam", "shdk": "Istri", "status_perkawinan": "Kawin"},
]
PAYLOADS = {
    "kk": {"nik": "7271081203850001", "nama": "Budi Santoso", "kepala_keluarga": "Budi Santoso", "alamat": "Jl. Tanggul Utara No. 5",
           "rt_rw": "002/003", "kelurahan": "Tanamodindi", "kecamatan": "Mantikulore", "kabupaten_kota": "Kota Palu", "kode_pos": "94233",
           "provinsi": "Sulawesi Tengah", "tanggal_terbit": "03-12-2026", "anggota": MEMBERS},
    "akta_kelahiran": {"nik": "7271084101260001", "nama": "Putri Lestari", "jenis_kelamin": "Perempuan", "tempat_lahir": "Palu",
                       "tanggal_lahir": "01-12-2026", "anak_ke": "1", "nama_ayah": "Budi Santoso", "nama_ibu": "Dewi Lestari",
                       "kewarganegaraan": "WNI", "kabupaten_kota": "Kota Palu", "tempat_terbit": "Palu", "tanggal_terbit": "03-12-2026"},
    "akta_kematian": {"nik": "7271081203400001", "nama": "Ahmad", "jenis_kelamin": "Laki-laki", "tempat_kematian": "Palu",
                      "tanggal_kematian": "01-12-2026", "kabupaten_kota": "Kota Palu", "tempat_terbit": "Palu", "tanggal_terbit": "03-12-2026"},
    "kia": {"nik": "7271084101260001", "nama": "Putri Lestari", "tempat_tanggal_lahir": "Palu, 01-12-2026", "jenis_kelamin": "Perempuan",
            "nomor_kk": "7271080312265001", "kepala_keluarga": "Budi Santoso", "agama": "Islam", "kewarganegaraan": "WNI",
            "alamat": "Jl. Tanggul Utara No. 5", "berlaku_hingga": "01-12-2031", "provinsi": "Sulawesi Tengah", "kabupaten_kota": "Kota Palu"},
}


def issue(kind, office, **kwargs):
    from adminduk.documents import services

    payload = PAYLOADS[kind] | kwargs.pop("payload", {})
    with transaction.atomic():
        return services.issue_rendered(kind, payload, office=office, **kwargs)


def pdf(document, token=None):
    from adminduk.documents import rendering

    return rendering.render_pdf(document, f"http://testserver/verifikasi/{token or document.token}/")


def qr_text(pdf_bytes):
    from adminduk.documents import pdfcheck

    return pdfcheck.read(pdf_bytes)[0]


def page_text(pdf_bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
