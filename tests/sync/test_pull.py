"""Pull: residents of the node's kecamatan page by page, the office's staff and stations, and
idempotent application on the node."""

import uuid

import pytest

from adminduk.accounts import stations
from adminduk.accounts.models import Station, User
from adminduk.population import actions
from adminduk.population.models import Resident
from adminduk.sync import changes
from adminduk.sync.models import NodeHeartbeat, NodeState

pytestmark = pytest.mark.django_db


def test_pages_cover_the_kecamatan_exactly_once(node, make_resident):
    mine = {make_resident(kelurahan="72.71.08.1004").nik for _ in range(7)}
    make_resident(kelurahan="72.71.06.1001")  # Tatanga: not this node's business
    seen, cursor, pages = [], "", 0
    while True:
        page = changes.build_changes(node.station, since=cursor, limit=3)
        seen += [row["nik"] for row in page["residents"]]
        cursor, pages = page["cursor"], pages + 1
        if not page["more"]:
            break
    assert sorted(seen) == sorted(mine) and pages == 3
    assert changes.build_changes(node.station, since=cursor)["residents"] == []
    # A correction at the central comes again after the cursor.
    resident = Resident.objects.get(nik=sorted(mine)[0])
    actions.correct_resident(resident, {"rt": "009"}, reason="typo in RT")
    again = changes.build_changes(node.station, since=cursor)["residents"]
    assert [(r["nik"], r["rt"]) for r in again] == [(resident.nik, "009")]


def test_recent_rows_wait_for_the_horizon(node, make_resident, settings):
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = 3600
    make_resident()
    assert changes.build_changes(node.station, since="")["residents"] == []


def test_bad_cursor_is_refused_with_a_reason(node):
    response = node.client.request("GET", "/changes", params={"since": "not-a-cursor"})
    assert response.status_code == 400 and "bad_cursor" in response.json()["detail"]
    assert NodeState.objects.get().cursor == ""


@pytest.mark.parametrize(
    "part",
    [
        {"c": {"x": 1}},  # civil's position is one [time, id]
        {"p": {"jobs": 5}},  # printing's are [time, id] per stream
        {"p": ["2026-12-01T00:00:00+00:00", "x"]},
        {"a": {"bookings": ["2026-12-01T00:00:00", str(uuid.UUID(int=1))]}},  # a time without its offset
        {"x": ["2026-12-01T00:00:00+00:00", "not-a-uuid"]},
    ],
)
def test_a_cursor_with_a_forged_stream_part_is_refused_with_a_reason(node, part):
    import base64
    import json

    real = changes.build_changes(node.station, since="")["cursor"]
    data = json.loads(base64.urlsafe_b64decode(real)) | part
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    response = node.client.request("GET", "/changes", params={"since": forged})
    assert response.status_code == 400 and "bad_cursor" in response.json()["detail"]
    assert NodeState.objects.get().cursor == ""


def test_node_pull_applies_pages_and_stores_the_cursor(node, make_resident, make_staff):
    for _ in range(4):
        make_resident()
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    make_staff("kecamatan_operator", offices=("72.71.06",))  # another office: not sent
    outcome = node.client.sync(push=False)
    state = NodeState.objects.get()
    assert outcome.pulled_residents == 4 and outcome.master_updated
    assert state.cursor and state.master_digest and state.synced_usernames == [operator.username]
    assert NodeHeartbeat.objects.get(station=node.station).last_pull_at
    # The snapshot is not sent again while it is unchanged. (Residents would come again here
    # only because node and central share this test database and the node rewrote them.)
    page = changes.build_changes(node.station, since=state.cursor, master_digest=state.master_digest)
    assert "master" not in page


def test_apply_is_idempotent_and_upserts_by_nik(node, make_resident):
    resident = make_resident()
    row = changes.resident_row(resident)
    fresh = dict(row, id=str(uuid.uuid4()), nik=resident.nik[:-4] + "9999", full_name="WARGA BARU")
    page = {"cursor": "c1", "residents": [row, fresh], "master_digest": ""}
    NodeState.objects.get_or_create(pk=1)
    assert changes.apply_page(page)["residents"] == 2
    assert changes.apply_page(page)["residents"] == 2
    assert Resident.objects.filter(nik=fresh["nik"]).count() == 1
    assert str(Resident.objects.get(nik=fresh["nik"]).pk) == fresh["id"]  # same UUID as the central
    changes.apply_page({"cursor": "c2", "residents": [dict(fresh, full_name="WARGA BARU DIGANTI")], "master_digest": ""})
    assert Resident.objects.get(nik=fresh["nik"]).full_name == "WARGA BARU DIGANTI"
    assert NodeState.objects.get().cursor == "c2"


def test_a_failing_page_changes_nothing(node, make_resident):
    resident = make_resident()
    NodeState.objects.filter(pk=1).update(cursor="before")
    broken = dict(changes.resident_row(resident), nik="7271089999990001", id=str(uuid.uuid4()), kelurahan_id="99.99.99.9999")
    with pytest.raises(changes.PageError, match="99.99.99.9999"):
        changes.apply_page({"cursor": "after", "residents": [broken], "master_digest": ""})
    assert NodeState.objects.get().cursor == "before"
    assert not Resident.objects.filter(nik="7271089999990001").exists()


