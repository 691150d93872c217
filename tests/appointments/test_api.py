"""The appointments API: slots of a day, booking at the counter, rescheduling, cancelling;
refusals are 4xx with a code and a clear message, and store nothing."""

import json

import pytest

from adminduk.appointments.models import Booking, Slot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def api(staff_client, office):
    return staff_client("kecamatan_operator", offices=("72.71.08",), username="loket")


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_anonymous_and_residents_role_are_refused(client, office, day):
    assert client.get(f"/api/appointments/offices/{office.code}/slots", {"date": day}).status_code == 401
    assert post(client, "/api/appointments/bookings", {"nik": "7271085705900001", "slot_id": "0" * 32}).status_code == 401


def test_openapi_lists_the_booking_operations(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {"/api/appointments/offices/{code}/slots", "/api/appointments/bookings", "/api/appointments/bookings/{booking_id}/reschedule"} <= set(paths)


def test_book_reschedule_cancel_over_the_api(api, office, day, adult):
    rows = api.get(f"/api/appointments/offices/{office.code}/slots", {"date": day}).json()
    assert len(rows) == 12 and rows[0]["free"] == 24
    created = post(api, "/api/appointments/bookings", {"nik": adult.nik, "slot_id": rows[0]["id"]})
    assert created.status_code == 201, created.content
    booking = created.json()
    assert booking["status"] == "booked" and booking["slot"]["booked"] == 1
    moved = post(api, f"/api/appointments/bookings/{booking['id']}/reschedule", {"slot_id": rows[5]["id"]})
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == rows[5]["id"]
    listed = api.get(f"/api/appointments/offices/{office.code}/bookings", {"date": day}).json()
    assert [b["nik"] for b in listed] == [adult.nik]
    cancelled = post(api, f"/api/appointments/bookings/{booking['id']}/cancel", {"reason": "Sakit"})
    assert cancelled.json()["status"] == "cancelled"
    assert sum(Slot.objects.values_list("booked", flat=True)) == 0


@pytest.mark.parametrize(
    "nik, status, code",
    [("12345", 422, "invalid_nik"), ("7271085705900999", 403, "out_of_scope")],
)
def test_bad_nik_is_a_clear_4xx(api, office, day, nik, status, code):
    slot = api.get(f"/api/appointments/offices/{office.code}/slots", {"date": day}).json()[0]
    answer = post(api, "/api/appointments/bookings", {"nik": nik, "slot_id": slot["id"]})
    assert answer.status_code == status and answer.json()["code"] == code and answer.json()["detail"]
    assert Booking.objects.count() == 0


def test_slot_full_and_child_refused(api, office, day, adult, make_resident):
    slot = api.get(f"/api/appointments/offices/{office.code}/slots", {"date": day}).json()[0]
    Slot.objects.filter(pk=slot["id"]).update(capacity=0)
    full = post(api, "/api/appointments/bookings", {"nik": adult.nik, "slot_id": slot["id"]})
    assert full.status_code == 409 and full.json()["code"] == "slot_full" and "full" in full.json()["detail"]
    child = make_resident(birth_date="2016-06-01", occupation="pelajar", education="sd")
    other = api.get(f"/api/appointments/offices/{office.code}/slots", {"date": day}).json()[1]
    answer = post(api, "/api/appointments/bookings", {"nik": child.nik, "slot_id": other["id"]})
    assert answer.status_code == 422 and answer.json()["code"] == "not_wajib_ktp"
    assert Booking.objects.count() == 0


def test_malformed_body_and_office_elsewhere(api, office, day, make_office):
    assert post(api, "/api/appointments/bookings", {"nik": 5}).status_code == 422
    assert api.get(f"/api/appointments/offices/{office.code}/slots", {"date": "kemarin"}).status_code == 422
    other = make_office("72.71.01")
    answer = api.get(f"/api/appointments/offices/{other.code}/slots", {"date": day})
    assert answer.status_code == 403 and answer.json()["code"] == "office_out_of_scope"
