"""Keeping the summary tables current.

Chosen shape (DHIS2's): a frequent job, `refresh`, reads what changed since its cursors — the
e-KTP requests' journal (append-only, by id) and residents by their indexed `updated_at` —
recomputes each touched resident's contribution and applies the difference to the cells; once a
day it also counts the residents who turned 17. `rebuild` recomputes everything from scratch
(nightly, and `adminduk reports rebuild`). Both lock the one SummaryState row, so any number of
workers may run them. Recomputing a resident is idempotent, so the resident cursor re-reads a
short overlap to catch transactions that committed late; journal entries are taken strictly in
id order and only once they are older than the lag, so each is counted exactly once.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from adminduk.enrollment.models import KtpRequest, KtpRequestEvent
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population.models import Resident

from . import stages
from .models import BacklogCell, CoverageCell, ResidentFact, SummaryState, ThroughputCell

BATCH = 5000
RECORDED_FIRST_STATUSES = (S.RECORDED, S.RECEIVED)


@dataclass(frozen=True)
class Fact:
    kelurahan_id: str
    kecamatan_code: str
    wajib_from: dt.date | None
    counted: bool
    status: str
    since: dt.date | None

    def coverage_key(self):
        return (self.kelurahan_id, self.kecamatan_code, self.status) if self.counted else None

    def backlog_key(self):
        return (self.kecamatan_code, self.status, self.since) if self.status in stages.OPEN_STATUSES and self.since else None


def lag_seconds() -> int:
    return int(getattr(settings, "ADMINDUK_REPORTS_LAG_SECONDS", 60))


# --- Facts from the source tables ----------------------------------------------------------


def facts_for(resident_ids: Iterable, as_of: dt.date) -> dict:
    """resident id → Fact, computed from the registry and the e-KTP requests."""
    rows = list(
        Resident.objects.filter(pk__in=list(resident_ids)).values_list(
            "id", "nik", "kelurahan_id", "kelurahan__kecamatan_id", "birth_date", "marital_status", "citizenship", "kitap_number", "life_status"
        )
    )
    by_nik = {row[1]: row[0] for row in rows}
    current = _current_requests([row[0] for row in rows], by_nik)
    facts = {}
    for pk, _nik, kelurahan, kecamatan, birth, marital, citizenship, kitap, life in rows:
        since_day = stages.wajib_from(birth_date=birth, marital_status=marital, citizenship=citizenship, has_kitap=bool(kitap), life_status=life)
        status, since = current.get(pk, ("", None))
        facts[pk] = Fact(kelurahan, kecamatan, since_day, since_day is not None and since_day <= as_of, status, since)
    return facts


def _current_requests(ids: list, by_nik: dict) -> dict:
    """resident id → (status, since): the open request; else a card picked up; else a rejection."""
    found: dict = {}
    requests = KtpRequest.objects.filter(Q(resident_id__in=ids) | Q(resident__isnull=True, nik__in=list(by_nik)))
    for resident_id, nik, status, updated_at in requests.values_list("resident_id", "nik", "status", "updated_at"):
        pk = resident_id or by_nik.get(nik)
        rank = 2 if status in stages.OPEN_STATUSES else (1 if status == S.PICKED_UP else 0)
        best = found.get(pk)
        if best is None or rank > best[0]:
            found[pk] = (rank, status, timezone.localdate(updated_at) if rank == 2 else None)
    return {pk: (status, since) for pk, (_rank, status, since) in found.items()}


def _throughput_kind(from_status: str, to_status: str) -> str | None:
    if not from_status and to_status in RECORDED_FIRST_STATUSES:
        return ThroughputCell.Kind.RECORDED
    if to_status == S.PRINTED:
        return ThroughputCell.Kind.PRINTED
    if to_status == S.PICKED_UP:
        return ThroughputCell.Kind.PICKED_UP
    return None


THROUGHPUT_EVENTS = Q(from_status="", to_status__in=RECORDED_FIRST_STATUSES) | Q(to_status__in=[S.PRINTED, S.PICKED_UP])


# --- Writing cells --------------------------------------------------------------------------

COVERAGE_KEY = ("kelurahan_id", "kecamatan_code", "status")
BACKLOG_KEY = ("kecamatan_code", "status", "since")
THROUGHPUT_KEY = ("day", "office_id", "station_id", "kecamatan_code", "kind")


def _apply(model, key_fields, deltas: Counter) -> None:
    for key, delta in deltas.items():
        if not delta:
            continue
        where = dict(zip(key_fields, key, strict=True))
        if not model.objects.filter(**where).update(n=F("n") + delta):
            model.objects.create(n=delta, **where)
    model.objects.filter(n=0).delete()


def apply_changes(resident_ids: Iterable, as_of: dt.date) -> int:
    """Recompute the given residents and apply the differences. Returns how many changed."""
    changed = 0
    iterator = iter(set(resident_ids))
    while chunk := list(islice(iterator, BATCH)):
        old = {f.resident_id: Fact(f.kelurahan_id, f.kecamatan_code, f.wajib_from, f.counted, f.status, f.since) for f in ResidentFact.objects.filter(pk__in=chunk)}
        new = facts_for(chunk, as_of)
        coverage, backlog = Counter(), Counter()
        gone, upserts = [], []
        for pk in chunk:
            before, after = old.get(pk), new.get(pk)
            if before == after:
                continue
            changed += 1
            for fact, sign in ((before, -1), (after, 1)):
                if fact is None:
                    continue
                if key := fact.coverage_key():
                    coverage[key] += sign
                if key := fact.backlog_key():
                    backlog[key] += sign
            if after is None:
                gone.append(pk)
            else:
                upserts.append(ResidentFact(resident_id=pk, **after.__dict__))
        ResidentFact.objects.filter(pk__in=gone).delete()
        ResidentFact.objects.bulk_create(
            upserts, update_conflicts=True, unique_fields=["resident_id"],
            update_fields=["kelurahan_id", "kecamatan_code", "wajib_from", "counted", "status", "since"],
        )
        _apply(CoverageCell, COVERAGE_KEY, coverage)
        _apply(BacklogCell, BACKLOG_KEY, backlog)
    return changed


def _locked_state() -> SummaryState:
    SummaryState.objects.get_or_create(pk=1)
    return SummaryState.objects.select_for_update().get(pk=1)


# --- The frequent job and the full rebuild --------------------------------------------------


def refresh(*, now: dt.datetime | None = None, lag: int | None = None) -> dict:
    """Apply what changed since the last run. The first run builds everything."""
    now = now or timezone.now()
    lag = lag_seconds() if lag is None else lag
    cutoff = now - dt.timedelta(seconds=lag)
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _locked_state()
        if state.rebuilt_at is None:
            return _rebuild_locked(state, now)
        touched: set = set()
        throughput = Counter()
        entries = 0
        while True:
            batch = list(
                KtpRequestEvent.objects.filter(id__gt=state.event_cursor).order_by("id").values_list(
                    "id", "at", "device_time", "from_status", "to_status", "office_id", "station_id",
                    "request__kecamatan_code", "request__resident_id", "request__nik",
                )[:BATCH]
            )
            for pk, at, device_time, from_status, to_status, office, station, kecamatan, resident, nik in batch:
                if at > cutoff:
                    batch = []
                    break
                state.event_cursor = pk
                entries += 1
                touched.add(resident or nik)
                if kind := _throughput_kind(from_status, to_status):
                    day = timezone.localdate(device_time or at)
                    throughput[(day, str(office or ""), str(station or ""), kecamatan, kind)] += 1
            if len(batch) < BATCH:
                break
        niks = {value for value in touched if isinstance(value, str)}
        touched -= niks
        touched |= set(Resident.objects.filter(nik__in=niks).values_list("id", flat=True)) if niks else set()
        since = (state.resident_cursor or now) - dt.timedelta(seconds=max(lag, 1) * 2)
        touched |= set(Resident.objects.filter(updated_at__gte=since).values_list("id", flat=True))
        if state.wajib_as_of != today:
            touched |= set(ResidentFact.objects.filter(counted=False, wajib_from__isnull=False, wajib_from__lte=today).values_list("resident_id", flat=True))
        changed = apply_changes(touched, today)
        _apply(ThroughputCell, THROUGHPUT_KEY, throughput)
        state.resident_cursor, state.wajib_as_of, state.refreshed_at = now, today, now
        state.save()
    return {"journal_entries": entries, "residents_changed": changed}


def rebuild(*, now: dt.datetime | None = None) -> dict:
    """Recompute every summary table from the registry and the journal."""
    now = now or timezone.now()
    with transaction.atomic():
        return _rebuild_locked(_locked_state(), now)


def _rebuild_locked(state: SummaryState, now: dt.datetime) -> dict:
    today = timezone.localdate(now)
    last_event = KtpRequestEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for model in (ResidentFact, CoverageCell, BacklogCell, ThroughputCell):
        model.objects.all().delete()
    if connection.vendor == "postgresql":
        from .bulk import rebuild_facts_and_cells

        counts = rebuild_facts_and_cells(today)
    else:
        counts = _rebuild_facts_and_cells(today)
    throughput = full_throughput(last_event)
    ThroughputCell.objects.bulk_create([ThroughputCell(n=n, **dict(zip(THROUGHPUT_KEY, key, strict=True))) for key, n in throughput.items()], batch_size=BATCH)
    state.event_cursor, state.resident_cursor, state.wajib_as_of = last_event, now, today
    state.rebuilt_at = state.refreshed_at = now
    state.save()
    return {**counts, "throughput_cells": len(throughput)}


def _rebuild_facts_and_cells(today: dt.date) -> dict:
    coverage, backlog = Counter(), Counter()
    residents = 0
    for chunk_facts in full_facts(today):
        ResidentFact.objects.bulk_create([ResidentFact(resident_id=pk, **fact.__dict__) for pk, fact in chunk_facts.items()], batch_size=BATCH)
        residents += len(chunk_facts)
        for fact in chunk_facts.values():
            if key := fact.coverage_key():
                coverage[key] += 1
            if key := fact.backlog_key():
                backlog[key] += 1
    CoverageCell.objects.bulk_create([CoverageCell(n=n, **dict(zip(COVERAGE_KEY, key, strict=True))) for key, n in coverage.items()], batch_size=BATCH)
    BacklogCell.objects.bulk_create([BacklogCell(n=n, **dict(zip(BACKLOG_KEY, key, strict=True))) for key, n in backlog.items()], batch_size=BATCH)
    return {"residents": residents, "coverage_cells": len(coverage), "backlog_cells": len(backlog)}


def full_facts(as_of: dt.date):
    """Every resident's fact, a chunk at a time (keyset over the primary key)."""
    last = None
    while True:
        ids = Resident.objects.order_by("pk")
        if last is not None:
            ids = ids.filter(pk__gt=last)
        chunk = list(ids.values_list("pk", flat=True)[:BATCH])
        if not chunk:
            return
        last = chunk[-1]
        yield facts_for(chunk, as_of)


