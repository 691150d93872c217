"""Personal credentials: password policy, argon2, TOTP for staff, lockout, session expiry, audit."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]
PASSWORD = "kata-sandi-uji-2026"


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def login(client, username, password=PASSWORD, otp_token=""):
    return client.post("/login/", {"username": username, "password": password, "otp_token": otp_token})


def test_staff_login_with_password_and_code(client, make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op1")
    response = login(client, "op1", otp_token=current_code(user))
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=user).count() == 1


def test_staff_login_without_second_factor_is_refused(client, make_staff):
    make_staff("supervisor", username="spv1")
    response = login(client, "spv1")
    assert response.status_code == 200
    assert "6-digit" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_login_with_wrong_code_is_refused(client, make_staff):
    user = make_staff("supervisor", username="spv1")
    wrong = f"{(int(current_code(user)) + 1) % 1_000_000:06d}"
    response = login(client, "spv1", otp_token=wrong)
    assert "_auth_user_id" not in client.session
    assert "wrong or has expired" in response.content.decode()


def test_staff_without_device_cannot_log_in(client, make_staff):
    user = make_staff("verifier", username="ver1")
    TOTPDevice.objects.filter(user=user).delete()
    response = login(client, "ver1", otp_token="123456")
    assert "no second factor" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_only_session_cannot_reach_staff_pages(client, make_staff):
    user = make_staff("dinas_admin")
    client.force_login(user)  # a session that never passed the second factor
    assert client.get("/").status_code == 403
    assert client.get("/api/residents/7271081708900001").status_code == 403


def test_lockout_after_five_failures(client, make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "op1", password="wrong-password-123")
    response = login(client, "op1", otp_token=current_code(user))  # right password and code, too late
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", object_id="op1").count() >= settings.AXES_FAILURE_LIMIT


def test_wrong_codes_count_towards_lockout(client, make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "op1", otp_token="000000" if current_code(user) != "000000" else "111111")
    assert login(client, "op1", otp_token=current_code(user)).status_code == 429


def test_password_policy_and_argon2():
    for weak in ["short1!", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("tiga-kata-acak-kelapa")
    assert make_password("x", hasher="argon2").startswith("argon2")
    assert "Argon2PasswordHasher" in settings.PASSWORD_HASHERS[1 if settings.MODE == "test" else 0]
    assert check_password("tiga-kata", make_password("tiga-kata", hasher="argon2"))


def test_session_expires_after_inactivity(client, make_staff, monkeypatch):
    """The 30 minutes restart with the requests, written at most once a minute."""
    import time

    from django.contrib.sessions.models import Session

    from adminduk.accounts import sessions
    from tests.conftest import login_verified

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login_verified(client, make_staff("dinas_admin"))
    assert client.get("/").status_code == 200
    first = Session.objects.get().expire_date
    quiet = client.get("/")
    assert quiet.status_code == 200 and settings.SESSION_COOKIE_NAME not in quiet.cookies
    assert Session.objects.get().expire_date == first  # within the minute: no write
    later = time.time() + sessions.RENEW_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    Session.objects.update(expire_date=first - dt.timedelta(minutes=10))  # as if ten idle minutes had passed
    response = client.get("/")
    assert response.status_code == 200 and Session.objects.get().expire_date > first - dt.timedelta(minutes=10)
    assert settings.SESSION_COOKIE_NAME in response.cookies  # the cookie renewed with it


def test_expired_session_is_logged_out(client, make_staff):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tests.conftest import login_verified

    login_verified(client, make_staff("dinas_admin"))
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
