"""The office's side: request statuses, print jobs, cards, shipments and stock travel in the
pull; what the node does offline travels back as event packets applied once per UUID."""

import json
import uuid

import pytest

from adminduk.enrollment import packets, sealing
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing import applying, events
from adminduk.printing import sync as printing_sync
from adminduk.printing.actions import jobs, stock
from adminduk.printing.choices import CardStatus, JobStatus, MovementKind
from adminduk.printing.models import BlangkoMovement, Card, PrintJob
from adminduk.sync import changes
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import InboxPacket, OutboxPacket

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def event_packet(node, event: dict, packet_id=None) -> tuple[uuid.UUID, bytes]:
    packet_id = packet_id or uuid.uuid4()
    body = json.dumps({"device_time": "2026-11-25T10:00:00+00:00", "actor": "", **event}).encode()
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    return packet_id, packets.build_packet(packet_id=packet_id, station_id=node.station.pk, kind=events.KIND_PRINT_EVENT, sealed_parts=sealed,
                                           private_key=node.private_key, created_at=packets_now())


def packets_now():
    from django.utils import timezone

    return timezone.now()


def pull_all(node) -> dict:
    seen, cursor = {s: [] for s in printing_sync.STREAMS}, ""
    while True:
        page = changes.build_changes(node.station, since=cursor)
        for stream, rows in page["printing"].items():
            seen[stream] += rows
        cursor = page["cursor"]
        if not page["more"]:
            return seen | {"cursor": cursor}


def test_the_pull_carries_request_statuses_jobs_and_stock(node, printing_office, print_ready, make_office):
    request = print_ready()
    seen = pull_all(node)
    assert [(r["id"], r["status"]) for r in seen["requests"]] == [(str(request.pk), S.PRINT_READY)]
    job = PrintJob.objects.get(request=request)
    assert [r["id"] for r in seen["jobs"]] == [str(job.pk)] and seen["jobs"][0]["chip_templates"]
    assert seen["stock"] == [{"id": printing_office.code, "quantity": 5}]
    again = changes.build_changes(node.station, since=seen["cursor"])
    assert all(rows == [] for rows in again["printing"].values())
    # A later change at the central comes after the cursor; the resident cursor still works.
    jobs.start_batch(printing_office)
    later = changes.build_changes(node.station, since=seen["cursor"])
    assert [r["status"] for r in later["printing"]["requests"]] == [S.PRINTING]
    assert [r["status"] for r in later["printing"]["jobs"]] == [JobStatus.PRINTING]
    assert changes.decode_cursor(later["cursor"])  # still a valid resident cursor


def test_a_printed_event_from_the_node_is_applied_exactly_once(node, printing_office, print_ready, django_capture_on_commit_callbacks):
    request = print_ready()
    job = PrintJob.objects.get(request=request)
    card_id = uuid.uuid4()
    packet_id, body = event_packet(node, {"type": "printed", "office": printing_office.code, "job": str(job.pk), "card": str(card_id),
                                          "serial": "NODE0001", "chip": {"applet": "KTP-el"}})
    for _ in range(3):  # delivered again after a lost acknowledgement
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(node.station, [body])
    assert InboxPacket.objects.get(pk=packet_id).state == InboxPacket.State.PROCESSED
    card = Card.objects.get()
    assert card.pk == card_id and card.serial == "NODE0001" and card.status == CardStatus.AT_OFFICE and card.last_event == packet_id
    assert BlangkoMovement.objects.filter(kind=MovementKind.CONSUMPTION).count() == 1 and stock.on_hand(printing_office) == 4
    request.refresh_from_db()
    assert request.status == S.AT_OFFICE
    assert list(request.events.values_list("to_status", flat=True))[-3:] == [S.PRINTING, S.PRINTED, S.AT_OFFICE]


def test_a_handover_event_and_a_bad_event_change_nothing_twice(node, printing_office, print_ready, never_fails, django_capture_on_commit_callbacks):
    request = print_ready()
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    bad_id, bad = event_packet(node, {"type": "handover", "serial": card.serial, "method": "signature", "reason": ""})
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(node.station, [bad])
    assert InboxPacket.objects.get(pk=bad_id).state == InboxPacket.State.FAILED
    assert "needs the reason" in InboxPacket.objects.get(pk=bad_id).state_detail
    good_id, good = event_packet(node, {"type": "handover", "serial": card.serial, "method": "signature", "reason": "jari luka"})
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(node.station, [good, good])
    request.refresh_from_db()
    assert request.status == S.PICKED_UP and InboxPacket.objects.get(pk=good_id).state == InboxPacket.State.PROCESSED


