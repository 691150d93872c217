"""Only a currently certified operator records or prints; expiry shows in advance."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from adminduk.accounts import actions, certification
from adminduk.accounts.models import Certification
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import authorize

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


def test_recording_needs_current_certificate(make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",))
    assert not authorize(operator, Permission.RECORD, on=TODAY)
    assert "certification" in authorize(operator, Permission.RECORD, on=TODAY).reason
    actions.certify(operator, kind="recording", certificate_number="PRK-001", trained_on=dt.date(2026, 1, 5), valid_until=dt.date(2026, 12, 31))
    assert authorize(operator, Permission.RECORD, on=TODAY)
    assert not authorize(operator, Permission.RECORD, on=dt.date(2027, 1, 1))  # expired
    assert not authorize(operator, Permission.RECORD, on=dt.date(2026, 1, 4))  # not yet trained


def test_printing_certificate_does_not_allow_recording(make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("printing",))
    assert not authorize(operator, Permission.RECORD, on=TODAY)


def test_expiry_is_announced_30_days_ahead(make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",))
    actions.certify(operator, kind="recording", certificate_number="PRK-1", trained_on=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 20))
    assert [c.certificate_number for c in certification.expiring_certifications(operator, on=TODAY)] == ["PRK-1"]
    assert certification.expiring_certifications(operator, on=dt.date(2026, 11, 19)) == []
    # A renewal ends the warning.
    actions.certify(operator, kind="recording", certificate_number="PRK-2", trained_on=dt.date(2026, 11, 20), valid_until=dt.date(2027, 11, 20))
    assert certification.expiring_certifications(operator, on=TODAY) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"valid_until": dt.date(2025, 1, 1)}, "valid_until"),
        ({"kind": "flying"}, "kind"),
        ({"certificate_number": " "}, "certificate_number"),
        ({"trained_on": dt.date(2099, 1, 1), "valid_until": dt.date(2100, 1, 1)}, "trained_on"),
    ],
)
def test_bad_certificate_is_refused(make_staff, kwargs, field):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",))
    data = {"kind": "recording", "certificate_number": "PRK-9", "trained_on": dt.date(2026, 1, 1), "valid_until": dt.date(2027, 1, 1)} | kwargs
    with pytest.raises(ValidationError) as error:
        actions.certify(operator, **data)
    assert field in error.value.message_dict
    assert not Certification.objects.filter(user=operator).exists()


def test_home_page_warns_before_a_certificate_ends_and_after(client, make_staff):
    import datetime as dt

    from django.utils import timezone

    from adminduk.accounts.models import Certification
    from tests.conftest import login_verified

    today = timezone.localdate()
    user = make_staff("kecamatan_operator", offices=("72.71.08",))
    Certification.objects.create(user=user, kind="recording", certificate_number="C-1", trained_on=today - dt.timedelta(days=300), valid_until=today + dt.timedelta(days=10))
    login_verified(client, user)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Your e-KTP recording (perekaman) certificate ends on {today + dt.timedelta(days=10):%d-%m-%Y} (in 10 days)" in body
    Certification.objects.filter(user=user).update(valid_until=today - dt.timedelta(days=1))
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "certificate ended on" in body and "You cannot do this work until it is renewed" in body
