"""One set of Huey tasks applies the node events of every registered kind (sync.tasks): the
receiver of a stored batch, one task, and one periodic resume for events a lost task left."""

import pytest

from adminduk.appointments.choices import BookingStatus
from adminduk.sync import events, tasks
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import InboxPacket

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)
from .test_booking_sync import booking, deliver, event_packet  # noqa: F401  (booking is a fixture)

pytestmark = pytest.mark.django_db


def test_every_kind_of_node_event_is_registered_once():
    assert set(events.KINDS) == {"print_event", "civil_event", "booking_event", "document_event"}


def test_the_receiver_applies_a_stored_batch_through_the_one_task(node, office, booking, django_capture_on_commit_callbacks):
    packet_id, body = event_packet(node, {"type": "check_in", "booking": str(booking.pk), "office": office.code})
    deliver([body], node, django_capture_on_commit_callbacks)
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.PROCESSED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booking.last_event == packet_id


def test_the_periodic_resume_applies_what_a_lost_task_left(node, office, booking):
    packet_id, body = event_packet(node, {"type": "check_in", "booking": str(booking.pk), "office": office.code})
    ingest_batch(node.station, [body])  # stored, but its task never ran (the on-commit receiver is not run here)
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.RECEIVED
    assert tasks.resume_node_events.call_local() == 1
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.PROCESSED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert tasks.resume_node_events.call_local() == 0
