"""Where messages go. Chosen by ADMINDUK_MESSAGING_BACKEND:

file      (demo and tests) one JSON line per message appended to ADMINDUK_MESSAGING_FILE
          (default ADMINDUK_DATA_DIR/messages.jsonl); ``read_outbox()`` reads it back.
console   the message on the log (stderr) of the process that sends it.
sms       an SMS HTTP gateway: POST ADMINDUK_SMS_URL with JSON {"to", "text", "sender"} and
          ``Authorization: Bearer ADMINDUK_SMS_TOKEN``; the answer's "id" (or "message_id") is
          kept. Most Indonesian SMS gateways accept this shape or sit behind a small relay.
whatsapp  the WhatsApp Business Cloud API: POST ADMINDUK_WHATSAPP_URL (…/PHONE_NUMBER_ID/messages)
          with ``Authorization: Bearer ADMINDUK_WHATSAPP_TOKEN``; the answer's messages[0].id is kept.

HTTP backends wait at most ADMINDUK_MESSAGING_TIMEOUT seconds (default 10) and retry a failed
connection twice; a timeout, a refused connection or a non-2xx answer is a DeliveryError with a
short reason, never an exception escaping to the page that asked for the message.
"""

import json
import logging
import threading
from pathlib import Path

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("adminduk.messaging")

BACKENDS = {
    "file": "adminduk.messaging.backends.FileBackend",
    "console": "adminduk.messaging.backends.ConsoleBackend",
    "sms": "adminduk.messaging.backends.SmsHttpBackend",
    "whatsapp": "adminduk.messaging.backends.WhatsAppHttpBackend",
}


class DeliveryError(Exception):
    """The gateway did not take the message; str() is a short reason fit for the message log."""


class Backend:
    channel = ""

    def deliver(self, phone: str, text: str, *, kind: str, message_id: str) -> str:
        """Hand the message over; return the gateway's id for it (or "")."""
        raise NotImplementedError


_file_lock = threading.Lock()


def outbox_path() -> Path:
    return Path(settings.ADMINDUK_MESSAGING_FILE)


class FileBackend(Backend):
    channel = "file"

    def deliver(self, phone, text, *, kind, message_id):
        path = outbox_path()
        line = json.dumps(
            {"id": message_id, "at": timezone.now().isoformat(), "phone": phone, "kind": kind, "text": text},
            ensure_ascii=False,
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # One write per line under O_APPEND: lines from several processes never interleave.
            with _file_lock, path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot write {path}: {exc.strerror or exc}") from None
        return message_id


def read_outbox(phone: str | None = None, kind: str | None = None) -> list[dict]:
    """What the file backend delivered, oldest first, optionally for one phone and kind."""
    path = outbox_path()
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if (phone is None or row.get("phone") == phone) and (kind is None or row.get("kind") == kind):
            rows.append(row)
    return rows


class ConsoleBackend(Backend):
    channel = "console"

    def deliver(self, phone, text, *, kind, message_id):
        logger.warning("message %s to %s [%s]: %s", message_id, phone, kind, text)
        return message_id


def _timeout() -> float:
    return settings.ADMINDUK_MESSAGING_TIMEOUT


class HttpBackend(Backend):
    url_variable = ""
    token_variable = ""

    def __init__(self, transport: httpx.BaseTransport | None = None):
        self.url = getattr(settings, self.url_variable)
        self.token = getattr(settings, self.token_variable)
        # Retries cover failed connections only: a request that reached the gateway is never sent twice.
        self.transport = transport or httpx.HTTPTransport(retries=2)

    def payload(self, phone: str, text: str) -> dict:
        raise NotImplementedError

    def gateway_id(self, answer) -> str:
        raise NotImplementedError

    def deliver(self, phone, text, *, kind, message_id):
        if not self.url:
            raise DeliveryError(f"{self.url_variable} is not set")
        headers = {"Idempotency-Key": message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            with httpx.Client(transport=self.transport, timeout=_timeout()) as client:
                response = client.post(self.url, json=self.payload(phone, text), headers=headers)
        except httpx.TimeoutException:
            raise DeliveryError(f"gateway timed out after {_timeout():g} s") from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"gateway unreachable: {type(exc).__name__}") from None
        if not response.is_success:
            raise DeliveryError(f"gateway answered HTTP {response.status_code}: {response.text[:120]}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        try:
            return str(self.gateway_id(answer) or "")[:100]
        except (KeyError, IndexError, TypeError, AttributeError):
            return ""


class SmsHttpBackend(HttpBackend):
    channel = "sms"
    url_variable = "ADMINDUK_SMS_URL"
    token_variable = "ADMINDUK_SMS_TOKEN"

    def payload(self, phone, text):
        return {"to": phone, "text": text, "sender": settings.ADMINDUK_SMS_SENDER}

    def gateway_id(self, answer):
        return answer.get("id") or answer.get("message_id") or ""


class WhatsAppHttpBackend(HttpBackend):
    channel = "whatsapp"
    url_variable = "ADMINDUK_WHATSAPP_URL"
    token_variable = "ADMINDUK_WHATSAPP_TOKEN"

    def payload(self, phone, text):
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": phone.lstrip("+"),
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }

    def gateway_id(self, answer):
        return answer["messages"][0]["id"]


def backend_name() -> str:
    return settings.ADMINDUK_MESSAGING_BACKEND


def get_backend() -> Backend:
    name = backend_name()
    path = BACKENDS.get(name, name)  # a dotted path plugs in another gateway
    try:
        return import_string(path)()
    except ImportError:
        raise DeliveryError(f"unknown messaging backend {name!r} (file, console, sms or whatsapp)") from None
