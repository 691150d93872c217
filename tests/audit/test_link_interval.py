"""Linking into the hash chain at most once per ADMINDUK_AUDIT_LINK_INTERVAL per process: the
entries written meanwhile wait for the next link, or for the task that links every minute, and
the chain then verifies whole."""

import pytest

from adminduk.audit import chain
from adminduk.audit.actions import check_chain, record
from adminduk.audit.models import AuditEntry
from adminduk.audit.tasks import link_chain

pytestmark = pytest.mark.django_db(transaction=True)


def test_entries_within_the_interval_wait_for_the_next_link(settings, monkeypatch):
    settings.ADMINDUK_AUDIT_LINK_INTERVAL = 60
    monkeypatch.setattr(chain, "_last_link", 0.0)
    record(None, "search", object_type="resident", object_id="a")  # the first links at once
    assert AuditEntry.objects.get(object_id="a").seq is not None
    record(None, "search", object_type="resident", object_id="b")
    record(None, "search", object_type="resident", object_id="c")
    assert list(AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("object_id", flat=True)) == ["b", "c"]
    assert link_chain.call_local() == 2  # the minute's task
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert check_chain().ok


def test_with_no_interval_every_commit_links(settings, monkeypatch):
    settings.ADMINDUK_AUDIT_LINK_INTERVAL = 0
    record(None, "search", object_type="resident", object_id="x")
    record(None, "search", object_type="resident", object_id="y")
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
