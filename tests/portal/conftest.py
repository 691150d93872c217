import re

import pytest

from adminduk.messaging.backends import read_outbox


@pytest.fixture(autouse=True)
def outbox(tmp_path, settings):
    """Messages go to a file of this test's own, read back with code_for()."""
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    return tmp_path / "messages.jsonl"


def code_for(phone: str) -> str:
    """The code in the newest sign-in message to `phone` (E.164)."""
    rows = read_outbox(phone=phone, kind="portal_code")
    assert rows, f"no sign-in message to {phone}"
    return re.search(r"\b(\d{6})\b", rows[-1]["text"]).group(1)


@pytest.fixture
def family_with_phones(sample_family):
    head, wife = sample_family["head"], sample_family["wife"]
    head.phone, wife.phone = "+6281234500001", "+6281234500002"
    head.save(update_fields=["phone"])
    wife.save(update_fields=["phone"])
    return sample_family


def sign_in(client, nik: str, phone: str):
    response = client.post("/portal/", {"nik": nik})
    assert response.status_code == 200, response.content.decode()[:500]
    return client.post("/portal/kode/", {"nik": nik, "code": code_for(phone)})


# The appointments tests' office (two recording sets, evening hours) and a plain weekday.
from tests.appointments.conftest import day, next_plain_weekday, office  # noqa: E402, F401
