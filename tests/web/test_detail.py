"""Resident and KK detail pages: content, history, fixed query counts, 404s, language switch."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from adminduk.audit.models import AuditEntry
from adminduk.population import actions, rules

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def detail_url(resident) -> str:
    return reverse("web:resident_detail", args=[resident.nik])


def family_url(family) -> str:
    return reverse("web:family_detail", args=[family.kk_number])


def test_resident_detail_shows_registry_fields_with_indonesian_labels(operator_client, sample_family):
    head = sample_family["head"]
    body = operator_client.get(detail_url(head)).content.decode()
    for label in ["Nama lengkap", "Tempat lahir", "Tanggal lahir", "Jenis kelamin", "Agama", "Status perkawinan", "Pekerjaan", "Kewarganegaraan", "Kelurahan/desa"]:
        assert label in body, label
    for value in ["BUDI SANTOSO", head.nik, "02-03-1980", "LAKI-LAKI", "Islam", "Kawin", "Karyawan Swasta", "JL. KIMAJA NO. 12", "003/002", "Tanamodindi", "Mantikulore", "Kota Palu", "Sulawesi Tengah"]:
        assert value in body, value
    assert AuditEntry.objects.filter(action="view", object_type="resident", object_id=head.nik, kecamatan_code="72.71.08").count() == 1


def test_parsed_nik_and_card_status(operator_client, sample_family):
    today = timezone.localdate()
    child = sample_family["child"]
    body = operator_client.get(detail_url(child), **EN).content.decode()
    assert "Kecamatan of issue" in body and "72.71.08 Mantikulore (Kota Palu)" in body
    assert f"{child.nik[6:8]}-{child.nik[8:10]}-{child.nik[10:12]}" in body
    assert f"<dd class=\"mono\">{child.nik[12:]}</dd>" in body
    kia = rules.kia_eligibility(birth_date=child.birth_date, marital_status=child.marital_status, on=today)
    if child.is_wajib_ktp(today):
        assert "Aged 17, 17 or older." in body
    else:
        assert "Under 17 and never married; wajib KTP from 15-01-2027." in body
    if kia is not None:
        assert f"valid until {kia.valid_until:%d-%m-%Y}" in body


def test_nik_that_disagrees_with_the_registry_shows_warnings(operator_client, make_resident):
    # Registered 17-05-1990 but the NIK's date part says 17-08-90: valid, never changed, flagged.
    resident = make_resident(nik="7271085708900001", birth_date="1990-05-17", sex="P")
    body = operator_client.get(detail_url(resident), **EN).content.decode()
    assert escape(resident.parsed_nik().warnings[0]) in body
    assert "(day 17 + 40)" in body


def test_members_of_the_current_kk_with_relationship_and_age(operator_client, sample_family):
    today = timezone.localdate()
    body = operator_client.get(detail_url(sample_family["wife"])).content.decode()
    assert sample_family["family"].kk_number in body
    for key, shdk in [("head", "Kepala Keluarga"), ("wife", "Istri"), ("child", "Anak")]:
        member = sample_family[key]
        assert member.full_name in body and member.nik in body and shdk in body
        assert f'<td class="num">{rules.age_on(member.birth_date, today)}</td>' in body
    assert 'class="is-current"' in body


def test_history_shows_changes_newest_first(operator_client, sample_family):
    head = sample_family["head"]
    actions.correct_resident(head, {"occupation": "wiraswasta"}, reason="Salah ketik pada formulir", actor=operator_client.user)
    body = operator_client.get(detail_url(head), **EN).content.decode()
    assert "Karyawan Swasta" in body and "Wiraswasta" in body and "Salah ketik pada formulir" in body
    assert operator_client.user.username in body
    # The correction (today) comes before the KK of 2010 and the registration row shows the NIK issued.
    assert body.index("Data corrected") < body.index("Family card changed")
    assert body.index("Wiraswasta") < body.index(sample_family["family"].kk_number + "</a>\n")


def test_death_of_the_head_reissues_the_kk_and_both_kk_pages_show_it(operator_client, sample_family):
    head, wife, old = sample_family["head"], sample_family["wife"], sample_family["family"]
    actions.record_death(head, died_on=dt.date(2026, 1, 5))
    old.refresh_from_db()
    new = old.superseded_by
    wife_page = operator_client.get(detail_url(wife), **EN).content.decode()
    assert "Cerai Mati" in wife_page and family_url(new) in wife_page and family_url(old) in wife_page
    old_page = operator_client.get(family_url(old), **EN).content.decode()
    assert "superseded" in old_page and family_url(new) in old_page
    new_page = operator_client.get(family_url(new), **EN).content.decode()
    assert family_url(old) in new_page  # "Replaces"
    assert "2 members" in new_page and head.full_name not in new_page.split("members</h2>")[1]
    dead_page = operator_client.get(detail_url(head), **EN).content.decode()
    assert "mati (deceased)" in dead_page and "Not on any active KK." in dead_page


def test_family_detail_header_and_members(operator_client, sample_family):
    family, head = sample_family["family"], sample_family["head"]
    response = operator_client.get(family_url(family))
    body = response.content.decode()
    assert response.status_code == 200
    for value in [family.kk_number, head.full_name, "JL. KIMAJA NO. 12", "003/002", "Tanamodindi", "Mantikulore", "Kota Palu", "Sulawesi Tengah", "01-02-2010"]:
        assert value in body, value
    assert "3 anggota" in body  # Indonesian by default
    assert AuditEntry.objects.filter(action="view", object_type="family", object_id=family.kk_number).count() == 1


def test_unknown_numbers_are_404(operator_client, palu_regions):
    assert operator_client.get(reverse("web:resident_detail", args=["7271081708900001"])).status_code == 404
    assert operator_client.get(reverse("web:resident_detail", args=["bukan-nik"])).status_code == 404
    assert operator_client.get(reverse("web:family_detail", args=["7271080102100001"])).status_code == 404


def test_detail_pages_run_a_fixed_number_of_queries(operator_client, sample_family, make_resident, django_assert_max_num_queries, django_assert_num_queries):
    head, family = sample_family["head"], sample_family["family"]
    operator_client.get(detail_url(head))  # warm the session and per-process caches
    # Session, user, second factor, jurisdiction; resident, region, KK, members, history,
    # kelurahan names, e-KTP requests; audit entry; session renewal (+2 savepoints in tests).
    with django_assert_max_num_queries(15) as small:
        operator_client.get(detail_url(head))
    # More history and more family members must not mean more queries.
    for job in ["wiraswasta", "pedagang", "petani", "nelayan"]:
        actions.correct_resident(head, {"occupation": job}, reason="Pembaruan data", actor=operator_client.user)
    extra = [make_resident(full_name=f"ANAK {'XYZ'[n - 1]}", birth_date=f"2015-06-0{n}") for n in range(1, 4)]
    actions.issue_family_card(
        [(m.resident, m.relationship) for m in family.members.all()] + [(child, 4) for child in extra],
        kelurahan=family.kelurahan, rw=family.rw, rt=family.rt, address=family.address, issued_on=dt.date(2016, 1, 4), supersedes=family,
    )
    with django_assert_num_queries(len(small.captured_queries)):
        operator_client.get(detail_url(head))
    # 3 for session, user and second factor, 1 jurisdiction, 3 for the KK, 1 audit entry and
    # 3 for the session renewal (inside the test transaction it runs in a savepoint).
    with django_assert_max_num_queries(11):
        operator_client.get(family_url(family))


def test_language_switch_to_english_and_back(operator_client, palu_regions):
    home = reverse("web:home")
    page = operator_client.get(home).content.decode()
    assert '<html lang="id">' in page and "Penduduk hidup" in page
    response = operator_client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302 and response["Location"] == home
    page = operator_client.get(home).content.decode()
    assert '<html lang="en">' in page and "Living residents" in page
    operator_client.post(reverse("set_language"), {"language": "id", "next": home})
    assert "Penduduk hidup" in operator_client.get(home).content.decode()


def test_home_figures_count_the_jurisdiction(operator_client, sample_family, make_resident):
    make_resident(full_name="ORANG ASING", citizenship="WNA", passport_number="X1234567")  # adult WNA without KITAP
    make_resident(full_name="WARGA PALU TIMUR", kelurahan="72.71.01.1004")  # outside the operator's kecamatan
    response = operator_client.get(reverse("web:home"), **EN)
    figures = response.context["figures"]
    today = timezone.localdate()
    children_wajib = int(sample_family["child"].is_wajib_ktp(today))
    assert (figures.residents_alive, figures.wajib_ktp, figures.families_active) == (4, 2 + children_wajib, 1)
    assert figures.area == ["Kecamatan Mantikulore"]
    assert "Living residents" in response.content.decode()
