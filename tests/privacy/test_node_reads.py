"""A staff read on an offline kecamatan node reaches the resident's tracker at the central:
forwarded through the node's exactly-once outbox, stored once however often it is delivered."""

import pytest
from django.db import transaction

from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry
from adminduk.privacy import node_reads, tracker
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import InboxPacket, OutboxPacket

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def test_a_read_on_the_node_appears_in_the_central_tracker_once(node, family_with_phones, make_resident, settings, django_capture_on_commit_callbacks, make_staff):  # noqa: F811
    from adminduk.enrollment import sealing

    head = family_with_phones["head"]
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.node")
    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = sealing.public_key_b64(sealing.central_public_key())
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    try:
        with transaction.atomic():
            record(None, "view", actor=operator, object_type="resident", object_id=head.nik, kecamatan_code="72.71.08", purpose="recording")
            record(None, "view", actor=operator, object_type="family", object_id=family_with_phones["family"].kk_number, purpose="complaint")
            record(None, "view", object_type="resident", object_id=head.nik)  # automatic: stays on the node
            assert node_reads.forward_pending() == 2
            assert node_reads.forward_pending() == 0  # the cursor moved on
            bodies = [bytes(p.body) for p in OutboxPacket.objects.filter(kind=node_reads.KIND_AUDIT_READS)]
            raise RolledBack
    except RolledBack:
        pass
    assert not AuditEntry.objects.filter(actor_username="op.node").exists()
    settings.ROLE = "central"
    for _ in range(2):  # delivered again after a lost acknowledgement
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(node.station, bodies)
    assert set(InboxPacket.objects.filter(kind=node_reads.KIND_AUDIT_READS).values_list("state", flat=True)) == {InboxPacket.State.PROCESSED}
    lines = tracker.tracker_for(head).lines
    assert sorted((line.object_type, line.purpose_code, line.role_code) for line in lines) == [
        ("family", "complaint", "kecamatan_operator"), ("resident", "recording", "kecamatan_operator"),
    ]
    assert {line.office for line in lines} == {node.station.office.name}
    assert AuditEntry.objects.filter(actor_username="op.node").count() == 2  # once, although delivered twice


def test_the_central_forwards_nothing(family_with_phones, operator):
    record(None, "view", actor=operator, object_type="resident", object_id=family_with_phones["head"].nik)
    assert node_reads.forward_pending() == 0
