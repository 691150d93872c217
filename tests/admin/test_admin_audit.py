"""Reading personal data in the Django admin is audited like on the operator pages, and the
admin's kecamatan filters offer the jurisdiction, not the 7,285 kecamatan of the country."""

import re

import pytest
from django.contrib import admin
from django.db.models import ForeignKey

from adminduk.audit.models import AuditEntry
from adminduk.core.admin import AuditedReadsAdmin
from adminduk.core.models import AppendOnlyModel
from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

PERSONAL_LINKS = {"population.Resident", "population.Family", "enrollment.KtpRequest", "enrollment.RecordingSession", "biometrics.EnrolledTemplate"}


def personal_data_admins():
    """Admins of models holding a NIK or KK number, linking to a record that does, or journals."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("adminduk."):
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        links = {f.related_model._meta.label for f in model._meta.concrete_fields if isinstance(f, ForeignKey)}
        if {"nik", "kk_number"} & fields or links & PERSONAL_LINKS or issubclass(model, AppendOnlyModel):
            found.append((model, model_admin))
    return found


def test_every_admin_of_personal_data_audits_its_reads():
    admins = personal_data_admins()
    labels = {model._meta.label for model, _ in admins}
    assert {"population.Resident", "population.Family", "population.ResidentEvent", "enrollment.KtpRequest",
            "enrollment.KtpRequestEvent", "audit.AuditEntry"} <= labels  # fmt: skip
    unaudited = [model._meta.label for model, model_admin in admins if not isinstance(model_admin, AuditedReadsAdmin)]
    assert unaudited == []
    assert all(model_admin.audit_object_type for _, model_admin in admins)


def new_entries(before):
    return list(AuditEntry.objects.filter(id__gt=before).order_by("id"))


def last_id():
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.parametrize("model_admin", [a for _, a in personal_data_admins()], ids=lambda a: a.model._meta.label)
def test_each_list_page_writes_one_entry(admin_client, sample_family, model_admin):
    meta = model_admin.model._meta
    before = last_id()
    response = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
    assert response.status_code == 200
    entries = [e for e in new_entries(before) if e.object_type == f"{model_admin.audit_object_type}_list"]
    assert len(entries) == 1
    assert entries[0].action == "view" and entries[0].actor_username == "kadis" and "shown" in entries[0].details


def test_resident_list_names_who_was_shown_and_a_search_is_a_search(admin_client, sample_family):
    head, wife, child = sample_family["head"], sample_family["wife"], sample_family["child"]
    before = last_id()
    admin_client.get("/admin/population/resident/")
    listing = new_entries(before)[-1]
    assert (listing.action, listing.object_type, listing.kecamatan_code) == ("view", "resident_list", "72.71.08")
    assert set(listing.details["shown"]) == {head.nik, wife.nik, child.nik}
    before = last_id()
    admin_client.get("/admin/population/resident/", {"q": head.nik})
    search = new_entries(before)[-1]
    assert (search.action, search.object_type, search.object_id) == ("search", "resident_list", head.nik)
    assert search.details["shown"] == [head.nik] and search.details["filters"] == {"q": head.nik}


@pytest.mark.parametrize(
    ("path", "object_type", "object_id"),
    [
        ("/admin/population/resident/{head.pk}/change/", "resident", "{head.nik}"),
        ("/admin/population/resident/{head.pk}/history/", "resident", "{head.nik}"),
        ("/admin/population/family/{family.pk}/change/", "family", "{family.kk_number}"),
        ("/admin/population/residentevent/{event.pk}/change/", "resident_event", "{event.pk}"),
    ],
)
def test_opening_a_record_writes_one_entry_with_its_kecamatan(admin_client, sample_family, path, object_type, object_id):
    values = {"head": sample_family["head"], "family": sample_family["family"], "event": sample_family["head"].events.first()}
    before = last_id()
    response = admin_client.get(path.format(**values))
    assert response.status_code == 200
    entries = new_entries(before)
    assert [(e.action, e.object_type, e.object_id, e.kecamatan_code) for e in entries] == [
        ("view", object_type, object_id.format(**values), "72.71.08")
    ]
    if object_type == "resident_event":
        assert entries[0].details["nik"] == sample_family["head"].nik


def test_admin_correction_is_audited_as_an_update(admin_client, sample_family):
    from tests.admin.test_admin import form_data

    head = sample_family["head"]
    data = form_data(**{**{f: getattr(head, f) for f in ("full_name", "birth_place", "sex", "religion", "occupation", "education")},
                       "birth_date": "1980-03-02", "marital_status": "kawin", "marriage_date": "2005-06-01", "blood_type": "A+",
                       "reason": "Hasil cek laboratorium"})  # fmt: skip
    before = last_id()
    assert admin_client.post(f"/admin/population/resident/{head.pk}/change/", data).status_code == 302
    update = [e for e in new_entries(before) if e.action == "update"]
    assert [(e.object_type, e.object_id, e.kecamatan_code, e.details["fields"]) for e in update] == [("resident", head.nik, "72.71.08", ["blood_type"])]


@pytest.fixture
def national_regions(palu_regions):
    """Every provinsi, kab/kota and kecamatan of the country (7,285 kecamatan)."""
    from adminduk.regions import codes, services

    rows = [r for r in codes.shipped_region_rows() if r.level != codes.Level.KELURAHAN_DESA]
    services.load_regions(rows, villages_under="72.71")


def kecamatan_choices(html: str) -> set[str]:
    return set(re.findall(r'href="\?kecamatan=([\d.]+)"', html))


PALU_KECAMATAN = {f"72.71.0{i}" for i in range(1, 9)}


@pytest.mark.parametrize("url", ["/admin/population/resident/", "/admin/population/family/", "/admin/enrollment/ktprequest/"])
def test_kecamatan_filter_lists_the_kota_not_the_country(admin_client, national_regions, sample_family, url):
    from adminduk.regions.models import Kecamatan

    assert Kecamatan.objects.count() > 7000
    page = admin_client.get(url).content.decode()
    assert kecamatan_choices(page) == PALU_KECAMATAN
    assert "72.71.08 Mantikulore" in page


def test_kecamatan_filter_of_a_kecamatan_admin_and_filtering(client, make_staff, national_regions, sample_family, make_resident):
    user = make_staff("dinas_admin", offices=("72.71.08",), username="admin.mantikulore")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    login_verified(client, user)
    assert kecamatan_choices(client.get("/admin/population/resident/").content.decode()) == {"72.71.08"}
    elsewhere = make_resident(full_name="WARGA TIMUR", kelurahan="72.71.01.1004")
    page = client.get("/admin/population/resident/", {"kecamatan": "72.71.08"}).content.decode()
    assert sample_family["head"].nik in page and elsewhere.nik not in page


def test_kecamatan_filter_of_an_admin_without_office_lists_the_offices_kota(client, make_staff, make_office, national_regions):
    from django.contrib.auth import get_user_model

    make_office("dinas")
    root = get_user_model().objects.create_user("root", password="kata-sandi-uji-2026", role="dinas_admin", is_staff=True, is_superuser=True)
    login_verified(client, root)
    assert kecamatan_choices(client.get("/admin/population/family/").content.decode()) == PALU_KECAMATAN
