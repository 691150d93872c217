"""Bookings and RT invitations made at the central reach the office's node in the pull; the node
checks booked residents in and closes their bookings offline, and those travel back as booking
event packets applied once at the central.

Node and central share the one test database here: the node's part runs inside a transaction
that is rolled back (as if it were another machine), after the rows the node would not have yet
are removed; what it put in its outbox (sealed packets) is what travels, as in
tests/civil/test_sync.py."""

import datetime as dt
import json
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from adminduk.appointments import actions as booking_actions
from adminduk.appointments import applying, events
from adminduk.appointments import sync as appointments_sync
from adminduk.appointments.choices import BookingStatus
from adminduk.appointments.models import Booking, Slot
from adminduk.appointments.slots import slots_for_day
from adminduk.audit.models import AuditEntry
from adminduk.enrollment import packets, sealing
from adminduk.queueing import actions, checkin, invitations
from adminduk.queueing.choices import Priority, TicketStatus
from adminduk.queueing.models import Invitation, Ticket
from adminduk.sync import changes
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import InboxPacket, OutboxPacket
from tests.appointments.conftest import next_plain_weekday

from ..conftest import login_verified
from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def pull_all(node, cursor="") -> dict:
    """Every page of the pull after `cursor`: the appointment rows, the residents and the last page."""
    seen = {s: [] for s in appointments_sync.STREAMS} | {"residents": [], "pages": []}
    while True:
        page = changes.build_changes(node.station, since=cursor)
        seen["pages"].append(page)
        for stream, rows in page["appointments"].items():
            seen[stream] += rows
        seen["residents"] += page["residents"]
        cursor = page["cursor"]
        if not page["more"]:
            return seen | {"cursor": cursor}


def on_the_node(node, settings):
    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = sealing.public_key_b64(sealing.central_public_key())
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)


def opened(body: bytes) -> dict:
    return json.loads(packets.parse_packet(body).open_part("event", sealing.central_private_key()))


def event_packet(node, event: dict) -> tuple[uuid.UUID, bytes]:
    packet_id = uuid.uuid4()
    body = json.dumps({"device_time": timezone.now().isoformat(), "actor": "", **event}).encode()
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    return packet_id, packets.build_packet(packet_id=packet_id, station_id=node.station.pk, kind=events.KIND_BOOKING_EVENT,
                                           sealed_parts=sealed, private_key=node.private_key, created_at=timezone.now())


def deliver(bodies, node, capture):
    with capture(execute=True):
        ingest_batch(node.station, list(bodies))


@pytest.fixture
def booking(office, make_resident):
    """Booked at the central (portal, API or its pages) for a Tuesday at 10:00."""
    resident = make_resident(birth_date="1990-05-17")
    slot = next(s for s in slots_for_day(office, next_plain_weekday(1, at_least=1)) if s.starts_at.astimezone(office.local_timezone()).hour == 10)
    return booking_actions.book(nik=resident.nik, slot=slot)


def test_a_booking_made_at_the_central_reaches_the_node_with_its_slot(node, office, booking, settings):
    seen = pull_all(node)
    rows = [r for r in seen["bookings"] if r["id"] == str(booking.pk)]
    assert rows and rows[0]["status"] == BookingStatus.BOOKED and rows[0]["slot"]["id"] == str(booking.slot_id)
    slot_rows = {r["id"]: r for r in seen["slots"]}
    assert slot_rows[str(booking.slot_id)]["booked"] == 1 and slot_rows[str(booking.slot_id)]["capacity"] == booking.slot.capacity
    assert str(booking.resident_id) in {r["id"] for r in seen["residents"]}
    assert AuditEntry.objects.filter(object_type="booking", action="export", details__sync_pull=len(seen["bookings"])).exists()
    # Nothing again after the cursor; a change at the central (a reschedule) comes after it.
    assert all(not rows for rows in changes.build_changes(node.station, since=seen["cursor"])["appointments"].values())
    later = next(s for s in slots_for_day(office, booking.slot.date) if s.starts_at > booking.slot.starts_at)
    booking_actions.reschedule(booking, later)
    again = changes.build_changes(node.station, since=seen["cursor"])["appointments"]
    assert [r["slot"]["id"] for r in again["bookings"]] == [str(later.pk)]
    assert {r["id"]: r["booked"] for r in again["slots"]} == {str(booking.slot_id): 0, str(later.pk): 1}  # both places moved
    pages = seen["pages"]
    # On a node that lacks them, the pages bring the booking, its slot and resident.
    try:
        with transaction.atomic():
            on_the_node(node, settings)
            Booking.objects.all().delete()
            Slot.objects.all().delete()
            for page in pages:
                changes.apply_page(page)
            local = Booking.objects.select_related("slot").get(pk=booking.pk)
            assert local.status == BookingStatus.BOOKED and local.slot.starts_at == booking.slot.starts_at and local.slot.booked == 1
            assert not local.event_pending
            # The node shows the day's slots it was sent and never makes its own.
            assert [s.pk for s in slots_for_day(office, booking.slot.date)] == sorted(
                [uuid.UUID(r["id"]) for r in seen["slots"] if r["date"] == booking.slot.date.isoformat()],
                key=lambda pk: Slot.objects.get(pk=pk).starts_at)
            unmade = booking.slot.date + dt.timedelta(days=7)  # a day nobody looked at on the central
            assert slots_for_day(office, unmade) == [] and not Slot.objects.filter(date=unmade).exists()
            raise RolledBack
    except RolledBack:
        pass


