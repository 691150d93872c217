"""Upgrades: a database populated at the previous release's schema (the newest checked-in record
in adminduk/ops/releases/, written when the release was tagged) migrates to this code's head
with its data intact. Runs on SQLite and on PostgreSQL, on a clone without git tags."""

import datetime as dt
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from adminduk.ops import releases

pytestmark = pytest.mark.django_db(transaction=True)

NIK = "7271085708450001"


def test_every_release_names_migrations_that_still_exist():
    """A released migration is never deleted, renamed or squashed away: installations sit on it."""
    executor = MigrationExecutor(connection)
    versions = releases.recorded_versions()
    assert versions, "no release recorded"
    for version in versions:
        for app, name in releases.load_release(version).items():
            assert (app, name) in executor.loader.graph.nodes, f"release {version}: {app}.{name} no longer exists"


def test_the_release_record_names_only_apps_that_still_have_migrations():
    """Apps added since the release start from nothing in the upgrade; none may disappear."""
    previous = releases.load_release(releases.previous_release())
    assert set(previous) <= set(releases.current_heads()), "an app of the previous release lost its migrations"


def populate(apps):
    """A small Dinas at the release's schema, written through that release's (historical) models."""
    Province, Regency = apps.get_model("regions", "Province"), apps.get_model("regions", "Regency")
    Kecamatan, Kelurahan = apps.get_model("regions", "Kecamatan"), apps.get_model("regions", "Kelurahan")
    province = Province.objects.create(code="72", name="SULAWESI TENGAH")
    regency = Regency.objects.create(code="72.71", name="KOTA PALU", province=province)
    kecamatan = Kecamatan.objects.create(code="72.71.08", name="MANTIKULORE", regency=regency)
    kelurahan = Kelurahan.objects.create(code="72.71.08.1004", name="TANAMODINDI", kecamatan=kecamatan)
    office = apps.get_model("offices", "Office").objects.create(
        code="palu-mantikulore", name="Kantor Camat Mantikulore", kind="kecamatan", regency=regency, kecamatan=kecamatan
    )
    user = apps.get_model("accounts", "User").objects.create(username="op.mantikulore", role="kecamatan_operator", password="!")
    apps.get_model("accounts", "OfficeAssignment").objects.create(user=user, office=office)
    resident = apps.get_model("population", "Resident").objects.create(
        nik=NIK, full_name="SITI RAHMAWATI", birth_place="PALU", birth_date=dt.date(1945, 8, 17), sex="P", religion="islam",
        marital_status="kawin", occupation="wiraswasta", education="slta", kelurahan=kelurahan, rw="002", rt="003",
        address="JL. SOEKARNO HATTA NO. 5",
    )
    family = apps.get_model("population", "Family").objects.create(
        kk_number="7271080101200001", kelurahan=kelurahan, rw="002", rt="003", address="JL. SOEKARNO HATTA NO. 5", issued_on=dt.date(2020, 1, 1)
    )
    apps.get_model("population", "FamilyMember").objects.create(family=family, resident=resident, relationship=1)
    station = apps.get_model("accounts", "Station").objects.create(
        name="node-mantikulore", kind="node", office=office, public_key="A" * 43 + "=", fingerprint="f" * 64
    )
    packet = uuid.uuid4()
    apps.get_model("sync", "OutboxPacket").objects.create(id=packet, kind="recording", body=b"sealed", size=6, sha256="0" * 64)
    apps.get_model("sync", "InboxPacket").objects.create(
        id=packet, station=station, kind="recording", body=b"sealed", size=6, sha256="0" * 64, device_time=dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    )
    return {"station": station.pk, "packet": packet, "resident": resident.pk}


def applied_leaves(executor) -> list[tuple[str, str]]:
    applied = set(executor.loader.applied_migrations)
    graph = executor.loader.graph
    return sorted(n for n in applied if n in graph.nodes and not any(c.key in applied for c in graph.node_map[n].children))


@pytest.mark.parametrize("release_of", ["previous release", "population one step back"])
def test_a_populated_database_upgrades_from_the_previous_release(release_of):
    """'population one step back' (the population app's last migration and all that depends on
    it unapplied) proves the test really migrates down and up with data while the previous
    release is still the head."""
    executor = MigrationExecutor(connection)
    head = sorted(executor.loader.graph.leaf_nodes())
    (population_head,) = [n for n in head if n[0] == "population"]
    if release_of == "previous release":
        targets = sorted(releases.load_release(releases.previous_release()).items())
    else:
        targets = [next(p for p in executor.loader.graph.node_map[population_head].parents if p.key[0] == "population").key]
    try:
        executor.migrate(targets)  # back to the release's schema (a no-op while the release is the head)
        executor = MigrationExecutor(connection)
        state = applied_leaves(executor)
        if release_of != "previous release":
            applied = executor.loader.applied_migrations
            assert ("population", targets[0][1]) in applied and population_head not in applied and executor.migration_plan(head)
        made = populate(executor.loader.project_state(state).apps)
        executor = MigrationExecutor(connection)
        executor.migrate(head)
    finally:
        call_command("migrate", verbosity=0)  # whatever happened, the next tests get the head

    from adminduk.accounts.models import Station, User
    from adminduk.population.models import Family, Resident
    from adminduk.sync.models import InboxPacket, OutboxPacket

    resident = Resident.objects.get(nik=NIK)
    assert resident.pk == made["resident"] and resident.full_name == "SITI RAHMAWATI" and resident.kelurahan_id == "72.71.08.1004"
    assert Family.objects.get(kk_number="7271080101200001").members.get().resident_id == resident.pk
    assert User.objects.get(username="op.mantikulore").offices.get().code == "palu-mantikulore"
    assert Station.objects.get(pk=made["station"]).office.code == "palu-mantikulore"
    assert bytes(OutboxPacket.objects.get(pk=made["packet"]).body) == b"sealed"
    assert InboxPacket.objects.get(pk=made["packet"]).station_id == made["station"]


def test_recording_a_release(tmp_path, monkeypatch):
    monkeypatch.setattr(releases, "RELEASES_DIR", tmp_path)
    path = releases.record_release("9.8.7", directory=tmp_path)
    assert json.loads(path.read_text())["migrations"] == releases.current_heads()
    assert releases.previous_release(tmp_path) == "9.8.7"
    with pytest.raises(FileExistsError):
        releases.record_release("9.8.7", directory=tmp_path)
    with pytest.raises(ValueError):
        releases.record_release("v10", directory=tmp_path)
