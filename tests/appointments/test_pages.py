"""The office's appointments page: the day's slots and bookings, booking on a resident's
behalf, moving and cancelling; refusals shown in words, nothing stored."""

import pytest
from django.urls import reverse

from adminduk.appointments.models import Booking, Slot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def operator(staff_client, office):
    return staff_client("kecamatan_operator", offices=("72.71.08",), username="loket")


def test_day_page_books_moves_and_cancels(operator, office, day, adult):
    url = reverse("appointments:day")
    page = operator.get(url, {"office": office.code, "date": day.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 of 288 places booked" in html and "19:00-20:00" in html
    first = Slot.objects.filter(office=office, date=day).order_by("starts_at")
    booked = operator.post(url, {"office": office.code, "date": day.isoformat(), "nik": adult.nik, "slot": str(first[0].pk)}, follow=True)
    assert "is booked for" in booked.content.decode() and adult.full_name in booked.content.decode()
    booking = Booking.objects.get()
    moved = operator.post(reverse("appointments:reschedule", args=[booking.pk]), {"slot": str(first[3].pk)}, follow=True)
    assert "was moved" in moved.content.decode()
    cancelled = operator.post(reverse("appointments:cancel", args=[booking.pk]), {"reason": "Sakit"}, follow=True)
    assert "was cancelled" in cancelled.content.decode()
    assert Booking.objects.get().status == "cancelled"


def test_refusal_is_shown_and_stores_nothing(operator, office, day, make_resident):
    url = reverse("appointments:day")
    operator.get(url, {"office": office.code, "date": day.isoformat()})
    slot = Slot.objects.filter(office=office, date=day).first()
    child = make_resident(birth_date="2016-06-01", occupation="pelajar", education="sd")
    answer = operator.post(url, {"office": office.code, "date": day.isoformat(), "nik": child.nik, "slot": str(slot.pk)})
    assert answer.status_code == 422 and "not wajib KTP" in answer.content.decode()
    answer = operator.post(url, {"office": office.code, "date": day.isoformat(), "nik": "123", "slot": str(slot.pk)})
    assert answer.status_code == 422 and "16 digits" in answer.content.decode()
    assert Booking.objects.count() == 0


def test_roles_without_booking_are_refused(staff_client, office):
    verifier = staff_client("verifier", offices=("dinas",), username="verif")
    assert verifier.get(reverse("appointments:day")).status_code == 403
