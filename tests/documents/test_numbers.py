"""Numbers issued offline come from blocks reserved for one office at one place: two nodes (or
a node and the central) never produce the same number, whatever the day."""

import datetime as dt

import pytest
from django.db import transaction

from adminduk.documents import numbers
from adminduk.documents.models import NumberBlock, NumberUse
from adminduk.population import numbers as registry_numbers

from ..sync.conftest import register

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 3)


def draw(series, office, n, **kwargs):
    out = []
    for _ in range(n):
        with transaction.atomic():
            out.append(numbers.next_number(series, office, day=DAY, **kwargs))
    return out


def test_two_offline_nodes_issuing_akta_numbers_on_the_same_day_never_collide(make_office, as_node):
    from adminduk.sync import changes

    timur, mantikulore = make_office("72.71.01"), make_office("72.71.08")
    for office in (timur, mantikulore):
        station, _key = register(office, f"node {office.code}")
        master = changes.build_changes(station, since="")["master"]["documents"]  # the pull carries the node's blocks
        assert {b["series"] for b in master["blocks"]} == {"akta_kelahiran", "akta_kematian", "kk", "suket"}
    issued = {}
    for office in (timur, mantikulore):  # both offline, same day, one after the other
        with as_node(office.code):
            issued[office.code] = draw("akta_kelahiran", office, 120) + draw("akta_kematian", office, 5)
    everything = issued[timur.code] + issued[mantikulore.code]
    assert len(set(everything)) == len(everything) == 250
    assert issued[timur.code][0].startswith("7271-LU-03122026-") and issued[timur.code][-1].startswith("7271-KM-03122026-")
    # Each node advanced only counters of its own blocks.
    for office in (timur, mantikulore):
        assert set(NumberUse.objects.filter(block__office=office).values_list("block__holder", flat=True)) == {"node"}


def test_interleaved_nodes_and_the_central_share_no_kk_number(make_office, as_node):
    mantikulore = make_office("72.71.08")
    numbers.ensure_node_blocks(mantikulore)
    seen = []
    for round_ in range(30):
        with as_node(mantikulore.code):
            seen += draw("kk", mantikulore, 2)
        seen += draw("kk", mantikulore, 1)  # the central issues for the same kecamatan, its own block
        with transaction.atomic():
            seen.append(registry_numbers.allocate_kk_number("72.71.08", DAY))  # the registry's counter
    assert len(set(seen)) == len(seen)
    node_serials = sorted(int(n[-4:]) for n in seen[0::4] + seen[1::4])
    assert all(n.startswith("727108031226") for n in seen) and node_serials[0] >= 5000
    assert max(int(n[-4:]) for n in seen[3::4]) < 5000


def test_a_node_without_a_block_cannot_issue_and_says_to_sync(make_office, as_node):
    office = make_office("72.71.08")
    with as_node(office.code), pytest.raises(numbers.NumbersUnavailable) as raised:
        draw("akta_kelahiran", office, 1)
    assert raised.value.code == "no_block"


def test_a_full_block_moves_to_the_next_and_a_new_day_starts_again(make_office, as_node):
    office = make_office("72.71.08")
    numbers.reserve_block("suket", office, holder="node", size=2)
    numbers.reserve_block("suket", office, holder="node", size=1)
    with as_node(office.code):
        first_day = draw("suket", office, 3)
        with pytest.raises(numbers.NumbersUnavailable):
            draw("suket", office, 1)
        with transaction.atomic():
            next_day = numbers.next_number("suket", office, day=DAY + dt.timedelta(days=1))
    assert [n[-4:] for n in first_day] == ["0001", "0002", "0003"] and next_day.endswith("-20261204-0001")


def test_blocks_of_one_series_never_overlap(make_office):
    offices = [make_office(code) for code in ("72.71.01", "72.71.02", "72.71.08", "dinas")]
    for office in offices * 3:
        numbers.reserve_block("akta_kematian", office, holder="node", size=7)
    ranges = sorted(NumberBlock.objects.filter(series="akta_kematian").values_list("first", "last"))
    assert all(a_last < b_first for (_a, a_last), (b_first, _b) in zip(ranges, ranges[1:], strict=False))


def test_blocks_are_reserved_only_at_the_central(make_office, as_node):
    office = make_office("72.71.08")
    with as_node(office.code), pytest.raises(numbers.NumbersUnavailable):
        numbers.reserve_block("kk", office, holder="node")
