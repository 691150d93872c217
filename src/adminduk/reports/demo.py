"""Demo figures for the dashboard: e-KTP recordings of the demo kota's residents over the last
two weeks, at a different pace per kecamatan, moved along to printed, at the office and picked
up by age. Residents the other demos use (the NIKs printed for recording, portal residents,
bookings, civil applications) are left alone, and no print job is made (the printing demo's
queue stays as it is). Idempotent: a second run adds nothing."""

import datetime as dt
import random

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from adminduk.accounts.models import Station
from adminduk.enrollment import requests
from adminduk.enrollment.models import KtpRequest, KtpRequestEvent
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.offices.models import Office
from adminduk.population.models import Resident
from adminduk.population.rules import WAJIB_KTP_AGE

from . import summary

DAYS = 14
# Recordings per day per kecamatan (mean); the demo kota's kecamatan get different paces.
PACES = (9, 6, 4, 7, 3, 5, 2, 8)
MARKER = {"demo": "reports"}
AFTER_PRINT = [S.PRINTING, S.PRINTED, S.AT_OFFICE, S.PICKED_UP]


def _excluded_niks(keep: set[str]) -> set[str]:
    from adminduk.appointments.models import Booking
    from adminduk.civil.models import Application
    from adminduk.portal.demo import demo_residents

    niks = set(keep) | {r.nik for r in demo_residents()}
    niks |= set(Booking.objects.values_list("nik", flat=True))
    niks |= set(Application.objects.values_list("applicant_nik", flat=True)) | set(Application.objects.values_list("subject_nik", flat=True))
    niks |= set(KtpRequest.objects.values_list("nik", flat=True))
    return niks


def _fate(age: int, rng: random.Random) -> str:
    """Where a request recorded `age` days ago has got to."""
    if rng.random() < 0.03:
        return S.REJECTED
    if age <= 1:
        return rng.choice([S.RECEIVED, S.VALIDATED, S.DEDUP_PENDING])
    if age <= 4:
        return rng.choice([S.DEDUP_PENDING, S.PRINTED, S.PRINTED])
    if age <= 9:
        return rng.choice([S.PRINTED, S.AT_OFFICE, S.AT_OFFICE, S.PICKED_UP])
    return rng.choice([S.AT_OFFICE, S.PICKED_UP, S.PICKED_UP, S.PICKED_UP])


def _path(fate: str) -> list[str]:
    if fate == S.REJECTED:
        return [S.VALIDATED, S.DEDUP_PENDING, S.REJECTED]
    path = [S.VALIDATED, S.DEDUP_PENDING]
    if fate in (S.RECEIVED, S.VALIDATED, S.DEDUP_PENDING):
        return path[: path.index(fate) + 1] if fate != S.RECEIVED else []
    return path + [S.PRINT_READY] + AFTER_PRINT[: AFTER_PRINT.index(fate) + 1]


def seed_reports(kota: str = "72.71", *, keep=(), seed: int = 14) -> int:
    """Returns the number of recordings added (0 when the demo has them already). `keep`: NIKs
    the demo prints for other walk-throughs (left unrecorded)."""
    if KtpRequestEvent.objects.filter(details__demo="reports").exists():
        return 0
    from adminduk.printing.signals import route_print_ready

    rng = random.Random(seed)
    today = timezone.localdate()
    adult_born_by = today.replace(year=today.year - WAJIB_KTP_AGE - 1)
    excluded = _excluded_niks(set(keep))
    offices = {o.kecamatan_id: o for o in Office.objects.filter(kind=Office.Kind.KECAMATAN, regency_id=kota)}
    dinas = Office.objects.filter(kind=Office.Kind.DINAS, regency_id=kota).first()
    stations = {s.office_id: s for s in Station.objects.filter(revoked_at__isnull=True).order_by("registered_at")}
    kecamatan = sorted({code for code in Resident.objects.filter(kelurahan__kecamatan__regency_id=kota).values_list("kelurahan__kecamatan_id", flat=True).distinct()})
    added = 0
    # Print ready here is only a step on the way to the card: no print job is routed for it.
    post_save.disconnect(route_print_ready, sender=KtpRequestEvent, dispatch_uid="printing.route_print_ready")
    try:
        with transaction.atomic():
            for index, code in enumerate(kecamatan):
                pace = PACES[index % len(PACES)]
                candidates = list(
                    Resident.objects.filter(kelurahan__kecamatan_id=code, life_status="hidup", citizenship="WNI", birth_date__lte=adult_born_by)
                    .exclude(nik__in=excluded).order_by("nik").select_related("kelurahan")[: pace * DAYS * 2]
                )
                rng.shuffle(candidates)
                office = offices.get(code) or dinas
                station = stations.get(office.pk)
                for age in range(DAYS, 0, -1):
                    day = today - dt.timedelta(days=age)
                    for n in range(max(0, round(rng.gauss(pace, pace / 3)))):
                        if not candidates:
                            break
                        added += _record(candidates.pop(), office, station, day, n, age, rng)
    finally:
        post_save.connect(route_print_ready, sender=KtpRequestEvent, dispatch_uid="printing.route_print_ready")
    summary.rebuild()
    return added


def _record(resident, office, station, day: dt.date, n: int, age: int, rng: random.Random) -> int:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=7 * n))
    request = requests.open_request(
        nik=resident.nik, office=office, kecamatan_code=resident.kelurahan.kecamatan_id, status=S.RECEIVED, resident=resident,
        station=station, device_time=at, details=MARKER,
    )
    fate = _fate(age, rng)
    step_at = at
    for status in _path(fate):
        step_at += dt.timedelta(hours=rng.randint(2, 30)) if status in (S.PRINTED, S.AT_OFFICE, S.PICKED_UP) else dt.timedelta(minutes=20)
        step_at = min(step_at, timezone.now())
        reason = "Demo: duplikat ditemukan" if status == S.REJECTED else ""
        request = requests.transition(request, status, device_time=step_at, reason=reason, details=MARKER, rejection_code="duplicate" if reason else "")
    # The status's age on the backlog: from the (simulated) time of the last step.
    KtpRequest.objects.filter(pk=request.pk).update(updated_at=step_at)
    return 1
