"""What each document states, built from the registry (always in Indonesian, as on paper): the
keys the renderers draw. Kept to what the paper shows: verification shows no more. The civil
app builds its issued documents with these on approval; the demo seeds with them."""

import datetime as dt

from django.utils import timezone, translation

from adminduk.population import rules as population_rules

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]


def tanggal(day: dt.date | None) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}" if day else "-"


def _region(kelurahan) -> dict:
    kecamatan = kelurahan.kecamatan
    regency = kecamatan.regency
    return {"kelurahan": kelurahan.name, "kecamatan": kecamatan.name, "kabupaten_kota": regency.name, "provinsi": regency.province.name}


def _issued(office) -> dict:
    from adminduk.regions.models import Regency

    regency = Regency.objects.filter(pk=office.regency_id).first()
    place = (regency.name if regency else office.name).replace("KOTA ", "").replace("KABUPATEN ", "")
    return {"kabupaten_kota_penerbit": regency.name if regency else "", "tempat_terbit": place, "tanggal_terbit": tanggal(timezone.localdate())}


def kk(family, office=None, *, issued_on: dt.date | None = None) -> dict:
    """The KK's header and member rows (the family's current members, head first)."""
    with translation.override("id"):
        members = list(family.members.select_related("resident").order_by("relationship", "resident__birth_date"))
        head = next((m.resident for m in members if m.relationship == 1), None)
        rows = []
        for m in members:
            r = m.resident
            married = r.divorce_date or r.marriage_date
            rows.append({
                "nama": r.full_name, "nik": r.nik, "jenis_kelamin": r.get_sex_display(), "tempat_lahir": r.birth_place,
                "tanggal_lahir": tanggal(r.birth_date), "agama": r.get_religion_display(), "pendidikan": r.get_education_display(),
                "pekerjaan": r.get_occupation_display(), "golongan_darah": r.get_blood_type_display(),
                "status_perkawinan": r.get_marital_status_display(), "tanggal_perkawinan": tanggal(married) if married else "-",
                "shdk": m.get_relationship_display(), "kewarganegaraan": r.citizenship,
                "dokumen_imigrasi": r.passport_number or r.kitap_number or "-", "nama_ayah": r.father_name or "-", "nama_ibu": r.mother_name or "-",
            })
        return {
            "nik": head.nik if head else "", "nama": head.full_name if head else "", "kepala_keluarga": head.full_name if head else "",
            "alamat": family.address, "rt_rw": f"{family.rt}/{family.rw}", "kode_pos": family.postal_code or "-",
            **_region(family.kelurahan), "tanggal_terbit": tanggal(issued_on or family.issued_on), "anggota": rows,
        }


def akta_kelahiran(child, data: dict, office) -> dict:
    with translation.override("id"):
        return {
            "nik": child.nik, "nama": child.full_name, "jenis_kelamin": child.get_sex_display(), "tempat_lahir": child.birth_place,
            "tanggal_lahir": tanggal(child.birth_date), "anak_ke": str(data.get("birth_order") or "-"), "nama_ayah": child.father_name or "-",
            "nama_ibu": child.mother_name or "-", "kewarganegaraan": child.citizenship, **_issued(office),
        }


def akta_kematian(deceased, data: dict, reporter, office, *, died_on: dt.date | None = None) -> dict:
    """`died_on` when the registry does not hold the date of death yet (the demo's documents)."""
    with translation.override("id"):
        return {
            "nik": deceased.nik, "nama": deceased.full_name, "jenis_kelamin": deceased.get_sex_display(), "tempat_lahir": deceased.birth_place,
            "tanggal_lahir": tanggal(deceased.birth_date), "tempat_kematian": data.get("death_place", "-"),
            "tanggal_kematian": tanggal(died_on or deceased.died_on), "pelapor": reporter.full_name if reporter else "-", **_issued(office),
        }


def kia(child, family, office) -> tuple[dict, dt.date | None]:
    """A KIA's content and the day it stops being valid (the child turns 5, or 17)."""
    eligibility = population_rules.kia_eligibility(birth_date=child.birth_date, marital_status=child.marital_status, on=timezone.localdate(),
                                                   citizenship=child.citizenship)
    valid_until = eligibility.valid_until if eligibility else None
    head = family.head if family else None
    with translation.override("id"):
        payload = {
            "nik": child.nik, "nama": child.full_name, "tempat_tanggal_lahir": f"{child.birth_place}, {tanggal(child.birth_date)}",
            "jenis_kelamin": child.get_sex_display(), "nomor_kk": family.kk_number if family else "-", "kepala_keluarga": head.full_name if head else "-",
            "agama": child.get_religion_display(), "kewarganegaraan": child.citizenship,
            "alamat": f"{child.address} RT {child.rt}/RW {child.rw}, {child.kelurahan.name}", "berlaku_hingga": tanggal(valid_until),
            **_region(child.kelurahan),
        }
    return payload, valid_until
