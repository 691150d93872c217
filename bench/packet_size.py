"""Biometric payload per recording packet: face, 10 fingerprints, 2 irises and the signature,
as sealed in the packet (compressed image + 128-byte template + metadata + 60 bytes of sealing
per part). Target: at most 60 KB per packet.

Compressions (see enrollment/devices/simulator.py): JPEG 2000 for the face (ISO/IEC 19794-5),
fingerprints (ISO/IEC 19794-4 allows JPEG 2000; no maintained WSQ encoder is on PyPI) and irises
(ISO/IEC 19794-6), PNG bilevel for the signature.

    .venv/bin/python bench/packet_size.py [N]      (default N = 20 residents)

Runs on a throwaway SQLite database in a temporary directory.
"""

import os
import statistics
import sys
import tempfile
import time

TARGET_BYTES = 60 * 1024


def main(n: int) -> int:
    data_dir = tempfile.mkdtemp(prefix="adminduk-bench-")
    os.environ["ADMINDUK_MODE"] = "test"
    os.environ["ADMINDUK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from adminduk.enrollment import packets, synthetic
    from adminduk.enrollment.slots import BY_NAME
    from adminduk.sync.models import OutboxPacket

    call_command("migrate", verbosity=0)
    synthetic.load_palu()
    operator = synthetic.make_operator()
    by_modality: dict[str, list[int]] = {}
    totals, packet_sizes, seconds = [], [], []
    for i in range(1, n + 1):
        resident = synthetic.make_resident(i)
        started = time.perf_counter()
        session = synthetic.record(resident, operator)
        seconds.append(time.perf_counter() - started)
        body = bytes(OutboxPacket.objects.get(pk=session.packet_id).body)
        parts = {p.name: p.size for p in packets.parse_packet(body).parts if p.name != "demographics"}
        per_modality: dict[str, int] = {}
        for name, size in parts.items():
            modality = BY_NAME[name].modality
            per_modality[modality] = per_modality.get(modality, 0) + size
        for modality, size in per_modality.items():
            by_modality.setdefault(modality, []).append(size)
        totals.append(sum(parts.values()))
        packet_sizes.append(len(body))

    def row(label, values):
        return f"{label:<28}{min(values):>9,}{statistics.mean(values):>11,.0f}{max(values):>9,}"

    print(f"Biometric payload per packet, {n} simulated recordings (bytes, sealed)")
    print(f"{'':<28}{'min':>9}{'mean':>11}{'max':>9}")
    for modality in ("face", "finger", "iris", "signature"):
        count = {"face": 1, "finger": 10, "iris": 2, "signature": 1}[modality]
        print(row(f"{modality} ({count} part{'s' if count > 1 else ''})", by_modality[modality]))
    print(row("biometric payload total", totals))
    print(row("whole packet", packet_sizes))
    print(f"target: at most {TARGET_BYTES:,} bytes (60 KB) of biometric payload -> {'MET' if max(totals) <= TARGET_BYTES else 'NOT MET'}")
    print(f"recording time (capture x14, seal, sign, store): mean {statistics.mean(seconds):.2f} s, max {max(seconds):.2f} s")
    return 0 if max(totals) <= TARGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