def test_master_snapshot_carries_login_data_revocations_and_drops(node, make_staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    snapshot = changes.master_snapshot(node.station.office)
    (user,) = snapshot["users"]
    assert user["username"] == operator.username and user["password"] == operator.password
    assert user["totp"][0]["key"] == TOTPDevice.objects.get(user=operator).bin_key.hex()
    assert user["certifications"][0]["kind"] == "recording"
    recorder = stations.register_station(
        office=node.station.office, name="rekam-1", kind=Station.Kind.RECORDING_STATION, public_key=stations.generate_keypair().public_b64
    )
    stations.revoke_station(recorder, reason="lost")
    snapshot = changes.master_snapshot(node.station.office)
    assert {s["name"]: s["revocation_reason"] for s in snapshot["stations"]} == {"node-mantikulore": "", "rekam-1": "lost"}
    # Applying on the node: the operator can log in there; once dropped, no longer.
    NodeState.objects.get_or_create(pk=1)
    changes.apply_page({"cursor": "", "residents": [], "master_digest": "d1", "master": snapshot})
    assert User.objects.get(username=operator.username).check_password("kata-sandi-uji-2026")
    changes.apply_page({"cursor": "", "residents": [], "master_digest": "d2", "master": dict(snapshot, users=[])})
    assert not User.objects.get(username=operator.username).is_active


def test_a_resident_who_moves_away_reaches_the_node_with_the_new_address(node, make_resident):
    """Otherwise the old kecamatan's node would keep showing them as living there."""
    import datetime as dt

    from adminduk.regions.models import Kelurahan

    leaving = make_resident(kelurahan="72.71.08.1004")
    cursor = changes.build_changes(node.station, since="")["cursor"]
    actions.move_resident(
        leaving, kelurahan=Kelurahan.objects.get(code="72.71.01.1004"), rw="001", rt="002",
        address="JL. BARU NO. 1", moved_on=dt.date(2026, 11, 20), reason="pindah ke Palu Timur",
    )
    page = changes.build_changes(node.station, since=cursor)
    assert [(r["nik"], r["kelurahan_id"]) for r in page["residents"]] == [(leaving.nik, "72.71.01.1004")]
    # Residents who never lived here are still not sent.
    make_resident(kelurahan="72.71.06.1001")
    assert changes.build_changes(node.station, since=page["cursor"])["residents"] == []


def test_an_address_corrected_to_another_kecamatan_reaches_the_old_node_and_hides_the_resident(node, make_resident, make_staff):
    """Issue 9 item 1: the edit form and the admin correct the kelurahan through correct_resident;
    the old office's node must follow it like a move, so its operators stop seeing the resident."""
    from adminduk.accounts.scoping import residents_for
    from adminduk.population.models import Resident, ResidentEvent
    from adminduk.regions.models import Kelurahan

    leaving = make_resident(kelurahan="72.71.08.1004")
    first = changes.build_changes(node.station, since="")
    event = actions.correct_resident(leaving, {"kelurahan": Kelurahan.objects.get(code="72.71.02.1002")}, reason="alamat salah")
    assert event.kind == ResidentEvent.Kind.MOVED
    page = changes.build_changes(node.station, since=first["cursor"])
    assert [(r["nik"], r["kelurahan_id"]) for r in page["residents"]] == [(leaving.nik, "72.71.02.1002")]
    # On the node: the page moves the resident out of the office's jurisdiction.
    operator = make_staff("kecamatan_operator", offices=("72.71.08",))
    Resident.objects.filter(pk=leaving.pk).update(kelurahan_id="72.71.08.1004")  # the node's stale copy
    assert residents_for(operator).filter(pk=leaving.pk).exists()
    NodeState.objects.get_or_create(pk=1)
    changes.apply_page(page)
    assert not residents_for(operator).filter(pk=leaving.pk).exists()


def test_an_old_address_correction_is_followed_too(node, make_resident):
    """Corrections recorded before they counted as moves still carry the old kelurahan: the
    migration that introduced FormerArea (population 0007) finds them in the history."""
    from importlib import import_module

    from django.apps import apps

    from adminduk.population.models import ResidentEvent

    leaving = make_resident(kelurahan="72.71.08.1004")
    cursor = changes.build_changes(node.station, since="")["cursor"]
    ResidentEvent.objects.create(
        resident=leaving, kind=ResidentEvent.Kind.CORRECTED, occurred_on=leaving.birth_date,
        changes={"kelurahan": ["72.71.08.1004", "72.71.02.1002"]}, reason="data lama",
    )  # fmt: skip
    leaving.kelurahan_id = "72.71.02.1002"
    leaving.save()
    import_module("adminduk.population.migrations.0007_former_areas_from_history").forward(apps, None)
    assert [r["nik"] for r in changes.build_changes(node.station, since=cursor)["residents"]] == [leaving.nik]


def test_a_death_reaches_the_node(node, make_resident):
    import datetime as dt

    dying = make_resident(kelurahan="72.71.08.1004")
    cursor = changes.build_changes(node.station, since="")["cursor"]
    actions.record_death(dying, died_on=dt.date(2026, 11, 1))
    rows = changes.build_changes(node.station, since=cursor)["residents"]
    assert [(r["nik"], r["life_status"]) for r in rows] == [(dying.nik, "mati")]


def test_a_resident_who_moved_out_of_the_kota_is_applied_with_the_new_village(node, make_resident):
    """The node loads only its own kota's villages; a resident who left the kota must still
    reach it (and leave its jurisdiction) instead of blocking the pull for ever."""
    from adminduk.regions.models import Kelurahan

    resident = make_resident()
    NodeState.objects.get_or_create(pk=1)
    assert not Kelurahan.objects.filter(code="72.03.04.2001").exists()
    row = dict(changes.resident_row(resident), kelurahan_id="72.03.04.2001")
    changes.apply_page({"cursor": "after", "residents": [row], "master_digest": ""})
    resident.refresh_from_db()
    assert resident.kelurahan_id == "72.03.04.2001" and resident.kelurahan.kecamatan.regency_id == "72.03"