def test_check_in_and_attendance_on_the_node_reach_the_central_once(node, office, counters, booking, operator, settings, django_capture_on_commit_callbacks):
    seen = pull_all(node)
    central_row = next(r for r in seen["bookings"] if r["id"] == str(booking.pk))
    at = booking.slot.starts_at
    try:
        with transaction.atomic():
            on_the_node(node, settings)
            Booking.objects.filter(pk=booking.pk).delete()
            for page in seen["pages"]:
                changes.apply_page(page)
            # Offline: the resident checks in and gets a booking ticket.
            ticket = checkin.check_in(office, booking.nik, actor=operator, now=at - dt.timedelta(minutes=10))
            assert ticket.priority == Priority.BOOKING and ticket.booking_id == booking.pk
            local = Booking.objects.get(pk=booking.pk)
            check_in_packet = OutboxPacket.objects.get(kind=events.KIND_BOOKING_EVENT)
            assert local.status == BookingStatus.CHECKED_IN and local.event_pending and local.last_event == check_in_packet.id
            # A pull before the central confirmed does not undo the node's check-in.
            appointments_sync.apply({"bookings": [central_row]})
            local.refresh_from_db()
            assert local.status == BookingStatus.CHECKED_IN and local.event_pending
            # The ticket is served: the booking is attended, an event that follows the check-in.
            actions.call_next(counters["loket2"], actor=operator, now=at)
            served = actions.finish(counters["loket2"], actor=operator, now=at + dt.timedelta(minutes=6))
            assert served.pk == ticket.pk and Ticket.objects.get(pk=ticket.pk).status == TicketStatus.SERVED
            local.refresh_from_db()
            assert local.status == BookingStatus.ATTENDED
            sent = list(OutboxPacket.objects.filter(kind=events.KIND_BOOKING_EVENT).order_by("created_at"))
            bodies = [bytes(p.body) for p in sent]
            closed = opened(bodies[1])
            assert opened(bodies[0])["type"] == "check_in" and closed["type"] == "closed" and closed["status"] == BookingStatus.ATTENDED
            assert closed["after"] == [str(check_in_packet.id)]
            # The central's copy naming the node's last event confirms it.
            appointments_sync.apply({"bookings": [central_row | {"status": BookingStatus.ATTENDED, "last_event": str(sent[1].id)}]})
            local.refresh_from_db()
            assert not local.event_pending and local.status == BookingStatus.ATTENDED
            raise RolledBack
    except RolledBack:
        pass
    settings.ROLE = "central"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and not Ticket.objects.exists()  # the node's database was the rolled-back one
    deliver(bodies[:1], node, django_capture_on_commit_callbacks)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booking.last_event == sent[0].id
    assert AuditEntry.objects.filter(object_type="booking", object_id=str(booking.pk), details__change="check_in",
                                     details__node_event=str(sent[0].id), actor=operator).exists()
    for _ in range(2):  # delivered again after a lost acknowledgement
        deliver(bodies, node, django_capture_on_commit_callbacks)
    assert set(InboxPacket.objects.values_list("state", flat=True)) == {InboxPacket.State.PROCESSED}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED and booking.last_event == sent[1].id
    assert AuditEntry.objects.filter(object_type="booking", object_id=str(booking.pk), details__change=BookingStatus.ATTENDED).count() == 1
    # The next pull carries the confirmed booking, naming the node's last event.
    row = next(r for r in pull_all(node, seen["cursor"])["bookings"] if r["id"] == str(booking.pk))
    assert row["status"] == BookingStatus.ATTENDED and row["last_event"] == str(sent[1].id)


