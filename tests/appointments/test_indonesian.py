"""The office's appointments page, its refusals and the admin pages speak Indonesian, checked
with the catalogue checker of tests/web/test_indonesian_everywhere.py."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from adminduk.appointments import actions, slots
from adminduk.offices import actions as office_actions
from tests.conftest import login_verified
from tests.web.test_indonesian_everywhere import Checker

pytestmark = pytest.mark.django_db


def test_appointments_pages_have_no_english(office, day, adult, make_resident, make_staff):
    rows = slots.slots_for_day(office, day)
    actions.book(nik=adult.nik, slot=rows[-1])
    office_actions.set_opening_hours(office, [(d, dt.time(8), dt.time(16)) for d in range(4)])  # the evening booking no longer fits
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), username="loket")
    client = login_verified(Client(), operator)
    url = reverse("appointments:day") + f"?office={office.code}&date={day.isoformat()}"
    pages = {url: client.get(url).content.decode()}
    child = make_resident(birth_date="2016-06-01", occupation="pelajar", education="sd")
    refused = client.post(reverse("appointments:day"), {"office": office.code, "date": day.isoformat(), "nik": child.nik, "slot": str(rows[0].pk)})
    pages["refused"] = refused.content.decode()
    assert "belum wajib KTP" in pages["refused"] and "melebihi kapasitas" in pages[url]
    admin_user = make_staff("dinas_admin", username="admin.uji")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    admin = login_verified(Client(), admin_user)
    for model in ("slot", "booking", "bookingsettings", "blockedtime"):
        page = reverse(f"admin:appointments_{model}_changelist")
        response = admin.get(page)
        assert response.status_code == 200
        pages[page] = response.content.decode()
    checker = Checker()
    found = {page: sorted(hits) for page, html in pages.items() if (hits := checker.untranslated(html))}
    assert found == {}
