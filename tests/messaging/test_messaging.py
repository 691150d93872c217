"""The messaging adapter: numbers checked, messages logged with their status, gateways' failures
kept as a status (never an exception), codes never stored, delivery after the commit."""

import json

import httpx
import pytest
from django.test import override_settings

from adminduk.messaging import backends
from adminduk.messaging.backends import SmsHttpBackend, WhatsAppHttpBackend, read_outbox
from adminduk.messaging.models import Message
from adminduk.messaging.phones import InvalidPhone, masked, normalise
from adminduk.messaging.services import SENSITIVE_PLACEHOLDER, deliver, send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox_file(tmp_path, settings):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    return tmp_path / "messages.jsonl"


@pytest.mark.parametrize(
    "raw", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890", " 0812 3456 7890 "]
)
def test_indonesian_mobile_numbers_are_stored_in_e164(raw):
    assert normalise(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "abc", "0812", "021-5551234", "0000000000"])
def test_a_number_that_cannot_take_a_message_is_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise(raw)


def test_masked_number_shows_only_its_ends():
    assert masked("+6281234567890") == "0812****7890"


def test_file_backend_delivers_and_the_test_reads_it_back(outbox_file):
    message = send("081234567890", "Jadwal Anda: Senin 08:00", kind="booking_confirmed")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.channel == "file"
    assert message.sent_at is not None and message.attempts == 1
    (row,) = read_outbox(phone="+6281234567890")
    assert row["text"] == "Jadwal Anda: Senin 08:00" and row["kind"] == "booking_confirmed"
    assert row["id"] == str(message.id)


def test_a_sensitive_text_reaches_the_phone_but_not_the_database():
    message = send("081234567890", "Kode masuk: 123456", kind="portal_code", sensitive=True)
    message.refresh_from_db()
    assert message.text == SENSITIVE_PLACEHOLDER and "123456" not in message.text
    assert read_outbox(kind="portal_code")[0]["text"] == "Kode masuk: 123456"


def test_a_malformed_number_stores_nothing():
    with pytest.raises(InvalidPhone):
        send("12", "x", kind="test")
    assert not Message.objects.exists()


def transport(handler):
    return httpx.MockTransport(handler)


@override_settings(ADMINDUK_SMS_URL="https://sms.example.test/send", ADMINDUK_SMS_TOKEN="s3cret", ADMINDUK_SMS_SENDER="DUKCAPIL")
def test_sms_gateway_gets_json_with_the_token_and_its_id_is_kept():
    seen = {}

    def handler(request):
        seen["auth"] = request.headers["Authorization"]
        seen["body"] = json.loads(request.content)
        seen["key"] = request.headers["Idempotency-Key"]
        return httpx.Response(200, json={"id": "gw-42"})

    backend = SmsHttpBackend(transport=transport(handler))
    message = Message.objects.create(kind="test", phone="+6281234567890", channel="sms")
    deliver(message, "Halo", backend=backend)
    assert message.status == "sent" and message.gateway_id == "gw-42"
    assert seen["auth"] == "Bearer s3cret" and seen["key"] == str(message.id)
    assert seen["body"] == {"to": "+6281234567890", "text": "Halo", "sender": "DUKCAPIL"}


@override_settings(ADMINDUK_WHATSAPP_URL="https://graph.example.test/v21.0/123/messages", ADMINDUK_WHATSAPP_TOKEN="t")
def test_whatsapp_gateway_gets_the_cloud_api_shape():
    seen = {}

    def handler(request):
        seen["body"] = json.loads(request.content)
        return httpx.Response(200, json={"messages": [{"id": "wamid.X"}]})

    message = Message.objects.create(kind="test", phone="+6281234567890", channel="whatsapp")
    deliver(message, "Halo", backend=WhatsAppHttpBackend(transport=transport(handler)))
    assert message.status == "sent" and message.gateway_id == "wamid.X"
    assert seen["body"]["to"] == "6281234567890" and seen["body"]["text"]["body"] == "Halo"


@pytest.mark.parametrize(
    "answer, reason",
    [
        (lambda request: httpx.Response(503, text="busy"), "HTTP 503"),
        (lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=request)), "timed out"),
        (lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)), "unreachable"),
    ],
)
@override_settings(ADMINDUK_SMS_URL="https://sms.example.test/send")
def test_a_gateway_failure_is_a_failed_status_with_a_reason(answer, reason):
    message = Message.objects.create(kind="test", phone="+6281234567890", channel="sms")
    deliver(message, "Halo", backend=SmsHttpBackend(transport=transport(answer)))
    message.refresh_from_db()
    assert message.status == "failed" and reason in message.error and message.sent_at is None


@override_settings(ADMINDUK_MESSAGING_BACKEND="sms", ADMINDUK_SMS_URL="")
def test_an_unconfigured_gateway_fails_with_the_variable_to_set():
    message = send("081234567890", "Halo", kind="booking_confirmed")
    assert message.status == "failed" and "ADMINDUK_SMS_URL" in message.error


@override_settings(ADMINDUK_MESSAGING_BACKEND="carrier-pigeon")
def test_an_unknown_backend_fails_with_a_clear_reason():
    message = send("081234567890", "Halo", kind="booking_confirmed")
    assert message.status == "failed" and "unknown messaging backend" in message.error


def test_console_backend_logs_the_message(caplog, settings):
    settings.ADMINDUK_MESSAGING_BACKEND = "console"
    message = send("081234567890", "Halo konsol", kind="booking_confirmed")
    assert message.status == "sent" and "Halo konsol" in caplog.text
    assert backends.backend_name() == "console"
