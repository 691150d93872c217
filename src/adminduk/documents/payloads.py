"""What each document says, built from the registry (always in Indonesian, as on paper). The
civil app passes these to services.issue_rendered on approval; the demo seeds with them."""

import datetime as dt

from django.utils import translation

from adminduk.population import rules


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def _region(kelurahan) -> dict:
    kecamatan = kelurahan.kecamatan
    regency = kecamatan.regency
    return {"kelurahan": kelurahan.name, "kecamatan": kecamatan.name, "kabupaten_kota": regency.name, "provinsi": regency.province.name}


def kk_payload(family, *, issued_on: dt.date | None = None) -> dict:
    """The KK's header and member rows (the family's current members, head first)."""
    with translation.override("id"):
        members = list(family.members.select_related("resident").order_by("relationship", "resident__birth_date"))
        head = next((m.resident for m in members if m.relationship == 1), None)
        rows = []
        for member in members:
            r = member.resident
            rows.append({
                "nama": r.full_name, "nik": r.nik, "jenis_kelamin": r.get_sex_display(), "tempat_lahir": r.birth_place,
                "tanggal_lahir": _date(r.birth_date), "agama": r.get_religion_display(), "pendidikan": r.get_education_display(),
                "pekerjaan": r.get_occupation_display(), "golongan_darah": r.get_blood_type_display(),
                "status_perkawinan": r.get_marital_status_display(), "tanggal_perkawinan": _date(r.marriage_date or r.divorce_date),
                "shdk": member.get_relationship_display(), "kewarganegaraan": r.citizenship,
                "dokumen_imigrasi": r.passport_number or r.kitap_number or "-", "nama_ayah": r.father_name, "nama_ibu": r.mother_name,
            })
        return {
            "nik": head.nik if head else "", "nama": head.full_name if head else "", "kepala_keluarga": head.full_name if head else "",
            "alamat": family.address, "rt_rw": f"{family.rt}/{family.rw}", "kode_pos": family.postal_code or "-",
            "tanggal_terbit": _date(issued_on or family.issued_on), "anggota": rows, **_region(family.kelurahan),
        }


def akta_kelahiran_payload(child, *, birth_order: int | str = "-", issued_on: dt.date, place: str = "") -> dict:
    with translation.override("id"):
        region = _region(child.kelurahan)
        return {
            "nik": child.nik, "nama": child.full_name, "jenis_kelamin": child.get_sex_display(), "tempat_lahir": child.birth_place,
            "tanggal_lahir": _date(child.birth_date), "anak_ke": str(birth_order), "nama_ayah": child.father_name or "-",
            "nama_ibu": child.mother_name or "-", "kewarganegaraan": child.citizenship, "kabupaten_kota": region["kabupaten_kota"],
            "tempat_terbit": place or region["kabupaten_kota"], "tanggal_terbit": _date(issued_on),
        }


def akta_kematian_payload(resident, *, died_on: dt.date, place_of_death: str, reporter: str = "", issued_on: dt.date, place: str = "") -> dict:
    with translation.override("id"):
        region = _region(resident.kelurahan)
        return {
            "nik": resident.nik, "nama": resident.full_name, "jenis_kelamin": resident.get_sex_display(), "tempat_lahir": resident.birth_place,
            "tanggal_lahir": _date(resident.birth_date), "tempat_kematian": place_of_death, "tanggal_kematian": _date(died_on),
            "pelapor": reporter or "-", "kabupaten_kota": region["kabupaten_kota"], "tempat_terbit": place or region["kabupaten_kota"],
            "tanggal_terbit": _date(issued_on),
        }


def kia_payload(child, family, *, issued_on: dt.date) -> dict:
    """A KIA is valid until the child turns 5 (under 5) or 17."""
    with translation.override("id"):
        age = rules.age_on(child.birth_date, issued_on)
        until = rules.birthday_at_age(child.birth_date, 5 if age < 5 else 17)
        head = family.head
        region = _region(child.kelurahan)
        return {
            "nik": child.nik, "nama": child.full_name, "tempat_tanggal_lahir": f"{child.birth_place}, {_date(child.birth_date)}",
            "jenis_kelamin": child.get_sex_display(), "nomor_kk": family.kk_number, "kepala_keluarga": head.full_name if head else "-",
            "agama": child.get_religion_display(), "kewarganegaraan": child.citizenship,
            "alamat": f"{child.address} RT {child.rt}/RW {child.rw}", "berlaku_hingga": _date(until),
            "provinsi": region["provinsi"], "kabupaten_kota": region["kabupaten_kota"],
        }
