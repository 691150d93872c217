"""The whole path from print ready to the card in the holder's hand, at the central: routing,
batch printing with the blangko ledger, shipment and receipt, pickup; each step journaled and audited."""

import pytest

from adminduk.audit.models import AuditEntry
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing.actions import jobs, pickup, routing, shipments, stock
from adminduk.printing.choices import CardStatus, IdentityCheck, JobStatus, MovementKind, Priority
from adminduk.printing.errors import PrintingError
from adminduk.printing.models import BlangkoMovement, Card, PrintJob

pytestmark = pytest.mark.django_db


def steps(request):
    return list(request.events.order_by("at", "id").values_list("to_status", flat=True))


def test_print_ready_goes_to_the_dinas_queue_when_the_kecamatan_cannot_print(print_ready, dinas, mantikulore):
    request = print_ready()
    job = PrintJob.objects.get(request=request)
    assert job.office == dinas and job.deliver_to == mantikulore
    assert job.routing_reason == "Dinas: no active card printer"
    assert job.priority == Priority.FIRST_TIME and job.status == JobStatus.QUEUED
    # What the card carries was fixed at the central: fields, photo, signature, chip templates.
    assert job.card_fields["nik"] == request.nik and job.card_fields["berlaku_hingga"] == "SEUMUR HIDUP"
    assert bytes(job.photo).startswith(b"\xff\xd8") and bytes(job.signature).startswith(b"\xff\xd8")  # JPEG
    assert set(job.chip_templates) == {"finger_R1", "finger_R2"}


def test_print_ready_goes_to_the_kecamatan_with_printer_stock_operator_and_quota(print_ready, dinas, printing_office):
    job = PrintJob.objects.get(request=print_ready())
    assert job.office == printing_office and job.routing_reason == "printer, blangko, certified operator and quota"
    routing.set_quota(printing_office, 1)
    # Jobs routed do not use the quota; cards printed that day do.
    second = PrintJob.objects.get(request=print_ready())
    assert second.office == printing_office and routing.printed_today(printing_office) == 0


def test_the_daily_quota_counts_cards_printed_that_day(print_ready, dinas, printing_office, never_fails):
    routing.set_quota(printing_office, 2)
    queued = [PrintJob.objects.get(request=print_ready()) for _ in range(3)]
    assert {job.office for job in queued} == {printing_office}  # nothing printed yet: all three queued here
    batch = jobs.start_batch(printing_office)  # only as many as the quota has left today
    assert batch.jobs.count() == 2
    assert len(jobs.print_batch(batch, printer=never_fails)["printed"]) == 2
    assert routing.printed_today(printing_office) == 2 and routing.quota_left(printing_office) == 0
    with pytest.raises(PrintingError, match="daily quota of 2 cards"):
        jobs.start_batch(printing_office)
    assert PrintJob.objects.filter(office=printing_office, status=JobStatus.QUEUED).count() == 1
    assert PrintJob.objects.get(request=print_ready()).routing_reason == "Dinas: daily quota of 2 reached"
    routing.set_quota(printing_office, 3)  # the Dinas admin raises it: one more today
    assert jobs.start_batch(printing_office).jobs.count() == 1


def test_lifecycle_through_the_dinas_shipment_and_pickup(print_ready, dinas, mantikulore, make_staff, never_fails):
    printer_user = make_staff("print_operator", offices=("dinas",), certified=("printing",))
    stock.receive(dinas, 10, batch_number="B-1", serial_from="100", serial_to="109", actor=printer_user)
    request = print_ready()
    batch = jobs.start_batch(dinas, actor=printer_user)
    request.refresh_from_db()
    assert request.status == S.PRINTING
    result = jobs.print_batch(batch, actor=printer_user, printer=never_fails)
    card = result["printed"][0]
    request.refresh_from_db()
    assert request.status == S.PRINTED and card.status == CardStatus.PRINTED and card.print_number == 1
    assert stock.on_hand(dinas) == 9
    assert BlangkoMovement.objects.filter(office=dinas, kind=MovementKind.CONSUMPTION, card=card).count() == 1

    shipment = shipments.create_shipment(dinas, mantikulore, actor=printer_user)
    shipments.dispatch(shipment, actor=printer_user)
    request.refresh_from_db()
    assert request.status == S.IN_TRANSIT
    shipments.receive_card(shipment, card.serial.lower())
    shipments.close_receipt(shipment)
    request.refresh_from_db()
    assert request.status == S.AT_OFFICE and not shipment.discrepancies.exists()

    found = pickup.card_for_pickup(request.nik, mantikulore)
    check = pickup.check_fingerprint(found)
    assert check.passed
    pickup.hand_over(found, method=IdentityCheck.FINGERPRINT, office=mantikulore, check=check)
    request.refresh_from_db()
    assert request.status == S.PICKED_UP and request.siak_status == "CARD_ISSUED"
    assert steps(request)[-6:] == [S.PRINT_READY, S.PRINTING, S.PRINTED, S.IN_TRANSIT, S.AT_OFFICE, S.PICKED_UP]
    audited = set(AuditEntry.objects.filter(object_type="ktp_request", object_id=str(request.pk)).values_list("details__to", flat=True))
    assert {S.PRINTING, S.PRINTED, S.IN_TRANSIT, S.AT_OFFICE, S.PICKED_UP} <= audited