def full_throughput(up_to_event: int) -> Counter:
    """The journal grouped by day, office, station, kecamatan and kind (a rebuild, not a page)."""
    rows = (
        KtpRequestEvent.objects.filter(THROUGHPUT_EVENTS, id__lte=up_to_event)
        .annotate(day=TruncDate(Coalesce("device_time", "at"), tzinfo=timezone.get_current_timezone()))
        .values("day", "office_id", "station_id", "request__kecamatan_code", "from_status", "to_status")
        .annotate(n=Count("id"))
    )
    found = Counter()
    for row in rows:
        kind = _throughput_kind(row["from_status"], row["to_status"])
        found[(row["day"], str(row["office_id"] or ""), str(row["station_id"] or ""), row["request__kecamatan_code"], kind)] += row["n"]
    return found


def fresh_computation(as_of: dt.date) -> dict:
    """What the cells would hold if computed now from scratch (tests compare the tables to it)."""
    coverage, backlog = Counter(), Counter()
    for chunk in full_facts(as_of):
        for fact in chunk.values():
            if key := fact.coverage_key():
                coverage[key] += 1
            if key := fact.backlog_key():
                backlog[key] += 1
    last_event = KtpRequestEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return {"coverage": coverage, "backlog": backlog, "throughput": full_throughput(last_event)}


def stored_cells() -> dict:
    def read(model, key):
        return Counter({tuple(row[:-1]): row[-1] for row in model.objects.values_list(*key, "n")})

    return {"coverage": read(CoverageCell, COVERAGE_KEY), "backlog": read(BacklogCell, BACKLOG_KEY), "throughput": read(ThroughputCell, THROUGHPUT_KEY)}
