"""The dashboard's figures for a jurisdiction and filters. Coverage, backlog and throughput come
from the summary tables only; the other parts read small operational tables (cases, stock,
bookings, tickets, applications, heartbeats) for the offices in scope."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.enrollment.statuses import RequestStatus, siak_status
from adminduk.regions.models import Kecamatan, Kelurahan

from . import stages
from .filters import Filters
from .forecast import forecast
from .models import BacklogCell, CoverageCell, ThroughputCell
from .tables import Table

AGE_BUCKETS = ((0, 1, "0–1"), (2, 7, "2–7"), (8, 30, "8–30"), (31, None, "> 30"))
FORECAST_WINDOW_DAYS = 14


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _stage_counts(cells) -> dict:
    """{area: [wajib, recorded, print_ready, printed, picked_up]} from (area, status, n) rows."""
    found = defaultdict(lambda: [0, 0, 0, 0, 0])
    for area, status, n in cells:
        counts = found[area]
        counts[0] += n
        for level in range(1, stages.stage(status) + 1):
            counts[level] += n
    return found


def coverage_by_kecamatan(codes) -> dict:
    return _stage_counts(CoverageCell.objects.filter(kecamatan_code__in=list(codes)).values_list("kecamatan_code", "status").annotate(t=Sum("n")).values_list("kecamatan_code", "status", "t"))


def coverage_by_kelurahan(codes, kelurahan: str = "") -> dict:
    cells = CoverageCell.objects.filter(kecamatan_code__in=list(codes))
    if kelurahan:
        cells = cells.filter(kelurahan_id=kelurahan)
    return _stage_counts(cells.values_list("kelurahan_id", "status", "n"))


def _coverage_row(code, name, counts) -> list:
    wajib, recorded, ready, printed, picked = counts
    return [code, name, wajib, recorded, ready, printed, picked, pct(recorded, wajib), wajib - recorded]


def coverage_columns() -> list[str]:
    return [_("Code"), _("Name"), _("Wajib KTP"), _("Recorded"), _("Print ready"), _("Printed"), _("Picked up"), _("Coverage (%)"), _("Not recorded yet")]


def coverage_tables(f: Filters) -> list[Table]:
    """Per kecamatan and per kelurahan from one read of the cells (a kelurahan code starts with
    its kecamatan's)."""
    names = dict(Kecamatan.objects.filter(code__in=f.kecamatan_codes).values_list("code", "name"))
    by_kelurahan = coverage_by_kelurahan(f.kecamatan_codes)
    by_kecamatan = defaultdict(lambda: [0, 0, 0, 0, 0])
    for code, counts in by_kelurahan.items():
        by_kecamatan[code[:8]] = [a + b for a, b in zip(by_kecamatan[code[:8]], counts, strict=True)]
    empty = _("No resident of this area is in the summary yet (the summary tables are built by `adminduk reports rebuild` and kept current every minute).")
    note = _("Each resident counted once, at their current address; recorded and later stages count the wajib KTP only, so coverage never exceeds 100 %.")
    kecamatan_table = Table("cakupan_kecamatan", _("Coverage per kecamatan"), coverage_columns(), empty=empty, note=note)
    kecamatan_table.rows = [_coverage_row(code, names.get(code, code), by_kecamatan[code]) for code in sorted(by_kecamatan) if code in names]
    shown = {code: counts for code, counts in by_kelurahan.items() if not f.kelurahan or code == f.kelurahan}
    kelurahan_names = dict(Kelurahan.objects.filter(code__in=list(shown)).values_list("code", "name"))
    kelurahan_table = Table("cakupan_kelurahan", _("Coverage per kelurahan/desa"), coverage_columns(), empty=empty, note=note)
    kelurahan_table.rows = [_coverage_row(code, kelurahan_names.get(code, code), counts) for code, counts in sorted(shown.items())]
    return [kecamatan_table, kelurahan_table]


def remaining_by_kecamatan(kecamatan_codes=None) -> list[dict]:
    """For the planner: per kecamatan the wajib KTP, how many are recorded (and further), and how
    many remain, from the summary tables. All kecamatan with residents when no codes are given."""
    if kecamatan_codes is None:
        kecamatan_codes = CoverageCell.objects.values_list("kecamatan_code", flat=True).distinct()
    counts = coverage_by_kecamatan(kecamatan_codes)
    names = dict(Kecamatan.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return [
        {"kode": code, "nama": names.get(code, code), "wajib_ktp": c[0], "recorded": c[1], "print_ready": c[2], "printed": c[3], "picked_up": c[4], "remaining": c[0] - c[1]}
        for code, c in sorted(counts.items())
    ]


def daily_recordings(kecamatan_codes, first: dt.date, last: dt.date) -> dict:
    """{kecamatan: [count per day from first to last]} (days without recordings are 0)."""
    days = (last - first).days + 1
    found = {code: [0] * days for code in kecamatan_codes}
    rows = (
        ThroughputCell.objects.filter(kind=ThroughputCell.Kind.RECORDED, kecamatan_code__in=list(kecamatan_codes), day__gte=first, day__lte=last)
        .values_list("kecamatan_code", "day").annotate(t=Sum("n")).values_list("kecamatan_code", "day", "t")
    )
    for code, day, n in rows:
        found[code][(day - first).days] += n
    return found


def forecast_table(f: Filters, *, today: dt.date | None = None, coverage: Table | None = None) -> Table:
    """`coverage`: the per-kecamatan coverage table already read for the page (saves a query)."""
    today = today or timezone.localdate()
    last = today - dt.timedelta(days=1)  # today is not over yet
    first = last - dt.timedelta(days=FORECAST_WINDOW_DAYS - 1)
    counts = daily_recordings(f.kecamatan_codes, first, last)
    table = Table(
        "perkiraan", _("Forecast of completion"),
        [_("Code"), _("Name"), _("Not recorded yet"), _("Recordings per day"), _("Day-to-day deviation"), _("Completion at this rate"),
         _("Earliest (95 %)"), _("Latest (95 %)"), _("Deadline"), _("On track")],
        empty=_("No wajib KTP in the summary yet: nothing to forecast."),
        note=_("Rate: mean recordings per day over the last %(days)s full days (days without any count as 0). Band: the completion date at the mean rate ± 1.96 × the standard error of that mean (sample standard deviation of the daily counts ÷ √%(days)s), about 95 %%. No date: the rate (or its lower edge) is zero.") % {"days": FORECAST_WINDOW_DAYS},
    )
    remaining = (
        [{"kode": r[0], "nama": r[1], "remaining": r[8]} for r in coverage.rows] if coverage is not None else remaining_by_kecamatan(f.kecamatan_codes)
    )
    for row in remaining:
        result = forecast(row["remaining"], counts.get(row["kode"], []), today=today, deadline=f.deadline)
        on_track = "" if result.on_track is None else (_("yes") if result.on_track else _("no"))
        table.rows.append([row["kode"], row["nama"], result.remaining, round(result.rate, 1), round(result.rate_sd, 1), result.completion, result.earliest, result.latest, result.deadline, on_track])
    return table


def backlog_table(f: Filters, *, today: dt.date | None = None) -> Table:
    today = today or timezone.localdate()
    table = Table(
        "tunggakan", _("Backlog by status and age"),
        [_("Status"), _("SIAK status name"), _("Open requests")] + [_("%(days)s days") % {"days": label} for _a, _b, label in AGE_BUCKETS],
        empty=_("No open e-KTP request in this area."),
        note=_("Age: days since the request reached its current status."),
    )
    per = defaultdict(lambda: [0] * len(AGE_BUCKETS))
    for status, since, n in BacklogCell.objects.filter(kecamatan_code__in=f.kecamatan_codes).values_list("status", "since").annotate(t=Sum("n")).values_list("status", "since", "t"):
        age = (today - since).days
        index = next(i for i, (low, high, _l) in enumerate(AGE_BUCKETS) if age >= low and (high is None or age <= high)) if age >= 0 else 0
        per[status][index] += n
    for status in RequestStatus:
        if status in per:
            table.rows.append([str(status.label), siak_status(status), sum(per[status]), *per[status]])
    return table


def throughput_tables(f: Filters, offices: dict, stations: dict) -> list[Table]:
    cells = ThroughputCell.objects.filter(kecamatan_code__in=f.kecamatan_codes, day__gte=f.date_from, day__lte=f.date_to)
    per_office = defaultdict(lambda: [0, 0, 0])
    per_station = defaultdict(int)
    kinds = [ThroughputCell.Kind.RECORDED, ThroughputCell.Kind.PRINTED, ThroughputCell.Kind.PICKED_UP]
    for day, office, station, kind, n in cells.values_list("day", "office_id", "station_id", "kind").annotate(t=Sum("n")).values_list("day", "office_id", "station_id", "kind", "t"):
        per_office[(day, office)][kinds.index(kind)] += n
        if kind == ThroughputCell.Kind.RECORDED:
            per_station[(day, office, station)] += n
    empty = _("No recording, printing or pickup in this period and area.")
    office_table = Table("throughput_kantor", _("Daily throughput per office"), [_("Day"), _("Office"), _("Recorded"), _("Printed"), _("Picked up")], empty=empty)
    office_table.rows = [[day, offices.get(office, office or "-"), *counts] for (day, office), counts in sorted(per_office.items(), key=lambda kv: (kv[0][0], offices.get(kv[0][1], "")))]
    station_table = Table(
        "throughput_perangkat", _("Daily recordings per recording set"), [_("Day"), _("Office"), _("Recording set (station)"), _("Recorded")],
        empty=_("No recording in this period and area."),
        note=_("A recording set is named by the station that signed its packets; a node's recordings carry the node's station."),
    )
    station_table.rows = [[day, offices.get(office, office or "-"), stations.get(station, station or "-"), n] for (day, office, station), n in sorted(per_station.items(), key=lambda kv: (kv[0][0], offices.get(kv[0][1], ""), stations.get(kv[0][2], "")))]
    return [office_table, station_table]


def daily_series(f: Filters) -> dict:
    """Chart data: recordings, prints and pickups per day over the period (all offices)."""
    days = (f.date_to - f.date_from).days + 1
    labels = [(f.date_from + dt.timedelta(days=i)).isoformat() for i in range(days)]
    series = {kind: [0] * days for kind in ThroughputCell.Kind.values}
    rows = ThroughputCell.objects.filter(kecamatan_code__in=f.kecamatan_codes, day__gte=f.date_from, day__lte=f.date_to).values_list("day", "kind").annotate(t=Sum("n")).values_list("day", "kind", "t")
    for day, kind, n in rows:
        series[kind][(day - f.date_from).days] += n
    return {"labels": labels, "series": [{"label": str(ThroughputCell.Kind(kind).label), "data": data} for kind, data in series.items()]}


def in_area(q_field: str, f: Filters) -> Q:
    return Q(**{f"{q_field}__in": list(f.kecamatan_codes)})
