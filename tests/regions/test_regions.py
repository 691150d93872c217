"""Kemendagri region codes and loading the region list."""

import io

import pytest
from django.core.management import CommandError, call_command

from adminduk.regions import codes, services
from adminduk.regions.models import Kecamatan, Kelurahan, Province, Regency


def test_code_helpers():
    assert codes.level_of("72.71.08.1004") == codes.Level.KELURAHAN_DESA
    assert codes.parent_of("72.71.08.1004") == "72.71.08"
    assert codes.is_kota("72.71") and not codes.is_kota("72.01")
    assert codes.village_kind("72.71.08.1004") == "kelurahan"
    assert codes.village_kind("11.01.01.2001") == "desa"
    assert codes.compact("72.71.08") == "727108" and codes.dotted("727108") == "72.71.08"
    for bad in ("7271", "72.7", "72.71.8", "72.71.08.104", "ab.cd"):
        with pytest.raises(ValueError):
            codes.level_of(bad)


def test_shipped_list_matches_kepmendagri_totals():
    rows = codes.shipped_region_rows()
    counts = {level: 0 for level in codes.Level}
    for row in rows:
        counts[row.level] += 1
    assert counts == {
        codes.Level.PROVINSI: 38,
        codes.Level.KABUPATEN_KOTA: 514,
        codes.Level.KECAMATAN: 7285,
        codes.Level.KELURAHAN_DESA: 83762,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name\n72,Sulawesi Tengah\n", "header"),
        ("kode,nama\n72.7,Kota Palu\n", "line 2"),
        ("kode,nama\n72\n", "line 2"),
        ("", "header"),
    ],
)
def test_bad_csv_names_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        codes.read_region_csv(io.StringIO(text))


@pytest.mark.django_db
def test_demo_kota_palu_loads_its_8_kecamatan_and_46_kelurahan():
    services.load_regions(codes.shipped_region_rows(), villages_under="72.71")
    palu = Regency.objects.get(code="72.71")
    assert palu.name == "Kota Palu" and palu.is_kota
    kecamatan = list(Kecamatan.objects.filter(regency=palu).values_list("code", "name"))
    assert kecamatan == [
        ("72.71.01", "Palu Timur"), ("72.71.02", "Palu Barat"), ("72.71.03", "Palu Selatan"), ("72.71.04", "Palu Utara"),
        ("72.71.05", "Ulujadi"), ("72.71.06", "Tatanga"), ("72.71.07", "Tawaeli"), ("72.71.08", "Mantikulore"),
    ]
    assert Kelurahan.objects.filter(kecamatan__regency=palu).count() == 46
    assert Kelurahan.objects.get(code="72.71.08.1004").name == "Tanamodindi"
    assert Kelurahan.objects.count() == 46  # villages of other kab/kota are not loaded
    assert Kecamatan.objects.count() == 7285  # every kecamatan, for NIKs issued elsewhere
    assert Province.objects.get(code="54").is_historical


@pytest.mark.django_db
def test_reloading_renames_and_does_not_duplicate(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("kode,nama\n72,Sulawesi Tengah\n72.71,Kota Palu\n72.71.08,Mantikulore\n72.71.08.1004,Tanamodindi\n")
    call_command("regions", "load", "--file", str(first), "--all")
    first.write_text("kode,nama\n72,Sulawesi Tengah\n72.71,Kota Palu\n72.71.08,Mantikulore Baru\n72.71.08.1004,Tanamodindi\n")
    call_command("regions", "load", "--file", str(first), "--all")
    assert Kecamatan.objects.get(code="72.71.08").name == "Mantikulore Baru"
    assert Kelurahan.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kota", "72.99"], "not in the list"),
        (["--kota", "72.71.08"], "kab/kota code"),
        (["--all", "--file", "/nonexistent.csv"], "No such file"),
    ],
)
def test_load_command_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("regions", "load", *args)
    assert not Province.objects.exists()


@pytest.mark.django_db
def test_orphan_region_is_refused(tmp_path):
    orphan = tmp_path / "orphan.csv"
    orphan.write_text("kode,nama\n99.71.01,Nowhere\n")
    with pytest.raises(CommandError, match="parent region"):
        call_command("regions", "load", "--file", str(orphan), "--all")
    assert not Kecamatan.objects.exists()
