"""A node event the central refuses (a check-in for a booking cancelled meanwhile) comes back to
the node in the pull: the node stops waiting for it, takes the central's state of the booking and
shows the operator why, in Indonesian, on the queue page and the sync page. An accepted event
leaves no refusal.

As in test_booking_sync.py, node and central share the test database: the node's part runs in a
transaction that is rolled back, and its sealed packets are what travels."""

import datetime as dt

import pytest
from django.db import transaction

from adminduk.appointments import actions as booking_actions
from adminduk.appointments import events
from adminduk.appointments.choices import BookingStatus
from adminduk.appointments.models import Booking
from adminduk.audit.models import AuditEntry
from adminduk.queueing import checkin
from adminduk.sync import changes
from adminduk.sync.models import EventRefusal, InboxPacket, OutboxPacket

from ..conftest import login_verified
from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)
from .test_booking_sync import RolledBack, booking, deliver, on_the_node, pull_all  # noqa: F401  (booking is a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_horizon(settings):
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = -5  # every change is old enough to be sent


def checked_in_on_the_node(node, office, booking, operator, settings) -> tuple[list[dict], str, bytes]:
    """The node pulls the booking and checks the resident in offline; returns the pages it
    applied, its cursor and the sealed check-in packet (the node's database is rolled back)."""
    seen = pull_all(node)
    try:
        with transaction.atomic():
            on_the_node(node, settings)
            Booking.objects.filter(pk=booking.pk).delete()
            for page in seen["pages"]:
                changes.apply_page(page)
            checkin.check_in(office, booking.nik, actor=operator, now=booking.slot.starts_at - dt.timedelta(minutes=10))
            packet = OutboxPacket.objects.get(kind=events.KIND_BOOKING_EVENT)
            body = bytes(packet.body)
            raise RolledBack
    except RolledBack:
        pass
    settings.ROLE = "central"
    return seen["pages"], seen["cursor"], packet.id, body


def as_the_node_left_it(node, booking, pages, packet_id, settings):
    """The node's database again as the check-in left it: the booking checked in and waiting."""
    on_the_node(node, settings)
    Booking.objects.filter(pk=booking.pk).delete()
    for page in pages:
        changes.apply_page(page)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CHECKED_IN, last_event=packet_id, event_pending=True)


def test_a_refused_check_in_no_longer_waits_and_the_operator_sees_why(
    node, office, counters, booking, operator, client, settings, django_capture_on_commit_callbacks
):
    pages, cursor, packet_id, body = checked_in_on_the_node(node, office, booking, operator, settings)
    booking_actions.cancel(booking)  # meanwhile at the central (the resident cancelled on the portal)
    deliver([body], node, django_capture_on_commit_callbacks)
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.FAILED
    refusal = EventRefusal.objects.get(pk=packet_id)  # kept at the central by the event's id
    assert refusal.office == office and refusal.kind == events.KIND_BOOKING_EVENT and "cancelled" in refusal.reason
    assert refusal.subjects == {"bookings": [str(booking.pk)]}
    later = [changes.build_changes(node.station, since=cursor)]
    assert [r["id"] for r in later[0]["refusals"]] == [str(packet_id)]
    assert later[0]["refusals"][0]["rows"]["bookings"][0]["status"] == BookingStatus.CANCELLED
    login_verified(client, operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    try:
        with transaction.atomic():
            EventRefusal.objects.all().delete()  # the node's database has none yet
            as_the_node_left_it(node, booking, pages, packet_id, settings)
            for page in later:
                changes.apply_page(page)
            local = Booking.objects.get(pk=booking.pk)
            assert not local.event_pending and local.status == BookingStatus.CANCELLED  # the central's state, no longer waiting
            kept = EventRefusal.objects.get(pk=packet_id)
            assert kept.office == office and "cancelled" in kept.reason
            desk = client.get(f"/antrian/?office={office.code}").content.decode()
            assert "Kejadian yang ditolak pusat" in desk and booking.nik in desk and "cancelled" in desk and "dibatalkan" in desk
            shown = AuditEntry.objects.get(action="view", object_type="resident_list", details__refused_booking_events=1)
            assert list(shown.mentions.values_list("nik", flat=True)) == [booking.nik]  # in the resident's tracker
            page = client.get("/sinkronisasi/node/").content.decode()
            assert "Kejadian yang ditolak pusat" in page and "lapor hadir atau penutupan pemesanan" in page and "cancelled" in page
            assert booking.nik not in page  # the sync page shows no personal data
            # The same page again changes nothing (a pull repeated after a lost answer).
            changes.apply_page(later[0])
            assert EventRefusal.objects.count() == 1 and not Booking.objects.get(pk=booking.pk).event_pending
            raise RolledBack
    except RolledBack:
        pass


def test_an_accepted_check_in_leaves_no_refusal_and_is_confirmed_as_before(
    node, office, counters, booking, operator, settings, django_capture_on_commit_callbacks
):
    pages, cursor, packet_id, body = checked_in_on_the_node(node, office, booking, operator, settings)
    deliver([body], node, django_capture_on_commit_callbacks)
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.PROCESSED
    assert not EventRefusal.objects.exists()
    later = changes.build_changes(node.station, since=cursor)
    assert later["refusals"] == []
    try:
        with transaction.atomic():
            as_the_node_left_it(node, booking, pages, packet_id, settings)
            changes.apply_page(later)
            local = Booking.objects.get(pk=booking.pk)
            assert not local.event_pending and local.status == BookingStatus.CHECKED_IN and local.last_event == packet_id
            raise RolledBack
    except RolledBack:
        pass
