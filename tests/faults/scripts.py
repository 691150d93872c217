"""Run inside a central's or node's environment (own DATABASE_URL, DATA_DIR, keys):

    python tests/faults/scripts.py setup-central KOTA OFFICE NODE_PUBLIC_KEY_FILE
        → loads regions, creates the office, registers the node's station; prints
          "station=<id>" and "central_key=<base64>"
    python tests/faults/scripts.py make-packets COUNT [SKEW_SECONDS]
        → seals COUNT small synthetic packets into the node's outbox, signed by its station key
    python tests/faults/scripts.py setup-printing COUNT
        → (central) a printing Mantikulore and COUNT recordings through the pipeline to its queue
    python tests/faults/scripts.py print-offline FAILURE_RATE
        → (node) print every queued card offline; prints JSON {printed, spoiled, stock}
    python tests/faults/scripts.py apply-print-events
        → (central) apply stored print events not applied yet (what the periodic task does)
    python tests/faults/scripts.py count-node
        → prints JSON {pending, delivered, rejected, ids_sha256}
    python tests/faults/scripts.py node-with-clock-skew SECONDS ARGS...
        → runs `adminduk ARGS...` with the node's clock shifted by SECONDS
"""

import hashlib
import json
import sys
import time


def setup():
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()


def setup_central(kota, office_code, public_key_file):
    setup()
    from adminduk.accounts import stations
    from adminduk.accounts.models import Station
    from adminduk.enrollment import sealing
    from adminduk.offices.models import Office
    from adminduk.regions import codes, services
    from adminduk.regions.models import Kecamatan

    rows = [r for r in codes.shipped_region_rows() if r.code in (kota[:2], kota) or r.code.startswith(kota + ".")]
    services.load_regions(rows, villages_under=kota)
    kecamatan = Kecamatan.objects.get(code=kota + ".08")
    office, _ = Office.objects.get_or_create(
        code=office_code, defaults={"name": f"Kantor Camat {kecamatan.name}", "kind": "kecamatan", "regency_id": kota, "kecamatan": kecamatan}
    )
    public = open(public_key_file).read().strip()
    station = Station.objects.filter(public_key=public).first() or stations.register_station(
        office=office, name="node-fault-test", kind=Station.Kind.NODE, public_key=public
    )
    print(f"station={station.pk}")
    print(f"central_key={sealing.public_key_b64(sealing.central_public_key())}")


def make_packets(count, skew=0.0, size=0):
    setup()
    import datetime as dt
    import os
    import uuid

    from adminduk.accounts.stations import load_private_key
    from adminduk.enrollment import packets, sealing
    from adminduk.sync import client
    from adminduk.sync.models import NodeState, OutboxPacket

    state = NodeState.objects.get(pk=1)
    key = load_private_key(client.key_path())
    central = sealing.central_public_key()
    rows = []
    for index in range(count):
        packet_id = uuid.uuid4()
        created = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=skew)
        plaintext = os.urandom(size) if size else json.dumps({"n": index}).encode()
        part = packets.seal_part(packet_id, "demographics", plaintext, central)
        body = packets.build_packet(
            packet_id=packet_id, station_id=state.station_id, kind=packets.KIND_RECORDING, sealed_parts={"demographics": part},
            private_key=key, created_at=created,
        )
        rows.append(OutboxPacket(id=packet_id, kind=packets.KIND_RECORDING, body=body, size=len(body), sha256=hashlib.sha256(body).hexdigest()))
    OutboxPacket.objects.bulk_create(rows, batch_size=1000)
    print(f"made={count}")


