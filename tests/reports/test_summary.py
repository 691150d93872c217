"""The summary tables equal a fresh full computation after any mix of changes, applied by the
frequent refresh; the rebuild gives the same; coverage never exceeds 100 %."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population import actions
from adminduk.population.models import Resident
from adminduk.regions.models import Kelurahan
from adminduk.reports import summary
from adminduk.reports.models import CoverageCell, ResidentFact, SummaryState, ThroughputCell
from adminduk.reports.queries import coverage_by_kelurahan, remaining_by_kecamatan

from .conftest import adults, advance, reject

pytestmark = pytest.mark.django_db


def assert_tables_equal_fresh(as_of=None):
    as_of = as_of or timezone.localdate()
    assert summary.stored_cells() == summary.fresh_computation(as_of)


def test_first_refresh_builds_everything_and_counts_wajib_ktp_by_current_address(population, make_office):
    result = summary.refresh(lag=0)
    assert result["residents"] == Resident.objects.count()
    wajib = adults()
    assert sum(CoverageCell.objects.values_list("n", flat=True)) == len(wajib)
    assert ResidentFact.objects.count() == Resident.objects.count()
    assert_tables_equal_fresh()


def test_refresh_after_recordings_moves_deaths_and_printing_equals_a_fresh_computation(population, make_office):
    office, dinas = make_office("72.71.08"), make_office("dinas")
    summary.refresh(lag=0)
    people = adults(kecamatan="72.71.08")[:12] + adults(kecamatan="72.71.02")[:6]
    assert len(people) == 18
    # Recordings at every stage, a rejection and a second recording after it.
    for resident, to in zip(people, [S.RECEIVED, S.VALIDATED, S.PRINT_READY, S.PRINTING, S.PRINTED, S.AT_OFFICE, S.PICKED_UP, S.PICKED_UP], strict=False):
        advance(resident, office, to)
    rejected = advance(people[8], dinas, S.VALIDATED)
    reject(rejected)
    advance(people[8], dinas, S.PRINT_READY)
    reject(advance(people[9], office, S.RECEIVED))
    summary.refresh(lag=0)
    assert_tables_equal_fresh()

    # A recorded resident moves to another kecamatan, a printed one dies, a child marries
    # (becomes wajib KTP), a card is printed again after being spoiled.
    moved, died = people[0], people[4]
    actions.move_resident(moved, kelurahan=Kelurahan.objects.filter(kecamatan_id="72.71.02").order_by("code").first(), rw="001", rt="002", address="JL. BARU 1", moved_on=dt.date.today())
    actions.record_death(Resident.objects.get(pk=died.pk), died_on=dt.date.today())
    child = next(r for r in Resident.objects.filter(marital_status="belum_kawin").order_by("-birth_date") if not r.is_wajib_ktp(dt.date.today()) and r.birth_date.year < dt.date.today().year - 12)
    actions.correct_resident(child, {"marital_status": "kawin", "marriage_date": dt.date.today()}, reason="perkawinan tercatat")
    for resident in people[12:]:
        advance(resident, office, S.PRINTED)
    summary.refresh(lag=0)
    assert_tables_equal_fresh()

    # The rebuild gives exactly the same cells.
    before = summary.stored_cells()
    summary.rebuild()
    assert summary.stored_cells() == before


def test_a_journal_entry_younger_than_the_lag_waits_for_the_next_refresh(population, make_office):
    office = make_office("72.71.08")
    summary.refresh(lag=0)
    resident = adults(kecamatan="72.71.08")[0]
    advance(resident, office, S.RECEIVED)
    summary.refresh(lag=3600)
    assert not ThroughputCell.objects.exists()
    summary.refresh(lag=0)
    assert ThroughputCell.objects.get().n == 1
    summary.refresh(lag=0)  # nothing counted twice
    assert ThroughputCell.objects.get().n == 1
    assert_tables_equal_fresh()


def test_a_resident_turning_17_is_counted_on_the_day(population):
    summary.refresh(lag=0)
    today = timezone.localdate()
    upcoming = ResidentFact.objects.filter(counted=False, wajib_from__gt=today).order_by("wajib_from").first()
    assert upcoming is not None, "the synthetic population has teenagers"
    later = timezone.now() + dt.timedelta(days=(upcoming.wajib_from - today).days)
    before = sum(CoverageCell.objects.values_list("n", flat=True))
    summary.refresh(now=later, lag=0)
    assert sum(CoverageCell.objects.values_list("n", flat=True)) > before
    assert ResidentFact.objects.get(pk=upcoming.pk).counted
    assert_tables_equal_fresh(timezone.localdate(later))


def test_coverage_never_exceeds_100_percent_and_a_child_recorded_early_is_not_counted(population, make_office):
    office = make_office("72.71.08")
    child = next(r for r in Resident.objects.filter(kelurahan__kecamatan_id="72.71.08").order_by("-birth_date") if not r.is_wajib_ktp(dt.date.today()))
    advance(child, office, S.PICKED_UP)
    for resident in adults(kecamatan="72.71.08"):
        advance(resident, office, S.PICKED_UP)
    summary.refresh(lag=0)
    for code, (wajib, recorded, ready, printed, picked) in coverage_by_kelurahan(["72.71.08"]).items():
        assert wajib >= recorded >= ready >= printed >= picked, code
    row = next(r for r in remaining_by_kecamatan(["72.71.08"]))
    assert row["recorded"] == row["wajib_ktp"] == len(adults(kecamatan="72.71.08"))
    assert row["remaining"] == 0


def test_remaining_by_kecamatan_reads_the_summary(population, make_office):
    office = make_office("72.71.08")
    for resident in adults(kecamatan="72.71.08")[:5]:
        advance(resident, office, S.RECEIVED)
    summary.refresh(lag=0)
    rows = {r["kode"]: r for r in remaining_by_kecamatan()}
    mantikulore = rows["72.71.08"]
    assert mantikulore["nama"].upper() == "MANTIKULORE"
    assert mantikulore["recorded"] == 5
    assert mantikulore["remaining"] == mantikulore["wajib_ktp"] - 5
    assert set(mantikulore) >= {"kode", "nama", "wajib_ktp", "recorded", "print_ready", "printed", "picked_up", "remaining"}


def test_the_command_rebuilds_and_refreshes(population, capsys):
    from django.core.management import call_command

    call_command("reports", "rebuild")
    assert "Summary rebuilt" in capsys.readouterr().out
    call_command("reports", "refresh", "--lag", "0")
    assert "Summary refreshed" in capsys.readouterr().out
    assert SummaryState.objects.get().rebuilt_at is not None


def test_the_rebuild_stores_the_same_fact_as_the_row_by_row_computation(population, make_resident, make_office):
    """On PostgreSQL the rebuild is one SQL pass (reports.bulk): every fact must equal
    summary.facts_for, a 29 February birthday and a foreigner without KITAP included."""
    leap = make_resident(full_name="ANAK KABISAT", birth_date="2012-02-29")
    foreigner = make_resident(full_name="JOHN SMITH", citizenship="WNA", passport_number="X1234567")
    advance(adults(kecamatan="72.71.08")[0], make_office("72.71.08"), S.PRINT_READY)
    summary.rebuild()
    today = timezone.localdate()
    stored = {f.resident_id: summary.Fact(f.kelurahan_id, f.kecamatan_code, f.wajib_from, f.counted, f.status, f.since) for f in ResidentFact.objects.all()}
    assert stored == summary.facts_for(Resident.objects.values_list("pk", flat=True), today)
    assert stored[leap.pk].wajib_from == dt.date(2029, 3, 1)
    assert stored[foreigner.pk].wajib_from is None