def test_on_the_node_an_action_becomes_an_event_packet_and_pending_rows_survive_a_pull(node, printing_office, print_ready, never_fails, settings):
    request = print_ready()
    job = PrintJob.objects.get(request=request)
    central_row = printing_sync._row("jobs", job)  # what the central says: queued
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    outbox = OutboxPacket.objects.get(kind=events.KIND_PRINT_EVENT)
    job.refresh_from_db()
    card.refresh_from_db()
    assert job.event_pending and job.last_event == outbox.id and card.event_pending
    # An older central copy (before the event was applied) does not undo the node's print.
    printing_sync.apply({"jobs": [central_row], "requests": [{"id": str(request.pk), "nik": request.nik, "office": request.office.code,
                                                              "kecamatan_code": request.kecamatan_code, "status": S.PRINT_READY,
                                                              "rejection_code": "", "rejection_reason": ""}]})
    job.refresh_from_db()
    request.refresh_from_db()
    assert job.status == JobStatus.PRINTED and request.status == S.AT_OFFICE
    # The central's copy naming the event confirms it.
    confirmed = central_row | {"status": JobStatus.PRINTED, "last_event": str(outbox.id)}
    printing_sync.apply({"jobs": [confirmed]})
    job.refresh_from_db()
    assert not job.event_pending and job.status == JobStatus.PRINTED


