"""KK in the pull: the node gets the family cards of its residents (with only its residents on
them), every later KK and supersession, and the KK of a resident who moves in; applying is an
idempotent upsert that replaces the member list, in the page's transaction.

Node and central share the test database here, so a node-side check first collects the pages
the central sends, then removes the KK rows (the node as it was before KK travelled: residents,
no KK) and applies the pages."""

import base64
import datetime as dt
import json
import uuid

import pytest

from adminduk.audit.models import AuditEntry
from adminduk.population import actions
from adminduk.population.choices import Relationship
from adminduk.population.models import Family, FamilyMember, Resident
from adminduk.regions.models import Kelurahan
from adminduk.sync import changes
from adminduk.sync.models import NodeState

pytestmark = pytest.mark.django_db

TATANGA = "72.71.06.1001"


def pull_all(station, since="", limit=1000) -> tuple[list[dict], str]:
    pages = []
    while True:
        page = changes.build_changes(station, since=since, limit=limit)
        pages.append(page)
        since = page["cursor"]
        if not page["more"]:
            return pages, since


def kk_rows(pages) -> dict[str, dict]:
    return {row["kk_number"]: row for page in pages for row in page["families"]}


def forget_families():
    """The node before this change: residents, but no KK."""
    FamilyMember.objects.all().delete()
    Family.objects.update(superseded_by=None)
    Family.objects.all().delete()


def family_of(*members, kelurahan="72.71.08.1004", supersedes=None, issued_on=dt.date(2015, 3, 1)):
    return actions.issue_family_card(
        list(members), kelurahan=Kelurahan.objects.get(code=kelurahan), rw="002", rt="003", address="JL. KIMAJA NO. 12",
        issued_on=issued_on, supersedes=supersedes,
    )


def test_the_node_gets_its_residents_kk_with_their_members(node, sample_family):
    pages, _ = pull_all(node.station)
    family = sample_family["family"]
    rows = kk_rows(pages)
    assert list(rows) == [family.kk_number]
    assert rows[family.kk_number]["members"] == [
        {"nik": sample_family["head"].nik, "relationship": Relationship.KEPALA_KELUARGA},
        {"nik": sample_family["wife"].nik, "relationship": Relationship.ISTRI},
        {"nik": sample_family["child"].nik, "relationship": Relationship.ANAK},
    ]
    assert AuditEntry.objects.filter(action="export", object_type="family", station=node.station).exists()

    forget_families()
    NodeState.objects.filter(pk=1).update(cursor="")
    for page in pages:
        counts = changes.apply_page(page)
    assert counts["families"] == 1
    node_family = Family.objects.get(kk_number=family.kk_number)
    assert node_family.status == Family.Status.ACTIVE and str(node_family.pk) == str(family.pk)
    assert node_family.head.nik == sample_family["head"].nik
    assert Resident.objects.get(nik=sample_family["child"].nik).current_membership.family == node_family
    assert NodeState.objects.get().cursor == pages[-1]["cursor"]


def test_a_kk_spanning_kecamatan_names_only_this_offices_residents(node, make_resident):
    head = make_resident(kelurahan=TATANGA, sex="L", birth_date="1970-01-01")
    child = make_resident(kelurahan="72.71.08.1004", birth_date="2000-02-02")  # lives in Mantikulore
    shared = family_of((head, Relationship.KEPALA_KELUARGA), (child, Relationship.ANAK), kelurahan=TATANGA)
    elsewhere = make_resident(kelurahan=TATANGA)
    family_of((elsewhere, Relationship.KEPALA_KELUARGA), kelurahan=TATANGA)  # nobody of this office on it

    pages, _ = pull_all(node.station)
    rows = kk_rows(pages)
    assert list(rows) == [shared.kk_number]
    assert rows[shared.kk_number]["members"] == [{"nik": child.nik, "relationship": Relationship.ANAK}]
    assert head.nik not in json.dumps(pages)

    forget_families()
    for page in pages:
        changes.apply_page(page)
    assert list(Family.objects.get(kk_number=shared.kk_number).members.values_list("resident__nik", flat=True)) == [child.nik]


def test_a_member_who_leaves_reaches_the_node(node, sample_family):
    """The central ends a membership by issuing new KK: the old one comes back superseded, the
    new ones with their members, and the node's current KK of each resident follows."""
    before, cursor = pull_all(node.station)
    old = sample_family["family"]
    head, wife, child = sample_family["head"], sample_family["wife"], sample_family["child"]
    parents = family_of((head, Relationship.KEPALA_KELUARGA), (wife, Relationship.ISTRI), supersedes=old, issued_on=dt.date(2026, 11, 1))
    own = family_of((child, Relationship.KEPALA_KELUARGA), issued_on=dt.date(2026, 11, 1))

    after, _ = pull_all(node.station, since=cursor)
    rows = kk_rows(after)
    assert set(rows) == {old.kk_number, parents.kk_number, own.kk_number}
    assert rows[old.kk_number]["status"] == "superseded" and rows[old.kk_number]["superseded_by"] == parents.kk_number
    assert [m["nik"] for m in rows[parents.kk_number]["members"]] == [head.nik, wife.nik]

    forget_families()
    for page in before + after:
        changes.apply_page(page)
    assert Family.objects.get(kk_number=old.kk_number).superseded_by.kk_number == parents.kk_number
    assert Resident.objects.get(pk=child.pk).current_membership.family.kk_number == own.kk_number
    assert Resident.objects.get(pk=wife.pk).current_membership.family.kk_number == parents.kk_number
    # Applying the same pages again changes nothing.
    snapshot = sorted(FamilyMember.objects.values_list("family__kk_number", "resident__nik", "relationship"))
    for page in before + after:
        changes.apply_page(page)
    assert sorted(FamilyMember.objects.values_list("family__kk_number", "resident__nik", "relationship")) == snapshot
    assert Family.objects.count() == 3


