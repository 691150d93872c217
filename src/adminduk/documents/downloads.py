"""The applicant downloads an issued document through a link plus a PIN sent by the messaging
adapter. Wrong PINs are rate limited per link: after MAX_TRIES in a row the link locks for
LOCK_MINUTES, and after MAX_TOTAL_FAILURES it is closed for good (the office sends a new one)."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .models import DownloadGrant, IssuedDocument

VALID_DAYS = 30
PIN_DIGITS = 6
MAX_TRIES = 5
LOCK_MINUTES = 15
MAX_TOTAL_FAILURES = 20


class DownloadRefused(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Granted:
    grant: DownloadGrant
    key: str  # the secret part of the link (only in the message and this return value)
    pin: str
    message: object  # messaging.Message, or None when sending waits for the commit


def link_base(request=None) -> str:
    """Where download links start: ADMINDUK_PUBLIC_URL, else the address `request` came to."""
    from django.conf import settings
    from django.urls import reverse

    path = reverse("documents:download", args=["KEY"]).removesuffix("KEY/")
    base = settings.ADMINDUK_PUBLIC_URL.rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def grant_download(document: IssuedDocument, *, phone: str, link_base: str, actor=None, resident=None, send_now: bool = True) -> Granted:
    """Create a link and PIN for `document` and send both to `phone` (after the commit).
    `link_base` is the public address the link starts with (e.g. https://dukcapil.../verifikasi/unduh/).
    messaging.InvalidPhone for a malformed number (nothing stored)."""
    from adminduk.messaging import services as messaging
    from adminduk.messaging.phones import normalise

    number = normalise(phone)
    key, pin = secrets.token_urlsafe(24), f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"
    grant = DownloadGrant.objects.create(
        document=document, key_digest=digest(key), pin_hash=make_password(pin), phone=number,
        expires_at=timezone.now() + dt.timedelta(days=VALID_DAYS), created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(None, "create", actor=actor, object_type="document_download", object_id=str(grant.pk),
           kecamatan_code=document.office.kecamatan_id or "", details={"document": document.number, "phone": number[-4:]})
    with translation.override("id"):  # messages to residents are in Indonesian
        text = _("%(kind)s no. %(number)s is ready: download it at %(link)s with PIN %(pin)s (valid %(days)d days). Never share the PIN.") % {
            "kind": document.get_kind_display(), "number": document.number, "link": link_base.rstrip("/") + "/" + key + "/", "pin": pin, "days": VALID_DAYS}
    sent = []

    def send():
        sent.append(messaging.send(number, text, kind="document_download", resident=resident, sensitive=True, actor=actor))

    if send_now:
        transaction.on_commit(send)
    return Granted(grant, key, pin, sent)


def find(key: str) -> DownloadGrant | None:
    if not key or len(key) > 100:
        return None
    return DownloadGrant.objects.select_related("document__office").filter(key_digest=digest(key)).first()


def open_with_pin(key: str, pin: str, *, request=None) -> IssuedDocument:
    """The document behind the link when `pin` is right; DownloadRefused otherwise (each wrong
    PIN counted and audited, the link locked after MAX_TRIES)."""
    with transaction.atomic():
        grant = find(key)
        if grant is None:
            raise DownloadRefused("unknown", _("This download link is not valid."))
        grant = DownloadGrant.objects.select_for_update().select_related("document__office").get(pk=grant.pk)
        now = timezone.now()
        if grant.expires_at <= now:
            raise DownloadRefused("expired", _("This download link has expired: ask the office for a new one."))
        if grant.failed_attempts >= MAX_TOTAL_FAILURES:
            raise DownloadRefused("closed", _("Too many wrong PINs: this link is closed. Ask the office for a new one."))
        if grant.locked_until and grant.locked_until > now:
            raise DownloadRefused("locked", _("Too many wrong PINs: try again after %(time)s.") % {"time": timezone.localtime(grant.locked_until).strftime("%H:%M")})
        pin = (pin or "").strip()
        if not (pin.isdigit() and len(pin) == PIN_DIGITS and check_password(pin, grant.pin_hash)):
            grant.failed_attempts += 1
            if grant.failed_attempts % MAX_TRIES == 0:
                grant.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            grant.save(update_fields=["failed_attempts", "locked_until", "updated_at"])
            record(request, "denied", object_type="document_download", object_id=str(grant.pk), details={"wrong_pin": grant.failed_attempts})
            failure = DownloadRefused("wrong_pin", _("The PIN is not right."))
        else:
            grant.failed_attempts = grant.failed_attempts - grant.failed_attempts % MAX_TRIES  # a right PIN clears the current run
            grant.downloads += 1
            grant.save(update_fields=["failed_attempts", "downloads", "updated_at"])
            record(request, "export", object_type="document", object_id=f"{grant.document.number} v{grant.document.version}",
                   kecamatan_code=grant.document.office.kecamatan_id or "", details={"download": str(grant.pk)})
            return grant.document
    raise failure  # after the commit: the wrong attempt stays counted
