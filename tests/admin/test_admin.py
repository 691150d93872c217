"""The Django admin: writes go through the actions; bad input gets 400 and writes nothing."""

import pytest

from adminduk.population.models import Resident, ResidentEvent
from tests.conftest import login_verified, resident_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


def test_admin_refuses_a_session_without_second_factor(client, make_staff):
    user = make_staff("dinas_admin", username="kadis")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)  # password only
    response = client.get("/admin/population/resident/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def form_data(**overrides):
    data = resident_data(**overrides)
    data.setdefault("nik", "")
    data.setdefault("reason", "")
    data.update({"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    return {k: v for k, v in data.items() if v is not None}


# Shown inline on their parent's page (office assignments and certificates on the user, opening
# hours on the office, members on the KK), or an internal row with no meaning to a person
# (the gallery's single lock row).
NO_ADMIN = {"accounts.OfficeAssignment", "offices.OpeningHours", "population.FamilyMember", "biometrics.GalleryLock"}


def test_every_model_has_an_admin_page(admin_client, sample_family):
    from django.apps import apps
    from django.contrib import admin

    ours = [m for m in apps.get_models() if m.__module__.startswith("adminduk.")]
    missing = [m._meta.label for m in ours if m not in admin.site._registry and m._meta.label not in NO_ADMIN]
    assert missing == []
    for model in ours:
        if model in admin.site._registry:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url


def test_add_resident_through_admin_issues_nik_with_history(admin_client, palu_regions):
    response = admin_client.post("/admin/population/resident/add/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    resident = Resident.objects.get()
    assert resident.nik.startswith("727108570590")
    assert resident.events.get().recorded_by.username == "kadis"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nik": "7271083102900001"}, "does not exist"),
        ({"nik": "72710817089"}, "exactly 16 digits"),
        ({"birth_date": "2099-01-01"}, "future"),
        ({"rt": "abc"}, "001 to 999"),
    ],
)
def test_bad_input_through_admin_is_400_and_writes_nothing(admin_client, palu_regions, overrides, message):
    response = admin_client.post("/admin/population/resident/add/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Resident.objects.exists()
    assert not ResidentEvent.objects.exists()


def test_change_needs_a_reason_and_is_kept_in_history(admin_client, sample_family):
    head = sample_family["head"]
    url = f"/admin/population/resident/{head.pk}/change/"
    data = form_data(**{**{f: getattr(head, f) for f in ("full_name", "birth_place", "sex", "religion", "occupation", "education")},
                       "birth_date": "1980-03-02", "marital_status": "kawin", "marriage_date": "2005-06-01", "blood_type": "A+"})
    response = admin_client.post(url, data)
    assert response.status_code == 400
    head.refresh_from_db()
    assert head.blood_type == "O+"
    response = admin_client.post(url, {**data, "reason": "Hasil cek laboratorium"})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.blood_type == "A+"
    event = head.events.get(kind=ResidentEvent.Kind.CORRECTED)
    assert event.changes["blood_type"] == ["O+", "A+"]
    assert event.reason == "Hasil cek laboratorium"


def test_history_and_regions_are_read_only(admin_client, sample_family):
    event = sample_family["head"].events.first()
    assert admin_client.post(f"/admin/population/residentevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/population/residentevent/add/").status_code == 403
    assert admin_client.post(f"/admin/population/residentevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert admin_client.post(f"/admin/population/resident/{sample_family['head'].pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/regions/kelurahan/add/").status_code == 403
    assert ResidentEvent.objects.filter(pk=event.pk).exists()


def test_admin_add_by_kecamatan_staff_cannot_probe_nik_existence(client, make_staff, make_resident):
    """The admin's add form answers a NIK held outside the user's kecamatan and a free one alike."""
    user = make_staff("supervisor", offices=("72.71.08",), username="spv")
    user.is_staff = user.is_superuser = True
    user.save()
    login_verified(client, user)
    held = make_resident(kelurahan="72.71.01.1004")
    before = Resident.objects.count()
    bodies = []
    for nik in (held.nik, "7271015705900999"):
        response = client.post("/admin/population/resident/add/", form_data(nik=nik))
        assert response.status_code == 400
        errors = response.context_data["adminform"].form.errors["nik"]
        bodies.append([e.replace(nik, "NIK") for e in errors])
    assert bodies[0] == bodies[1]
    assert "not issued in your kecamatan" in bodies[0][0]
    assert Resident.objects.count() == before
