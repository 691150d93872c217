"""Consent to messages (UU PDP): what needs it, and giving and revoking it.

Essential messages go out without consent, because the resident asked for the service they
belong to and cannot use it without them: the portal sign-in code, the link and PIN of a
document the resident asked to download, the confirmation of a booking the resident made (or
moved) and the notice that a booked slot can no longer be served. Everything else (the reminder
the day before, RT invitations, any new kind a sender invents) is non-essential: it needs the
resident's current consent, and a message with no resident named cannot show consent, so it is
not sent."""

from django.db import transaction
from django.utils import timezone

from adminduk.audit.actions import record

from .models import MessagingConsent

ESSENTIAL_KINDS = frozenset({"portal_code", "document_download", "booking_confirmed", "booking_over_capacity"})


def has_consent(resident) -> bool:
    if resident is None or getattr(resident, "pk", None) is None:
        return False
    return MessagingConsent.objects.filter(resident=resident, revoked_at__isnull=True).exists()


def may_send(kind: str, resident) -> bool:
    return kind in ESSENTIAL_KINDS or has_consent(resident)


def _kecamatan(resident) -> str:
    return (resident.kelurahan_id or "")[:8]


@transaction.atomic
def give(resident, *, via: str, request=None, actor=None) -> MessagingConsent:
    """Record consent (once: giving it again while it stands changes nothing)."""
    current = MessagingConsent.objects.select_for_update().filter(resident=resident, revoked_at__isnull=True).first()
    if current is not None:
        return current
    consent = MessagingConsent.objects.create(resident=resident, given_via=via)
    record(request, "create", actor=actor, object_type="messaging_consent", object_id=str(consent.pk),
           kecamatan_code=_kecamatan(resident), subject_nik=resident.nik, details={"via": via})
    return consent


@transaction.atomic
def revoke(resident, *, request=None, actor=None) -> bool:
    """Revoke the current consent; False when there was none."""
    current = MessagingConsent.objects.select_for_update().filter(resident=resident, revoked_at__isnull=True).first()
    if current is None:
        return False
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    record(request, "update", actor=actor, object_type="messaging_consent", object_id=str(current.pk),
           kecamatan_code=_kecamatan(resident), subject_nik=resident.nik, details={"revoked": True})
    return True