def test_a_no_show_on_the_node_closes_the_booking_as_no_show_at_the_central(node, office, counters, booking, settings, django_capture_on_commit_callbacks):
    seen = pull_all(node)
    at = booking.slot.starts_at
    try:
        with transaction.atomic():
            on_the_node(node, settings)
            ticket = checkin.check_in(office, booking.nik, now=at)
            actions.call_next(counters["loket1"], now=at)
            actions.mark_no_show(ticket, counter=counters["loket1"], now=at + dt.timedelta(minutes=3))
            bodies = [bytes(p.body) for p in OutboxPacket.objects.order_by("created_at")]
            raise RolledBack
    except RolledBack:
        pass
    settings.ROLE = "central"
    deliver(bodies, node, django_capture_on_commit_callbacks)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW and len(seen["bookings"]) == 1


def test_an_event_for_another_offices_booking_is_refused_and_changes_nothing(node, office, make_office, make_resident, django_capture_on_commit_callbacks):
    from adminduk.offices import actions as office_actions

    tatanga = make_office("72.71.06")
    office_actions.set_opening_hours(tatanga, [(d, dt.time(8), dt.time(16)) for d in range(5)])
    office_actions.add_equipment(tatanga, "recording_set", "TTG-RS01", label="Set 1")
    resident = make_resident(birth_date="1988-03-03")
    slot = slots_for_day(tatanga, next_plain_weekday(1, at_least=1))[2]
    foreign = booking_actions.book(nik=resident.nik, slot=slot)
    packet_id, body = event_packet(node, {"type": "check_in", "booking": str(foreign.pk), "office": office.code})
    deliver([body], node, django_capture_on_commit_callbacks)
    inbox = InboxPacket.objects.get(pk=packet_id)
    assert inbox.state == InboxPacket.State.FAILED and "is not at palu-mantikulore" in inbox.state_detail
    foreign.refresh_from_db()
    assert foreign.status == BookingStatus.BOOKED and foreign.last_event is None
    # Nor is an unknown event type or booking taken for anything else.
    for event in ({"type": "check_in", "booking": str(uuid.uuid4())}, {"type": "reopened", "booking": str(foreign.pk)}):
        packet_id, body = event_packet(node, event)
        deliver([body], node, django_capture_on_commit_callbacks)
        assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.FAILED
    assert applying.apply_pending() == 0


def test_bookings_and_invitations_are_made_at_the_central_only(node, office, booking, supervisor, settings):
    on_the_node(node, settings)
    with pytest.raises(booking_actions.BookingRefused, match="central"):
        booking_actions.cancel(booking)
    with pytest.raises(actions.QueueError, match="central"):
        invitations.invite_rt(office, "72.71.08.1004", "2", "3", actor=supervisor)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED and not OutboxPacket.objects.exists()


def test_invitations_for_today_show_on_the_nodes_recording_station(node, office, make_resident, supervisor, operator, client, settings, monkeypatch):
    from tests.conftest import TANAMODINDI

    invited = [make_resident(birth_date="1971-01-0%d" % n) for n in (1, 2)]
    day = next_plain_weekday(1, at_least=1)
    _batch, created, _plan = invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=day, days=1, per_day=5)
    assert {i.nik for i in created} >= {r.nik for r in invited}
    seen = pull_all(node)
    assert {r["id"] for r in seen["invitations"]} == {str(i.pk) for i in created}
    login_verified(client, operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    try:
        with transaction.atomic():
            on_the_node(node, settings)
            Invitation.objects.all().delete()
            Booking.objects.all().delete()
            for page in seen["pages"]:
                changes.apply_page(page)
            assert Invitation.objects.filter(booking__isnull=False).count() == len(created)
            monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)  # the invited day has come at the office
            html = client.get("/antrian/undangan/hari-ini/").content.decode()
            monkeypatch.undo()
            for resident in invited:
                assert resident.nik in html and resident.full_name in html
            raise RolledBack
    except RolledBack:
        pass


def test_a_booking_moved_to_another_office_still_reaches_the_old_offices_node(node, office, booking, make_office):
    from adminduk.offices import actions as office_actions

    seen = pull_all(node)
    tatanga = make_office("72.71.06")
    office_actions.set_opening_hours(tatanga, [(d, dt.time(8), dt.time(16)) for d in range(5)])
    office_actions.add_equipment(tatanga, "recording_set", "TTG-RS01", label="Set 1")
    booking_actions.reschedule(booking, slots_for_day(tatanga, booking.slot.date)[2])
    rows = pull_all(node, seen["cursor"])["bookings"]
    # Mantikulore's node learns the resident now goes to Tatanga, so it no longer checks them in.
    assert [(r["id"], r["office"], r["slot"]["office"]) for r in rows] == [(str(booking.pk), tatanga.code, tatanga.code)]
