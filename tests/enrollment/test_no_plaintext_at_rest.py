"""The node keeps no plaintext biometrics at rest: record residents on a real SQLite file
database (in a subprocess, as a node runs), then scan every file the node wrote for the image
bytes and template values of each capture. The scan is shown to catch a capture stored
unsealed in the very column captures live in."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RECORD_ON_FILE_DB = textwrap.dedent(
    """
    import json, os, sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from adminduk.enrollment import packets, sealing, synthetic
    from adminduk.sync.models import OutboxPacket
    synthetic.load_palu()
    operator = synthetic.make_operator()
    central = sealing.central_private_key()
    captures = []
    for i in (1, 2):
        session = synthetic.record(synthetic.make_resident(i), operator)
        packet = packets.parse_packet(bytes(OutboxPacket.objects.get(pk=session.packet_id).body))
        for part in packet.parts:
            if part.name != "demographics":
                c = packets.decode_capture(packet.open_part(part.name, central))
                captures.append({"name": part.name, "image": c.image.hex(), "template": c.template.hex(),
                                 "payload": packets.encode_capture(c).hex()})
    # One more resident left mid-recording: an open draft with sealed captures.
    from adminduk.enrollment import recording
    draft = recording.start_session(synthetic.make_resident(3).nik, user=operator)
    for slot in ("face", "finger_R1", "iris_L"):
        recording.capture(draft, slot, actor=operator)
    json.dump(captures, open(sys.argv[1], "w"))
    """
)

# File signatures of the image formats a capture could be stored in.
SIGNATURES = {
    "JPEG 2000": b"\x00\x00\x00\x0cjP  \r\n\x87\n",
    "JPEG 2000 codestream": b"\xff\x4f\xff\x51",
    "PNG": b"\x89PNG\r\n\x1a\n",
    "JPEG/JFIF": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "WSQ": b"\xff\xa0\xff\xa8",
}


def plaintext_found(blob: bytes, captures: list[dict]) -> list[str]:
    found = [name for name, signature in SIGNATURES.items() if signature in blob]
    for capture in captures:
        image = bytes.fromhex(capture["image"])
        middle = image[len(image) // 2 : len(image) // 2 + 48]
        if middle and middle in blob:
            found.append(f"{capture['name']} image bytes")
        template = bytes.fromhex(capture["template"])
        if template and template in blob:
            found.append(f"{capture['name']} template")
    return found


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("node")
    dump = tmp_path_factory.mktemp("dump") / "captures.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ADMINDUK_MODE="test", ADMINDUK_ROLE="node", ADMINDUK_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="adminduk.settings")
    subprocess.run([sys.executable, "-c", RECORD_ON_FILE_DB, str(dump)], env=env, check=True, timeout=240)
    return data_dir, json.loads(dump.read_text())


def node_files(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def test_no_image_or_template_in_any_file_the_node_wrote(node):
    data_dir, captures = node
    files = node_files(data_dir)
    assert "adminduk.sqlite3" in files and len(captures) == 28
    assert any(b"WARGA SINTETIS" in blob for blob in files.values())  # the scan reads the real data
    for name, blob in files.items():
        assert plaintext_found(blob, captures) == [], name


def test_the_scan_catches_a_capture_stored_unsealed(node, tmp_path):
    data_dir, captures = node
    copy = tmp_path / "leaky.sqlite3"
    for source in data_dir.glob("adminduk.sqlite3*"):
        shutil.copy(source, tmp_path / source.name.replace("adminduk", "leaky"))
    db = sqlite3.connect(copy)
    changed = db.execute("UPDATE enrollment_recordingcapture SET sealed = ? WHERE slot = 'finger_R1'", (bytes.fromhex(captures[1]["payload"]),)).rowcount
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert changed >= 1
    found = plaintext_found(copy.read_bytes(), captures)
    assert "JPEG 2000" in found and f"{captures[1]['name']} template" in found
