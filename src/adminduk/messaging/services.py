"""Sending a message: the one function other apps call.

    from adminduk.messaging.services import send
    message = send("0812 3456 7890", "Jadwal perekaman Anda ...", kind="booking_confirmed",
                   resident=resident)
    message.status  # "sent" or "failed" (message.error says why)

The message is stored (status queued) before the gateway is called, and the gateway's answer
sets sent or failed; a gateway failure never raises: the caller reads the status. A malformed
phone number raises InvalidPhone (nothing is stored). The gateway is called at once: a caller
whose write may still roll back sends after it commits,
``transaction.on_commit(lambda: send(...))``, so a cancelled booking never sends a notice.
"""

import logging

from django.utils import timezone

from .backends import DeliveryError, get_backend
from .models import Message
from .phones import InvalidPhone, normalise

__all__ = ["send", "deliver", "InvalidPhone", "Message", "SENSITIVE_PLACEHOLDER"]

logger = logging.getLogger("adminduk.messaging")

SENSITIVE_PLACEHOLDER = "[withheld]"


def send(phone: str, text: str, *, kind: str, resident=None, sensitive: bool = False, actor=None) -> Message:
    """Store one message to `phone` and deliver it through the configured backend at once.
    Returns the Message with its final status (sent or failed). `sensitive` keeps the text out
    of the database (a sign-in code); `resident` and `actor` are kept with it.

    A non-essential kind (messaging.consent.ESSENTIAL_KINDS lists the others) goes out only to a
    resident who consented; otherwise it is stored with status no_consent and never delivered."""
    number = normalise(phone)
    from .consent import may_send

    if not may_send(kind, resident):
        return Message.objects.create(
            kind=kind[:40], phone=number, resident=resident, text=SENSITIVE_PLACEHOLDER if sensitive else text,
            sensitive=sensitive, channel="sms", status=Message.Status.NO_CONSENT, error="no consent for non-essential messages",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    try:
        backend = get_backend()
        channel = backend.channel
    except DeliveryError as exc:
        backend, channel = None, "sms"
        setup_error = str(exc)
    message = Message.objects.create(
        kind=kind[:40],
        phone=number,
        resident=resident,
        text=SENSITIVE_PLACEHOLDER if sensitive else text,
        sensitive=sensitive,
        channel=channel,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if backend is None:
        _finish(message, error=setup_error)
        return message
    return deliver(message, text, backend=backend)


def deliver(message: Message, text: str, *, backend=None) -> Message:
    """Hand a stored message to the gateway and record the outcome (also used for a retry)."""
    backend = backend or get_backend()
    message.attempts += 1
    try:
        gateway_id = backend.deliver(message.phone, text, kind=message.kind, message_id=str(message.id))
    except DeliveryError as exc:
        logger.warning("message %s (%s) to %s failed: %s", message.id, message.kind, message.phone, exc)
        _finish(message, error=str(exc))
    else:
        message.gateway_id = gateway_id or ""
        _finish(message)
    return message


def _finish(message: Message, *, error: str = "") -> None:
    message.status = Message.Status.FAILED if error else Message.Status.SENT
    message.error = error[:300]
    message.sent_at = None if error else timezone.now()
    message.save(update_fields=["status", "error", "sent_at", "gateway_id", "attempts", "updated_at"])