def test_a_job_waits_until_its_request_has_been_sent(node, printing_office, print_ready):
    first, second = print_ready(), print_ready()
    page = changes.build_changes(node.station, since="", limit=1)
    assert len(page["printing"]["requests"]) == 1 and page["printing"]["jobs"] == [] and page["more"]
    seen_requests, seen_jobs, cursor = [], [], ""
    while True:
        page = changes.build_changes(node.station, since=cursor, limit=1)
        seen_requests += [r["id"] for r in page["printing"]["requests"]]
        for job in page["printing"]["jobs"]:
            assert job["request"] in seen_requests  # never before its request
            seen_jobs.append(job["id"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert sorted(seen_requests) == sorted([str(first.pk), str(second.pk)]) and len(seen_jobs) == 2


def test_an_event_that_arrives_before_the_one_it_follows_waits_and_is_applied_after_it(node, printing_office, print_ready, django_capture_on_commit_callbacks):
    request = print_ready()
    job = PrintJob.objects.get(request=request)
    printed_id = uuid.uuid4()
    _, printed = event_packet(node, {"type": "printed", "job": str(job.pk), "card": str(uuid.uuid4()), "serial": "NODE0002", "chip": {}}, printed_id)
    handover_id, handover = event_packet(node, {"type": "handover", "serial": "NODE0002", "method": "signature", "reason": "jari luka",
                                                "after": [str(printed_id)]})
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(node.station, [handover])  # the handover overtook the print (another worker, a retried batch)
    waiting = InboxPacket.objects.get(pk=handover_id)
    assert waiting.state == InboxPacket.State.RECEIVED and waiting.state_detail == f"waiting for event {printed_id}"
    assert not Card.objects.exists()
    request.refresh_from_db()
    assert request.status == S.PRINT_READY
    assert applying.apply_pending() == 1 and InboxPacket.objects.get(pk=handover_id).state == InboxPacket.State.RECEIVED  # still waiting
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(node.station, [printed])
    assert InboxPacket.objects.get(pk=printed_id).state == InboxPacket.State.PROCESSED
    assert InboxPacket.objects.get(pk=handover_id).state == InboxPacket.State.PROCESSED
    request.refresh_from_db()
    assert request.status == S.PICKED_UP and Card.objects.get().status == CardStatus.PICKED_UP


def test_a_node_event_names_the_event_it_follows(node, printing_office, print_ready, settings):
    request = print_ready()
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    from adminduk.printing.printers import PrintResult, SimulatedCardPrinter

    class SpoilsFirst(SimulatedCardPrinter):
        def print_card(self, job, *, attempt):
            if attempt == 1:
                return PrintResult(False, spoilage_reason="misprint")
            return super().print_card(job, attempt=attempt)

    printer = SpoilsFirst(failure_rate=0)
    jobs.print_batch(jobs.start_batch(printing_office), printer=printer)
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=printer)["printed"][0]
    central = sealing.central_private_key()
    bodies = {json.loads(packets.parse_packet(bytes(p.body)).open_part("event", central))["type"]: (p.id, json.loads(packets.parse_packet(bytes(p.body)).open_part("event", central)))
              for p in OutboxPacket.objects.filter(kind=events.KIND_PRINT_EVENT)}
    spoiled_id, spoiled = bodies["print_spoiled"]
    assert spoiled["after"] == [] and bodies["printed"][1]["after"] == [str(spoiled_id)]
    assert card.request_id == request.pk


def test_each_step_of_the_lifecycle_is_audited_and_reaches_the_node(node, print_ready, dinas, make_staff, never_fails, client, settings):
    """print_ready → printing → printed → in_transit → at_office → picked_up at the central: after
    each step the pull carries the new status to Mantikulore's node, whose resident page shows it."""
    from django.utils import translation
    from django.utils.html import escape

    from adminduk.audit.models import AuditEntry
    from adminduk.printing.actions import pickup, shipments
    from adminduk.printing.choices import IdentityCheck

    from ..conftest import login_verified

    mantikulore = node.station.office
    stock.receive(dinas, 3, batch_number="B")
    request = print_ready()
    operator = make_staff("kecamatan_operator", offices=(mantikulore.kecamatan_id,))
    login_verified(client, operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    cursor = ""

    def reaches_the_node(status):
        nonlocal cursor
        rows = []
        while True:
            page = changes.build_changes(node.station, since=cursor)
            rows += [r for r in page["printing"]["requests"] if r["id"] == str(request.pk)]
            cursor = page["cursor"]
            if not page["more"]:
                break
        assert rows and rows[-1]["status"] == status, (status, rows)
        audited = AuditEntry.objects.filter(object_type="ktp_request", object_id=str(request.pk), details__to=status)
        assert audited.exists() or status == S.PRINT_READY, status
        settings.ROLE = "node"
        try:
            html = client.get(f"/penduduk/{request.nik}/").content.decode()
        finally:
            settings.ROLE = "central"
        with translation.override("id"):
            label = escape(str(S(status).label))
        assert f'badge-info">{label}<' in html, (status, label)

    reaches_the_node(S.PRINT_READY)
    batch = jobs.start_batch(dinas)
    reaches_the_node(S.PRINTING)
    card = jobs.print_batch(batch, printer=never_fails)["printed"][0]
    reaches_the_node(S.PRINTED)
    shipment = shipments.create_shipment(dinas, mantikulore)
    shipments.dispatch(shipment)
    reaches_the_node(S.IN_TRANSIT)
    shipments.receive_card(shipment, card.serial)
    shipments.close_receipt(shipment)
    reaches_the_node(S.AT_OFFICE)
    pickup.hand_over(Card.objects.get(pk=card.pk), method=IdentityCheck.SIGNATURE, office=mantikulore, reason="sidik jari aus")
    reaches_the_node(S.PICKED_UP)


def test_closing_a_receipt_on_the_node_follows_each_cards_receipt(node, print_ready, dinas, never_fails, settings):
    from adminduk.printing.actions import shipments

    stock.receive(dinas, 2, batch_number="B")
    print_ready()
    card = jobs.print_batch(jobs.start_batch(dinas), printer=never_fails)["printed"][0]
    shipment = shipments.create_shipment(dinas, node.station.office)
    shipments.dispatch(shipment)
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    shipments.receive_card(shipment, card.serial)
    shipments.close_receipt(shipment)
    central = sealing.central_private_key()
    sent = {}
    for packet in OutboxPacket.objects.filter(kind=events.KIND_PRINT_EVENT):
        body = json.loads(packets.parse_packet(bytes(packet.body)).open_part("event", central))
        sent[body["type"]] = (str(packet.id), body)
    assert sent["receipt_closed"][1]["after"] == [sent["received"][0]]
