"""Run inside a central's or node's environment (own DATABASE_URL, DATA_DIR, keys):

    python tests/faults/scripts.py setup-central KOTA OFFICE NODE_PUBLIC_KEY_FILE
        → loads regions, creates the office, registers the node's station; prints
          "station=<id>" and "central_key=<base64>"
    python tests/faults/scripts.py make-packets COUNT [SKEW_SECONDS]
        → seals COUNT small synthetic packets into the node's outbox, signed by its station key
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
    elif command == "count-node":
        count_node()
    elif command == "node-with-clock-skew":
        node_with_clock_skew(float(rest[0]), rest[1:])
    else:
        raise SystemExit(__doc__)