def test_printed_at_the_home_kecamatan_skips_transit(print_ready, printing_office, never_fails):
    request = print_ready()
    assert PrintJob.objects.get(request=request).office == printing_office
    batch = jobs.start_batch(printing_office, actor=printing_office.operator)
    card = jobs.print_batch(batch, printer=never_fails)["printed"][0]
    request.refresh_from_db()
    assert card.status == CardStatus.AT_OFFICE and request.status == S.AT_OFFICE
    pickup.hand_over(card, method=IdentityCheck.SIGNATURE, office=printing_office, reason="sidik jari aus (petani)")
    request.refresh_from_db()
    assert steps(request)[-5:] == [S.PRINT_READY, S.PRINTING, S.PRINTED, S.AT_OFFICE, S.PICKED_UP]


def test_a_spoiled_print_consumes_a_blank_and_the_request_is_printed_again(print_ready, printing_office):
    class FailsOnce:
        calls = 0

        def print_card(self, job, *, attempt):
            from adminduk.printing.printers import PrintResult

            FailsOnce.calls += 1
            if attempt == 1:
                return PrintResult(False, spoilage_reason="chip_failure")
            return PrintResult(True, chip_serial=f"OK{job.pk.hex[:10]}".upper())

    request = print_ready()
    result = jobs.print_batch(jobs.start_batch(printing_office), printer=FailsOnce())
    assert result["spoiled"] == 1 and not result["printed"]
    request.refresh_from_db()
    assert request.status == S.PRINT_READY and stock.on_hand(printing_office) == 4
    spoilage = BlangkoMovement.objects.get(office=printing_office, kind=MovementKind.SPOILAGE)
    assert spoilage.spoilage_reason == "chip_failure" and spoilage.quantity == -1
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=FailsOnce())["printed"][0]
    assert card.job.attempts == 2 and stock.on_hand(printing_office) == 3


def test_printing_a_request_that_is_not_print_ready_is_refused(print_ready, printing_office, never_fails):
    request = print_ready()
    batch = jobs.start_batch(printing_office)
    card = jobs.print_batch(batch, printer=never_fails)["printed"][0]
    job = card.job
    with pytest.raises(PrintingError, match="not being printed"):
        jobs.record_print(job, ok=True, serial="SECOND-CARD")
    with pytest.raises(PrintingError, match="No queued card"):
        jobs.start_batch(printing_office)
    with pytest.raises(PrintingError, match="Only a print-ready request"):
        request.refresh_from_db()
        job.status = JobStatus.CANCELLED
        job.save()
        routing.route(request)
    assert Card.objects.filter(request=request).count() == 1 and stock.on_hand(printing_office) == 4


def test_pickup_with_a_failing_fingerprint_and_no_reason_is_refused(print_ready, printing_office, never_fails):
    request = print_ready()
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    impostor = pickup.check_fingerprint(card, subject="someone-else")
    assert not impostor.passed
    with pytest.raises(PrintingError, match="does not match"):
        pickup.hand_over(card, method=IdentityCheck.FINGERPRINT, office=printing_office, check=impostor)
    with pytest.raises(PrintingError, match="needs the reason"):
        pickup.hand_over(card, method=IdentityCheck.SIGNATURE, office=printing_office, reason="  ")
    card.refresh_from_db()
    request.refresh_from_db()
    assert card.status == CardStatus.AT_OFFICE and request.status == S.AT_OFFICE


def test_replacement_invalidates_the_old_card_and_keeps_the_print_count(print_ready, printing_office, never_fails):
    request = print_ready()
    card = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    pickup.hand_over(card, method=IdentityCheck.SIGNATURE, office=printing_office, reason="jari terluka")
    job = jobs.replace_card(request.nik, "hilang (lost)")
    card.refresh_from_db()
    assert card.status == CardStatus.INVALIDATED and job.priority == Priority.REPLACEMENT
    second = jobs.print_batch(jobs.start_batch(printing_office), printer=never_fails)["printed"][0]
    assert second.print_number == 2 and second.request != request
    assert bytes(second.job.photo) == bytes(card.job.photo)


def test_a_supervisor_reroutes_with_a_reason_and_urgent_cases_go_first(print_ready, dinas, printing_office, make_staff):
    supervisor = make_staff("supervisor", offices=("dinas",))
    first, second = (PrintJob.objects.get(request=print_ready()) for _ in range(2))
    assert list(jobs.queue_of(printing_office)) == [first, second]  # first-time recordings in order of arrival
    with pytest.raises(PrintingError, match="reason for the re-routing"):
        routing.reroute(second, dinas, reason="  ", actor=supervisor)
    second.refresh_from_db()
    assert second.office == printing_office and second.priority == Priority.FIRST_TIME
    routing.reroute(second, printing_office, reason="pemohon sakit, perlu segera", actor=supervisor, urgent=True)
    assert list(jobs.queue_of(printing_office)) == [second, first]  # the urgent case goes first
    moved = routing.reroute(first, dinas, reason="printer kecamatan rusak", actor=supervisor)
    assert moved.office == dinas and "printer kecamatan rusak" in moved.routing_reason
    entry = AuditEntry.objects.filter(object_type="print_job", object_id=str(first.pk), action="update").latest("id")
    assert entry.details["from"] == printing_office.code and entry.details["to"] == dinas.code and entry.details["reason"] == "printer kecamatan rusak"
