"""Booking, moving and cancelling a recording appointment from the portal, through
appointments' actions; each refusal shown as a clear message, nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.appointments import slots
from adminduk.appointments.models import Booking, Slot
from adminduk.enrollment.requests import open_request
from adminduk.enrollment.statuses import RequestStatus
from tests.portal.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def signed_in(client, family_with_phones, office):
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    client.resident = head
    return client


def test_book_a_slot_and_see_it_on_the_home_page(signed_in, office, day):
    page = signed_in.get(f"/portal/janji/?office={office.code}&date={day.isoformat()}")
    assert page.status_code == 200
    slot = slots.slots_for_day(office, day)[0]
    assert str(slot.pk) in page.content.decode() and "places free" in page.content.decode()
    response = signed_in.post("/portal/janji/", {"office": office.code, "date": day.isoformat(), "slot": str(slot.pk)})
    assert response.status_code == 302 and response["Location"] == "/portal/beranda/"
    booking = Booking.objects.get()
    assert booking.resident == signed_in.resident and booking.channel == "portal" and booking.created_by.role == "resident"
    home = signed_in.get("/portal/beranda/").content.decode()
    assert "Booked" in home and office.name in home and "Move to another time" in home
    # A second booking is not offered: the booking page leads to moving the one there is.
    assert signed_in.get("/portal/janji/")["Location"] == "/portal/janji/pindah/"


def test_reschedule_and_cancel(signed_in, office, day):
    first, second = slots.slots_for_day(office, day)[:2]
    signed_in.post("/portal/janji/", {"office": office.code, "date": day.isoformat(), "slot": str(first.pk)})
    response = signed_in.post("/portal/janji/pindah/", {"office": office.code, "date": day.isoformat(), "slot": str(second.pk)})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.slot == second
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    assert "Cancel the appointment" in signed_in.get("/portal/janji/batal/").content.decode()
    assert signed_in.post("/portal/janji/batal/").status_code == 302
    booking.refresh_from_db()
    second.refresh_from_db()
    assert booking.status == "cancelled" and second.booked == 0
    assert "Cancelled" in signed_in.get("/portal/beranda/").content.decode()


def test_a_full_slot_is_refused_and_nothing_is_stored(signed_in, office, day):
    slot = slots.slots_for_day(office, day)[0]
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    response = signed_in.post("/portal/janji/", {"office": office.code, "date": day.isoformat(), "slot": str(slot.pk)})
    assert response.status_code == 409 and "is full" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_past_slot_is_refused(signed_in, office):
    past = Slot.objects.create(
        office=office, date=timezone.localdate() - dt.timedelta(days=3),
        starts_at=timezone.now() - dt.timedelta(days=3), ends_at=timezone.now() - dt.timedelta(days=3, hours=-1), capacity=5,
    )  # fmt: skip
    response = signed_in.post("/portal/janji/", {"slot": str(past.pk)})
    assert response.status_code == 422 and "already begun or passed" in response.content.decode()
    assert not Booking.objects.exists()
    # A past date asked for shows today's times, never the past.
    page = signed_in.get(f"/portal/janji/?office={office.code}&date=2001-01-01")
    assert page.status_code == 200 and str(past.pk) not in page.content.decode()


@pytest.mark.parametrize("slot", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_missing_or_unknown_slot_is_refused(signed_in, office, slot):
    response = signed_in.post("/portal/janji/", {"slot": slot})
    assert response.status_code in (400, 404) and "alert-error" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_resident_already_recorded_is_told_so(signed_in, office, day):
    open_request(nik=signed_in.resident.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=signed_in.resident)
    page = signed_in.get("/portal/janji/")
    assert "already been recorded" in page.content.decode()
    slot = slots.slots_for_day(office, day)[0]
    assert signed_in.post("/portal/janji/", {"slot": str(slot.pk)}).status_code == 422
    assert not Booking.objects.exists()


def test_a_child_is_not_wajib_ktp(client, family_with_phones, office, day):
    child = family_with_phones["child"]
    type(child).objects.filter(pk=child.pk).update(phone="+6281234500003")
    sign_in(client, child.nik, "+6281234500003")
    assert "not wajib KTP" in client.get("/portal/janji/").content.decode()


def test_a_resident_moves_only_their_own_booking(client, family_with_phones, office, day):
    from adminduk.appointments import actions

    wife = family_with_phones["wife"]
    first, second = slots.slots_for_day(office, day)[:2]
    theirs = actions.book(nik=wife.nik, slot=first)
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    # The head has no booking: moving and cancelling lead to booking, the wife's stays.
    assert client.post("/portal/janji/pindah/", {"slot": str(second.pk)})["Location"] == "/portal/janji/"
    assert client.post("/portal/janji/batal/")["Location"] == "/portal/beranda/"
    theirs.refresh_from_db()
    assert theirs.slot == first and theirs.status == "booked"
    assert "Move to another time" not in client.get("/portal/beranda/").content.decode()


def test_booking_pages_need_a_signed_in_resident(client, office):
    for url in ("/portal/janji/", "/portal/janji/pindah/", "/portal/janji/batal/"):
        assert client.get(url)["Location"] == "/portal/"
    assert client.post("/portal/janji/", {"slot": "x"})["Location"] == "/portal/"
