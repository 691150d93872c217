"""Signing in to the resident portal with a NIK and a code sent to the phone on file."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.audit.models import AuditEntry
from adminduk.messaging.backends import read_outbox
from adminduk.messaging.models import Message
from adminduk.portal.models import PortalSession, SignInCode
from adminduk.portal.sessions import cookie_name
from tests.conftest import login_verified
from tests.portal.conftest import code_for, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

UNKNOWN_NIK = "7271080101900999"  # well formed, held by nobody


def test_sign_in_with_the_code_sent_to_the_phone_on_file(client, family_with_phones):
    head = family_with_phones["head"]
    response = sign_in(client, head.nik, head.phone)
    assert response.status_code == 302 and response["Location"] == "/portal/beranda/"
    cookie = response.cookies[cookie_name()]
    assert cookie["httponly"] and cookie["path"] == "/portal/" and cookie["samesite"] == "Lax"
    page = client.get("/portal/beranda/")
    assert page.status_code == 200 and head.full_name in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    session = PortalSession.objects.get()
    assert session.resident == head and session.account.role == "resident" and not session.account.has_usable_password()
    assert session.token_hash != cookie.value and len(session.token_hash) == 64
    logins = AuditEntry.objects.filter(action="login", object_id=head.nik)
    assert logins.get().actor_role == "resident"


def test_the_code_is_never_stored_and_the_message_log_withholds_it(client, family_with_phones):
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    code = code_for(head.phone)
    row = SignInCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    message = Message.objects.get()
    assert message.status == "sent" and code not in message.text and message.sensitive


def test_a_wrong_code_is_refused_and_signs_nobody_in(client, family_with_phones):
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    right = code_for(head.phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/portal/kode/", {"nik": head.nik, "code": wrong})
    assert response.status_code == 400
    assert "wrong or has expired" in response.content.decode()
    assert not PortalSession.objects.exists() and cookie_name() not in response.cookies
    assert AuditEntry.objects.filter(action="login_failed", object_id=head.nik).exists()
    assert client.get("/portal/beranda/").status_code == 302


def test_an_expired_code_is_refused(client, family_with_phones):
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post("/portal/kode/", {"nik": head.nik, "code": code_for(head.phone)})
    assert response.status_code == 400 and not PortalSession.objects.exists()


def test_a_code_works_once(client, family_with_phones):
    head = family_with_phones["head"]
    assert sign_in(client, head.nik, head.phone).status_code == 302
    again = client.post("/portal/kode/", {"nik": head.nik, "code": code_for(head.phone)})
    assert again.status_code == 400 and PortalSession.objects.count() == 1


def test_a_new_code_replaces_the_previous_one(client, family_with_phones):
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    first = code_for(head.phone)
    client.post("/portal/", {"nik": head.nik})
    second = code_for(head.phone)
    if first != second:
        assert client.post("/portal/kode/", {"nik": head.nik, "code": first}).status_code == 400
    assert client.post("/portal/kode/", {"nik": head.nik, "code": second}).status_code == 302


def test_too_many_code_requests_for_one_nik(client, family_with_phones, settings):
    settings.ADMINDUK_PORTAL_CODE_REQUESTS_PER_NIK = 3
    head = family_with_phones["head"]
    for _ in range(3):
        assert client.post("/portal/", {"nik": head.nik}).status_code == 200
    response = client.post("/portal/", {"nik": head.nik})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert len(read_outbox(phone=head.phone)) == 3 and SignInCode.objects.count() == 3


def test_too_many_code_requests_from_one_address(client, family_with_phones, settings, make_resident):
    settings.ADMINDUK_PORTAL_CODE_REQUESTS_PER_ADDRESS = 2
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    assert client.post("/portal/", {"nik": head.nik}).status_code == 200
    assert client.post("/portal/", {"nik": wife.nik}).status_code == 200
    assert client.post("/portal/", {"nik": UNKNOWN_NIK}).status_code == 429
    # Another address is not held back.
    assert client.post("/portal/", {"nik": UNKNOWN_NIK}, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_too_many_wrong_codes_void_the_right_one(client, family_with_phones, settings):
    settings.ADMINDUK_PORTAL_WRONG_CODES_PER_NIK = 3
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    right = code_for(head.phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert client.post("/portal/kode/", {"nik": head.nik, "code": wrong}).status_code == 400
    response = client.post("/portal/kode/", {"nik": head.nik, "code": right})
    assert response.status_code == 429 and not PortalSession.objects.exists()
    settings.ADMINDUK_PORTAL_WRONG_CODES_PER_NIK = 100  # even with the limit lifted, the code is void
    assert client.post("/portal/kode/", {"nik": head.nik, "code": right}).status_code == 400


def _normalised(response, nik):
    text = response.content.decode()
    import re

    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace(nik, "NIK")


def test_an_unknown_nik_gets_the_same_answer_as_a_known_one(client, family_with_phones, settings):
    settings.ADMINDUK_PORTAL_CODE_REQUESTS_PER_NIK = 2
    head = family_with_phones["head"]
    child = family_with_phones["child"]  # registered, but no phone on file
    answers = {nik: client.post("/portal/", {"nik": nik}) for nik in (head.nik, UNKNOWN_NIK, child.nik)}
    assert {r.status_code for r in answers.values()} == {200}
    pages = {_normalised(r, nik) for nik, r in answers.items()}
    assert len(pages) == 1
    # Wrong codes, and the limits, behave alike too.
    wrong = {nik: client.post("/portal/kode/", {"nik": nik, "code": "000000"}) for nik in (UNKNOWN_NIK, child.nik)}
    assert {r.status_code for r in wrong.values()} == {400}
    assert len({_normalised(r, nik) for nik, r in wrong.items()}) == 1
    client.post("/portal/", {"nik": head.nik})
    client.post("/portal/", {"nik": UNKNOWN_NIK})
    assert client.post("/portal/", {"nik": head.nik}).status_code == 429
    assert client.post("/portal/", {"nik": UNKNOWN_NIK}).status_code == 429
    assert read_outbox(phone=None, kind="portal_code") and all(r["phone"] == head.phone for r in read_outbox())


@pytest.mark.parametrize("nik", ["", "123", "72710801019009990", "abcdefghijklmnop", "0071080101900001"])
def test_a_malformed_nik_gets_a_clear_error_and_stores_nothing(client, nik):
    response = client.post("/portal/", {"nik": nik})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert not SignInCode.objects.exists()


@pytest.mark.parametrize("code", ["", "abc", "12345678901234"])
def test_a_malformed_code_gets_a_clear_error(client, family_with_phones, code):
    head = family_with_phones["head"]
    response = client.post("/portal/kode/", {"nik": head.nik, "code": code})
    assert response.status_code == 400 and not PortalSession.objects.exists()


def test_a_deceased_resident_gets_no_code(client, family_with_phones):
    head = family_with_phones["head"]
    type(head).objects.filter(pk=head.pk).update(life_status="mati")
    assert client.post("/portal/", {"nik": head.nik}).status_code == 200
    assert read_outbox() == []


def test_sign_out_ends_the_session(client, family_with_phones):
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    response = client.post("/portal/keluar/")
    assert response.status_code == 302 and PortalSession.objects.get().ended_at is not None
    assert client.get("/portal/beranda/").status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor_role="resident").exists()


def test_an_idle_session_ends(client, family_with_phones):
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    PortalSession.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/portal/beranda/").status_code == 302


def test_a_staff_login_does_not_open_the_portal(client, family_with_phones, make_staff):
    login_verified(client, make_staff("dinas_admin"))
    response = client.get("/portal/beranda/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_a_resident_session_opens_no_staff_page(client, family_with_phones):
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    assert client.get("/portal/beranda/").status_code == 200
    for url in ("/", "/admin/", "/audit/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert "_auth_user_id" not in client.session
