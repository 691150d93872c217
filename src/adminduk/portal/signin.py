"""Signing in with a NIK and a one-time code sent to the phone on file.

The answer to a code request is the same whether the NIK is registered, has a phone, or neither:
a row is stored for every request, and the limits count rows, so an unknown NIK is throttled
exactly like a known one. Codes are six digits from `secrets`, stored only as an HMAC (keyed by
SECRET_KEY and the row), valid a few minutes, single-use (a conditional UPDATE, so two
simultaneous submissions cannot both win), and only the newest code of a NIK counts. Wrong codes
count per NIK and per client address; past the NIK's limit its open codes are void.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.messaging.phones import InvalidPhone
from adminduk.messaging.services import send
from adminduk.population.choices import LifeStatus
from adminduk.population.models import Resident

from . import conf
from .models import FailedCodeAttempt, SignInCode

CODE_DIGITS = 6
MESSAGE_KIND = "portal_code"


class Throttled(Exception):
    """Too many requests or wrong codes; str() says when to try again."""


class WrongCode(Exception):
    """The code is wrong, expired, already used or superseded (one answer for all)."""


def _hmac(row_id, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"portal-code:{row_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _window_start():
    return timezone.now() - dt.timedelta(minutes=conf.get("ADMINDUK_PORTAL_WINDOW_MINUTES"))


def _wait_message() -> str:
    return _("Too many attempts. Please wait %(minutes)s minutes and try again.") % {
        "minutes": conf.get("ADMINDUK_PORTAL_WINDOW_MINUTES")
    }


def _eligible(nik: str) -> Resident | None:
    resident = Resident.objects.filter(nik=nik).first()
    if resident is None or resident.life_status != LifeStatus.HIDUP or not resident.phone:
        return None
    return resident


def request_code(request, nik: str, address: str | None) -> SignInCode:
    """Send a code to the phone on file for `nik` (a well-formed NIK). Raises Throttled past a
    limit; otherwise returns the stored request, whatever the NIK (callers show one answer)."""
    since = _window_start()
    if SignInCode.objects.filter(nik=nik, created_at__gte=since).count() >= conf.get("ADMINDUK_PORTAL_CODE_REQUESTS_PER_NIK"):
        raise Throttled(_wait_message())
    if address and SignInCode.objects.filter(ip_address=address, created_at__gte=since).count() >= conf.get(
        "ADMINDUK_PORTAL_CODE_REQUESTS_PER_ADDRESS"
    ):
        raise Throttled(_wait_message())
    now = timezone.now()
    resident = _eligible(nik)
    with transaction.atomic():
        row = SignInCode.objects.create(
            nik=nik,
            resident=resident,
            ip_address=address,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=conf.get("ADMINDUK_PORTAL_CODE_MINUTES")),
        )
        code = ""
        if resident is not None:
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            row.code_hash = _hmac(row.pk, code)
            row.save(update_fields=["code_hash"])
        record(
            request,
            "create",
            object_type="portal_code",
            object_id=nik,
            kecamatan_code=_kecamatan(resident),
            details={"sent": resident is not None},
        )
    if resident is not None:
        text = _(
            "adminduk sign-in code: %(code)s. Valid for %(minutes)s minutes. Never give this code to anyone, not even an officer."
        ) % {"code": code, "minutes": conf.get("ADMINDUK_PORTAL_CODE_MINUTES")}
        try:
            row.message = send(resident.phone, text, kind=MESSAGE_KIND, resident=resident, sensitive=True)
            row.save(update_fields=["message"])
        except InvalidPhone:
            pass  # a malformed number on file: nothing can be sent, and the answer stays the same
    return row


def _kecamatan(resident: Resident | None) -> str:
    if resident is None:
        return ""
    return resident.kelurahan_id[:8] if resident.kelurahan_id else ""


@dataclass(frozen=True)
class SignedIn:
    resident: Resident
    code: SignInCode


def verify_code(request, nik: str, code: str, address: str | None) -> SignedIn:
    """Check `code` for `nik`. Raises Throttled past a limit (checked before the code, so a
    guesser learns nothing more), WrongCode otherwise unless the newest code matches."""
    since = _window_start()
    failures = FailedCodeAttempt.objects.filter(at__gte=since)
    if failures.filter(nik=nik).count() >= conf.get("ADMINDUK_PORTAL_WRONG_CODES_PER_NIK"):
        raise Throttled(_wait_message())
    if address and failures.filter(ip_address=address).count() >= conf.get("ADMINDUK_PORTAL_WRONG_CODES_PER_ADDRESS"):
        raise Throttled(_wait_message())
    now = timezone.now()
    newest = SignInCode.objects.filter(nik=nik).order_by("-created_at").first()
    matches = (
        newest is not None
        and newest.code_hash
        and newest.used_at is None
        and newest.expires_at > now
        and len(code) == CODE_DIGITS
        and hmac.compare_digest(newest.code_hash, _hmac(newest.pk, code))
    )
    # Single use: of two submissions of the same code, only the first UPDATE finds it unused.
    if matches and SignInCode.objects.filter(pk=newest.pk, used_at__isnull=True).update(used_at=now) == 1:
        return SignedIn(resident=newest.resident, code=newest)
    _count_failure(request, nik, address, newest)
    raise WrongCode(_("The code is wrong or has expired. Check the last message, or ask for a new code."))


def _count_failure(request, nik: str, address: str | None, newest: SignInCode | None) -> None:
    with transaction.atomic():
        FailedCodeAttempt.objects.create(nik=nik, ip_address=address)
        if newest is not None:
            SignInCode.objects.filter(pk=newest.pk).update(failed_attempts=newest.failed_attempts + 1)
        if FailedCodeAttempt.objects.filter(nik=nik, at__gte=_window_start()).count() >= conf.get(
            "ADMINDUK_PORTAL_WRONG_CODES_PER_NIK"
        ):
            # The limit is reached: no open code of this NIK may be used any more.
            SignInCode.objects.filter(nik=nik, used_at__isnull=True).update(used_at=timezone.now())
        record(request, "login_failed", object_type="portal", object_id=nik, details={"portal": True})
