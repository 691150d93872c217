"""A printing event the central refuses comes back to the node in the pull like any other kind
(sync.refusals): the card no longer waits for the central, takes the central's state, and the
operator reads the refusal with the central's reason."""

import pytest

from adminduk.printing.actions import jobs
from adminduk.printing.choices import CardStatus
from adminduk.printing.models import Card
from adminduk.sync import changes, refusals
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import EventRefusal, InboxPacket

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)
from .test_sync import event_packet

pytestmark = pytest.mark.django_db


def test_a_refused_handover_releases_the_card_on_the_node(node, printing_office, print_ready, never_fails, settings,
                                                           django_capture_on_commit_callbacks):
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = -5
    print_ready()
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    bad_id, bad = event_packet(node, {"type": "handover", "serial": card.serial, "method": "signature", "reason": ""})
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(node.station, [bad])
    assert InboxPacket.objects.get(pk=bad_id).state == InboxPacket.State.FAILED
    assert EventRefusal.objects.get(pk=bad_id).subjects == {"serials": [card.serial]}
    rows = [r for r in changes.build_changes(node.station, since="")["refusals"] if r["id"] == str(bad_id)]
    assert rows and [c["serial"] for c in rows[0]["rows"]["cards"]] == [card.serial] and "needs the reason" in rows[0]["reason"]
    # On the node the card was handed over offline and waits for the central to confirm it.
    settings.ROLE = "node"
    Card.objects.filter(pk=card.pk).update(status=CardStatus.PICKED_UP, last_event=bad_id, event_pending=True)
    assert refusals.apply(rows) == {"refusals": 1, "released": 1}
    card.refresh_from_db()
    assert not card.event_pending and card.status == CardStatus.AT_OFFICE  # the central's state again
    shown = refusals.for_operators(refusals.recent(printing_office))
    assert [(s.event_type, card.serial in s.concerns, "needs the reason" in s.reason) for s in shown] == [("handover", True, True)]
