"""Code lists of the population registry (SIAK wording, which operators know)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", "LAKI-LAKI"
    FEMALE = "P", "PEREMPUAN"


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    KRISTEN = "kristen", "Kristen"
    KATOLIK = "katolik", "Katolik"
    HINDU = "hindu", "Hindu"
    BUDDHA = "buddha", "Buddha"
    KHONGHUCU = "khonghucu", "Khonghucu"
    KEPERCAYAAN = "kepercayaan", "Kepercayaan terhadap Tuhan YME"


class MaritalStatus(models.TextChoices):
    BELUM_KAWIN = "belum_kawin", "Belum Kawin"
    KAWIN = "kawin", "Kawin"
    CERAI_HIDUP = "cerai_hidup", "Cerai Hidup"
    CERAI_MATI = "cerai_mati", "Cerai Mati"


class BloodType(models.TextChoices):
    A_POS = "A+", "A+"
    A_NEG = "A-", "A−"
    B_POS = "B+", "B+"
    B_NEG = "B-", "B−"
    AB_POS = "AB+", "AB+"
    AB_NEG = "AB-", "AB−"
    O_POS = "O+", "O+"
    O_NEG = "O-", "O−"
    UNKNOWN = "?", "Tidak Tahu"


class Citizenship(models.TextChoices):
    WNI = "WNI", "WNI"
    WNA = "WNA", "WNA"


class LifeStatus(models.TextChoices):
    HIDUP = "hidup", _("hidup (alive)")
    MATI = "mati", _("mati (deceased)")
    PINDAH = "pindah", _("pindah (moved out)")
    HILANG = "hilang", _("hilang (missing)")


class Education(models.TextChoices):
    TIDAK_SEKOLAH = "tidak_sekolah", "Tidak/Belum Sekolah"
    BELUM_TAMAT_SD = "belum_tamat_sd", "Belum Tamat SD/Sederajat"
    SD = "sd", "Tamat SD/Sederajat"
    SLTP = "sltp", "SLTP/Sederajat"
    SLTA = "slta", "SLTA/Sederajat"
    D1_D2 = "d1_d2", "Diploma I/II"
    D3 = "d3", "Akademi/Diploma III/Sarjana Muda"
    S1 = "s1", "Diploma IV/Strata I"
    S2 = "s2", "Strata II"
    S3 = "s3", "Strata III"


class Occupation(models.TextChoices):
    """The most common of SIAK's jenis pekerjaan."""

    BELUM_BEKERJA = "belum_bekerja", "Belum/Tidak Bekerja"
    MENGURUS_RUMAH_TANGGA = "mengurus_rumah_tangga", "Mengurus Rumah Tangga"
    PELAJAR = "pelajar", "Pelajar/Mahasiswa"
    PENSIUNAN = "pensiunan", "Pensiunan"
    PNS = "pns", "Pegawai Negeri Sipil"
    TNI = "tni", "Tentara Nasional Indonesia"
    POLRI = "polri", "Kepolisian RI"
    PERDAGANGAN = "perdagangan", "Perdagangan"
    PETANI = "petani", "Petani/Pekebun"
    NELAYAN = "nelayan", "Nelayan/Perikanan"
    KARYAWAN_SWASTA = "karyawan_swasta", "Karyawan Swasta"
    KARYAWAN_BUMN = "karyawan_bumn", "Karyawan BUMN"
    KARYAWAN_HONORER = "karyawan_honorer", "Karyawan Honorer"
    BURUH_HARIAN = "buruh_harian", "Buruh Harian Lepas"
    WIRASWASTA = "wiraswasta", "Wiraswasta"
    GURU = "guru", "Guru"
    DOSEN = "dosen", "Dosen"
    DOKTER = "dokter", "Dokter"
    BIDAN = "bidan", "Bidan"
    PERAWAT = "perawat", "Perawat"
    SOPIR = "sopir", "Sopir"
    TUKANG = "tukang", "Tukang Batu/Kayu"
    PEDAGANG = "pedagang", "Pedagang"
    LAINNYA = "lainnya", "Lainnya"


class Relationship(models.IntegerChoices):
    """Status hubungan dalam keluarga (SHDK), with SIAK's numbers."""

    KEPALA_KELUARGA = 1, "Kepala Keluarga"
    SUAMI = 2, "Suami"
    ISTRI = 3, "Istri"
    ANAK = 4, "Anak"
    MENANTU = 5, "Menantu"
    CUCU = 6, "Cucu"
    ORANG_TUA = 7, "Orang Tua"
    MERTUA = 8, "Mertua"
    FAMILI_LAIN = 9, "Famili Lain"
    PEMBANTU = 10, "Pembantu"
    LAINNYA = 11, "Lainnya"