def setup_printing(count):
    """At the central: Mantikulore can print (printer, blangko, a certified print operator,
    quota), and `count` residents recorded there go through the real pipeline to print ready,
    which routes their jobs to Mantikulore."""
    setup()
    import datetime as dt

    from django.utils import timezone

    from adminduk.accounts.models import Certification, OfficeAssignment, User
    from adminduk.accounts.stations import generate_keypair, register_station
    from adminduk.enrollment.synthetic import make_resident
    from adminduk.offices import actions as office_actions
    from adminduk.offices.models import Office
    from adminduk.printing.actions import routing, stock
    from adminduk.printing.models import PrintJob
    from adminduk.processing import pipeline
    from tests.processing import helpers

    office = Office.objects.get(code="palu-mantikulore")
    office_actions.add_equipment(office, "card_printer", "FAULT-PRINTER-1", label="Printer")
    # print-offline spoils every fourth attempt and the simulator's dice about a third of the
    # rest: 12 good cards take about 23 blanks, so twice the cards ran out now and then.
    stock.receive(office, count * 4, batch_number="FAULT-B1")
    user = User.objects.create_user("printer.fault", password=None, role="print_operator")
    OfficeAssignment.objects.create(user=user, office=office)
    today = timezone.localdate()
    Certification.objects.create(user=user, kind="printing", certificate_number="FAULT-1", trained_on=today - dt.timedelta(days=10), valid_until=today + dt.timedelta(days=300))
    routing.set_quota(office, count * 2)
    station = register_station(office=office, name="recording-fault", kind="recording_station", public_key=generate_keypair().public_b64)
    for index in range(count):
        resident = make_resident(index + 1)
        data = helpers.demographics(nik=resident.nik, full_name=resident.full_name, sex=resident.sex, birth_date=resident.birth_date.isoformat(),
                                    mother_name=resident.mother_name)
        packet_id, body = helpers.build(station, data, helpers.capture_parts(resident.nik, seed=index + 1))
        helpers.store(station, body, packet_id)
        pipeline.process_packet(packet_id)
    print(f"jobs={PrintJob.objects.filter(office=office).count()}")


def print_offline(failure_rate):
    """On the node, with no link to the central: print everything queued, spoiling some."""
    setup()
    from adminduk.accounts.models import User
    from adminduk.offices.models import Office
    from adminduk.printing.actions import jobs, stock
    from adminduk.printing.errors import PrintingError
    from adminduk.printing.printers import PrintResult, SimulatedCardPrinter

    class SpoilsEveryFourth(SimulatedCardPrinter):
        """The simulator at `failure_rate`, and at least every fourth card spoiled, so a run
        always has spoilage to deliver (the simulator's own dice may roll none in 12 cards)."""

        calls = 0

        def print_card(self, job, *, attempt):
            SpoilsEveryFourth.calls += 1
            if SpoilsEveryFourth.calls % 4 == 1:
                return PrintResult(False, spoilage_reason="chip_failure", message="simulated chip failure")
            return super().print_card(job, attempt=attempt)

    office, user = Office.objects.get(code="palu-mantikulore"), User.objects.get(username="printer.fault")
    printer, printed, spoiled = SpoilsEveryFourth(failure_rate), 0, 0
    for _round in range(20):
        try:
            batch = jobs.start_batch(office, actor=user)
        except PrintingError:
            break
        result = jobs.print_batch(batch, actor=user, printer=printer)
        printed, spoiled = printed + len(result["printed"]), spoiled + result["spoiled"]
    print(json.dumps({"printed": printed, "spoiled": spoiled, "stock": stock.on_hand(office)}))


def apply_print_events():
    setup()
    from adminduk.printing.applying import apply_pending

    print(f"applied={apply_pending()}")


def count_node():
    setup()
    from adminduk.sync.models import OutboxPacket

    counts = {s: OutboxPacket.objects.filter(state=s).count() for s in ("pending", "delivered", "rejected")}
    ids = sorted(str(i) for i in OutboxPacket.objects.values_list("pk", flat=True))
    counts["ids_sha256"] = hashlib.sha256("\n".join(ids).encode()).hexdigest()
    print(json.dumps(counts))


def node_with_clock_skew(seconds, args):
    real = time.time
    time.time = lambda: real() + seconds  # before adminduk is imported: the sync client's clock
    from adminduk.cli import main

    main(["adminduk", *args])


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "setup-central":
        setup_central(*rest)
    elif command == "make-packets":
        make_packets(int(rest[0]), float(rest[1]) if len(rest) > 1 else 0.0)
    elif command == "make-packets-sized":
        make_packets(int(rest[0]), 0.0, int(rest[1]))
    elif command == "setup-printing":
        setup_printing(int(rest[0]))
    elif command == "print-offline":
        print_offline(float(rest[0]))
    elif command == "apply-print-events":
        apply_print_events()
    elif command == "count-node":
        count_node()
    elif command == "node-with-clock-skew":
        node_with_clock_skew(float(rest[0]), rest[1:])
    else:
        raise SystemExit(__doc__)