def test_a_resident_who_moves_in_brings_their_kk(node, make_resident):
    newcomer = make_resident(kelurahan=TATANGA)
    family = family_of((newcomer, Relationship.KEPALA_KELUARGA), kelurahan=TATANGA)
    pages, cursor = pull_all(node.station)
    assert kk_rows(pages) == {}
    actions.move_resident(
        newcomer, kelurahan=Kelurahan.objects.get(code="72.71.08.1004"), rw="001", rt="001", address="JL. BARU NO. 2",
        moved_on=dt.date(2026, 11, 20),
    )  # the KK row itself does not change
    page = changes.build_changes(node.station, since=cursor)
    assert [r["nik"] for r in page["residents"]] == [newcomer.nik]
    assert [r["kk_number"] for r in page["families"]] == [family.kk_number]


def test_an_older_cursor_gets_every_kk_once_then_only_changes(node, sample_family, make_resident):
    """A node that synced before KK travelled holds a cursor without a KK position: the KK
    stream starts from the beginning for it. A fresh node gets the KK with its residents."""
    _, cursor = pull_all(node.station)
    data = json.loads(base64.urlsafe_b64decode(cursor))
    old_style = changes.encode_cursor(*data["r"])
    assert "f" not in json.loads(base64.urlsafe_b64decode(old_style))
    page = changes.build_changes(node.station, since=old_style)
    assert page["residents"] == [] and [r["kk_number"] for r in page["families"]] == [sample_family["family"].kk_number]
    assert changes.build_changes(node.station, since=page["cursor"])["families"] == []


def test_kk_stream_pages_and_more(node, make_resident):
    heads = [make_resident() for _ in range(5)]
    _, cursor = pull_all(node.station)
    # Only the KK stream has changes (the residents came above): it pages by itself.
    numbers = {family_of((head, Relationship.KEPALA_KELUARGA)).kk_number for head in heads}
    seen, pages = [], 0
    while True:
        page = changes.build_changes(node.station, since=cursor, limit=2)
        seen += [r["kk_number"] for r in page["families"]]
        cursor, pages = page["cursor"], pages + 1
        if not page["more"]:
            break
    assert sorted(seen) == sorted(numbers) and pages == 3


def test_a_bad_kk_position_is_a_bad_cursor(node):
    token = base64.urlsafe_b64encode(json.dumps({"v": 1, "r": [changes.EPOCH, str(uuid.UUID(int=0))], "f": ["yesterday", "x"]}).encode()).decode()
    with pytest.raises(changes.CursorError):
        changes.decode_cursor(token)
    response = node.client.request("GET", "/changes", params={"since": token})
    assert response.status_code == 400


def test_a_kk_the_node_cannot_place_changes_nothing(node, sample_family):
    pages, _ = pull_all(node.station)
    forget_families()
    NodeState.objects.filter(pk=1).update(cursor="before")
    (row,) = [r for p in pages for r in p["families"]]
    broken = {"cursor": "after", "residents": [], "master_digest": "", "families": [row, dict(row, kk_number="7271080101260009", id=str(uuid.uuid4()), kelurahan_id="99.99.99.9999")]}
    with pytest.raises(changes.PageError, match="99.99.99.9999"):
        changes.apply_page(broken)
    assert NodeState.objects.get().cursor == "before" and not Family.objects.exists()


def test_members_not_yet_on_the_node_follow_with_their_own_page(node, sample_family):
    pages, _ = pull_all(node.station)
    (row,) = [r for p in pages for r in p["families"]]
    forget_families()
    child = sample_family["child"]
    early = dict(row, members=[*row["members"][:2], {"nik": "7271081501100099", "relationship": Relationship.ANAK}])
    changes.apply_page({"cursor": "c1", "residents": [], "master_digest": "", "families": [early]})
    family = Family.objects.get(kk_number=row["kk_number"])
    assert family.members.count() == 2  # the unknown NIK is left out, nothing fails
    changes.apply_page({"cursor": "c2", "residents": [], "master_digest": "", "families": [row]})
    assert sorted(family.members.values_list("resident__nik", flat=True)) == sorted(m["nik"] for m in row["members"])
    assert Resident.objects.get(pk=child.pk).current_membership.family == family
