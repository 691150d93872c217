"""Consent to messages (recorded, revocable, enforced by the messaging adapter) and the deletion
of uploaded application documents after the retention period (audited)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from adminduk.audit.models import AuditEntry
from adminduk.civil import actions as civil_actions
from adminduk.civil.models import Application, ApplicationDocument
from adminduk.civil.retention import purge_documents
from adminduk.messaging import consent
from adminduk.messaging.backends import read_outbox
from adminduk.messaging.models import Message, MessagingConsent
from adminduk.messaging.services import send
from tests.civil.conftest import apply, birth_data, office, verifier, witnesses  # noqa: F401

pytestmark = pytest.mark.django_db


def test_non_essential_messages_need_consent(family_with_phones):
    head = family_with_phones["head"]
    refused = send(head.phone, "Besok jadwal perekaman Anda.", kind="booking_reminder", resident=head)
    assert refused.status == Message.Status.NO_CONSENT and read_outbox(kind="booking_reminder") == []
    consent.give(head, via="portal")
    assert send(head.phone, "Besok jadwal perekaman Anda.", kind="booking_reminder", resident=head).status == "sent"
    consent.revoke(head)
    assert send(head.phone, "Lagi.", kind="booking_reminder", resident=head).status == Message.Status.NO_CONSENT
    assert len(read_outbox(kind="booking_reminder")) == 1
    # Without a resident no consent can be shown; an unknown kind is not essential.
    assert send(head.phone, "Undangan", kind="rt_invitation").status == Message.Status.NO_CONSENT


def test_essential_messages_go_without_consent(family_with_phones):
    head = family_with_phones["head"]
    assert send(head.phone, "Kode: 123456", kind="portal_code", resident=head, sensitive=True).status == "sent"
    assert send(head.phone, "Janji temu Anda tercatat.", kind="booking_confirmed", resident=head).status == "sent"


def test_consent_from_the_portal_is_recorded_audited_and_revocable(family_with_phones, resident_client):
    head = family_with_phones["head"]
    url = reverse("privacy_portal:consent")
    assert resident_client.post(url, {"consent": "give"}).status_code == 302
    assert resident_client.post(url, {"consent": "give"}).status_code == 302  # twice: still one consent
    assert MessagingConsent.objects.filter(resident=head, revoked_at__isnull=True).count() == 1
    assert resident_client.post(url, {"consent": "revoke"}).status_code == 302
    assert not consent.has_consent(head) and MessagingConsent.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(object_type="messaging_consent", subject_nik=head.nik).count() == 2
    assert resident_client.post(url, {"consent": "maybe"}).status_code == 400
    assert resident_client.get(url).status_code == 405
    assert MessagingConsent.objects.count() == 1


@pytest.fixture
def decided(apply, family_with_phones, witnesses, verifier):  # noqa: F811
    """A rejected application with its documents, decided 100 days ago."""
    application = apply("akta_kelahiran", birth_data(family_with_phones, witnesses))
    civil_actions.reject(application, reason="Data tidak lengkap", actor=verifier)
    Application.objects.filter(pk=application.pk).update(decided_at=timezone.now() - dt.timedelta(days=100))
    return application


def test_documents_are_deleted_after_the_retention_period_and_audited(decided, apply, family_with_phones, witnesses, settings):  # noqa: F811
    open_one = apply("akta_kelahiran", birth_data(family_with_phones, witnesses, child_name="Kedua"))
    settings.ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS = 120
    assert purge_documents().deleted == 0  # not yet
    settings.ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS = 90
    count = decided.documents.count()
    assert count and purge_documents(dry_run=True).deleted == count
    assert purge_documents().deleted == count
    for document in ApplicationDocument.objects.filter(application=decided):
        assert document.deleted_at is not None and bytes(document.content) == b"" and document.sha256
    assert all(d.deleted_at is None and len(bytes(d.content)) > 0 for d in ApplicationDocument.objects.filter(application=open_one))
    entries = AuditEntry.objects.filter(action="delete", object_type="civil_document")
    assert entries.count() == count and {e.subject_nik for e in entries} == {family_with_phones["head"].nik}
    assert purge_documents().deleted == 0  # done once


def test_a_deleted_document_answers_410(decided, verifier, staff_as):  # noqa: F811
    purge_documents()
    document = decided.documents.first()
    response = staff_as(verifier).get(reverse("civil:document", args=[decided.pk, document.pk]))
    assert response.status_code == 410


def test_the_command_purges_and_refuses_bad_arguments(decided):
    out = io.StringIO()
    call_command("purge_documents", "--dry-run", stdout=out)
    assert out.getvalue().startswith("would delete ")
    call_command("purge_documents", "--days", "30", stdout=out)
    assert f"deleted {decided.documents.count()} document(s)" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("purge_documents", "--days", "-1")


def test_the_command_gives_one_line_and_a_non_zero_exit_for_a_bad_argument():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    for argument in ("lots", "-5"):
        result = subprocess.run([sys.executable, "-m", "adminduk", "purge_documents", "--days", argument], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "--days" in result.stderr.strip().splitlines()[-1]  # argparse's usage, then the one line
