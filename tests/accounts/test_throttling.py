"""Login throttling per username and per address, on the operator login and the admin login,
with every factor (password and TOTP code) counted and audited."""

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]
PASSWORD = "kata-sandi-uji-2026"


def code(user, offset=0) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{(totp.token() + offset) % 1_000_000:06d}"


def web_login(client, username, password=PASSWORD, otp_token="", ip="10.8.0.1"):
    return client.post("/login/", {"username": username, "password": password, "otp_token": otp_token}, REMOTE_ADDR=ip)


def admin_login(client, username, password=PASSWORD, otp_token="", ip="10.8.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "otp_token": otp_token, "next": "/admin/"}, REMOTE_ADDR=ip
    )


@pytest.fixture
def admin_user(make_staff):
    user = make_staff("dinas_admin", username="kadis")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_one_address_guessing_many_usernames_is_locked_out(client, make_staff):
    """The issue's case: failures spread over many usernames from one address (each username
    below its own limit) lock the address out; another address is not affected."""
    victim = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.victim")
    per_address = settings.ADMINDUK_LOGIN_IP_FAILURE_LIMIT
    for i in range(per_address):
        web_login(client, f"guess{i % 20}", password="salah-salah-123")
    response = web_login(client, "op.victim", otp_token=code(victim))  # right password and code
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other = web_login(client, "op.victim", otp_token=code(victim), ip="10.9.0.1")
    assert other.status_code == 302


def test_address_below_its_limit_is_not_locked(client, make_staff):
    """An office behind one address: a few colleagues' typos do not lock the others out."""
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.ok")
    for i in range(settings.ADMINDUK_LOGIN_IP_FAILURE_LIMIT - 1):
        web_login(client, f"colleague{i % 10}", password="salah-salah-123")
    assert web_login(client, "op.ok", otp_token=code(user)).status_code == 302


def test_one_username_guessed_from_many_addresses_is_locked_out(client, make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.target")
    for i in range(settings.AXES_FAILURE_LIMIT):
        web_login(client, "op.target", password="salah-salah-123", ip=f"10.7.0.{i + 1}")
    assert web_login(client, "op.target", otp_token=code(user), ip="10.7.1.1").status_code == 429


def test_wrong_codes_on_the_admin_login_are_counted_audited_and_lock_out(client, admin_user):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = admin_login(client, "kadis", otp_token=code(admin_user, offset=500_000))
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200
            assert "wrong or has expired" in response.content.decode()
        else:
            assert response.status_code == 429  # the failure that reaches the limit locks out
    failures = AuditEntry.objects.filter(action="login_failed", object_id="kadis")
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert {e.details["factor"] for e in failures} == {"totp"}
    assert {e.details["page"] for e in failures} == {"/admin/login/"}
    response = admin_login(client, "kadis", otp_token=code(admin_user))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_needs_the_code(client, admin_user):
    response = admin_login(client, "kadis")
    assert "_auth_user_id" not in client.session
    assert "6-digit" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", object_id="kadis", details__factor="totp").count() == 1
    response = admin_login(client, "kadis", otp_token=code(admin_user))
    assert response.status_code == 302
    assert client.get("/admin/population/resident/").status_code == 200
    assert AuditEntry.objects.filter(action="login", object_id="kadis").count() == 1


def test_wrong_password_on_the_admin_login_is_audited_as_password(client, admin_user):
    admin_login(client, "kadis", password="salah-salah-123", otp_token=code(admin_user))
    entry = AuditEntry.objects.get(action="login_failed", object_id="kadis")
    assert entry.details["factor"] == "password" and entry.details["locked_out"] is False


def test_codes_and_passwords_typed_are_kept_nowhere(client, make_staff):
    from axes.models import AccessAttempt

    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.secret")
    wrong = code(user, offset=1)
    web_login(client, "op.secret", password="rahasia-salah-987")
    web_login(client, "op.secret", otp_token=wrong)
    stored = " ".join(a.post_data for a in AccessAttempt.objects.all())
    stored += " ".join(str(e.details) for e in AuditEntry.objects.all())
    assert "rahasia-salah-987" not in stored and wrong not in stored and PASSWORD not in stored


def test_node_login_counts_codes_the_same_way(client, make_staff, settings):
    """The node serves the same login page (ADMINDUK_ROLE=node changes nothing in it)."""
    settings.ROLE = "node"
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.node")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        web_login(client, "op.node", otp_token=code(user, offset=3))
    assert AuditEntry.objects.filter(action="login_failed", object_id="op.node", details__factor="totp").count() == settings.AXES_FAILURE_LIMIT
    assert web_login(client, "op.node", otp_token=code(user)).status_code == 429


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_appended(client, make_staff, settings):
    """In production every request comes from the TLS proxy: counting per REMOTE_ADDR would lock
    out everyone at once. The proxy's own X-Forwarded-For entry counts; a client's forged
    entries before it do not let it escape."""
    settings.ADMINDUK_BEHIND_PROXY = True
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.proxy")
    for i in range(settings.ADMINDUK_LOGIN_IP_FAILURE_LIMIT):
        client.post(
            "/login/", {"username": f"guess{i}", "password": "salah-salah-123"},
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.{i}.1, 203.0.113.9",
        )  # fmt: skip
    locked = client.post("/login/", {"username": "op.proxy", "password": PASSWORD, "otp_token": code(user)},
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    assert locked.status_code == 429
    elsewhere = client.post("/login/", {"username": "op.proxy", "password": PASSWORD, "otp_token": code(user)},
                            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")  # fmt: skip
    assert elsewhere.status_code == 302
