"""The lookups of every request run as compiled SQL (core.compiled) and answer exactly as the ORM
does: the session (not once expired), the second-factor device (only the user's own, confirmed),
the user's active offices, first assignment first."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.accounts import scoping
from adminduk.accounts.otp import OTPMiddleware
from adminduk.accounts.sessions import SessionStore
from adminduk.core.compiled import CompiledQuery
from adminduk.offices.models import Office

pytestmark = pytest.mark.django_db


def test_session_is_found_until_it_expires():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    stale = SessionStore(store.session_key)
    assert stale.load() == {} and stale.session_key is None
    assert SessionStore("no-such-session-key-at-all-000000").load() == {}


def test_device_is_loaded_with_every_field_and_checked_by_django_otp(make_staff, rf):
    user = make_staff("kecamatan_operator", offices=("72.71.08",))
    device = TOTPDevice.objects.get(user=user)
    loaded = OTPMiddleware(lambda request: None)._device_from_persistent_id(device.persistent_id)
    assert loaded == device and loaded.key == device.key and loaded.user_id == user.pk and loaded.confirmed
    assert OTPMiddleware(lambda request: None)._device_from_persistent_id("otp_totp.totpdevice/999999") is None
    other = make_staff("kecamatan_operator", offices=("72.71.08",), username="other.operator")
    request = rf.get("/")
    request.session = {}
    assert OTPMiddleware._finalize_device(request, other, loaded) is None  # another user's device is refused


def test_offices_are_the_active_ones_first_assignment_first(make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08", "72.71.02"))
    later = user.assignments.get(office__kecamatan_id="72.71.08")
    later.assigned_at = timezone.now() + dt.timedelta(minutes=1)
    later.save()  # assigned after the other one
    first, second = user.assignments.get(office__kecamatan_id="72.71.02").office_id, later.office_id
    assert [row[0] for row in scoping._OFFICES.rows(user.pk)] == [first, second]
    Office.objects.filter(pk=first).update(is_active=False)
    assert [row[0] for row in scoping._OFFICES.rows(user.pk)] == [second]
    assert scoping._OFFICES.rows(user.pk + 1000) == []


def test_a_query_whose_parameters_are_not_the_values_runs_through_the_orm(make_office):
    office = make_office("72.71.08")
    # A prefix search sends "value%", not the value: refused at compile time, answered by the ORM.
    odd = CompiledQuery(Office, lambda code: Office.objects.filter(code__startswith=code)[:1], [Office._meta.get_field("code")], ["str"])
    assert odd.first(office.code[:6]) == office
    assert odd._compiled_for("default") is None
