"""Dashboard parts read from small operational tables of the offices in scope: adjudication
cases, blangko stock, bookings and queue waits, civil applications, node health."""

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.offices.models import Office

from .filters import Filters
from .tables import Table

ONLINE_MINUTES = 10
INTERMITTENT_HOURS = 6


def offices_in(f: Filters, *, kota_wide: bool) -> list[Office]:
    offices = list(Office.objects.filter(is_active=True, kecamatan_id__in=f.kecamatan_codes).order_by("name"))
    if kota_wide and not f.kecamatan:
        offices = list(Office.objects.filter(is_active=True, kind=Office.Kind.DINAS, regency_id__in={c[:5] for c in f.kecamatan_codes}).order_by("name")) + offices
    return offices


def adjudication_table(f: Filters, *, now=None) -> Table:
    from adminduk.processing.models import Adjudication

    now = now or timezone.now()
    table = Table("adjudikasi", _("Adjudication queue"), [_("Kecamatan"), _("Open"), _("Flagged for investigation"), _("Oldest open (days)")],
                  empty=_("No adjudication case is waiting in this area."))
    per = defaultdict(lambda: [0, 0, None])
    for code, state, created in Adjudication.objects.filter(kecamatan_code__in=f.kecamatan_codes).exclude(state=Adjudication.State.CLOSED).values_list("kecamatan_code", "state", "created_at"):
        row = per[code]
        row[0 if state == Adjudication.State.OPEN else 1] += 1
        age = (now - created).days
        row[2] = age if row[2] is None else max(row[2], age)
    table.rows = [[code, *values] for code, values in sorted(per.items())]
    return table


def blangko_table(offices: list[Office]) -> Table:
    from adminduk.printing.actions import stock
    from adminduk.printing.models import BlangkoStock

    table = Table("blangko", _("Blangko stock and days left"), [_("Office"), _("In stock"), _("Used per day (14 days)"), _("Days left")],
                  empty=_("No office in this area keeps a blangko ledger (none has received blank cards)."),
                  note=_("Days left: stock ÷ blank cards printed or spoiled per day over the last 14 days; empty when none were used."))
    held = set(BlangkoStock.objects.filter(office__in=offices).values_list("office_id", flat=True))
    for office in offices:
        if office.pk in held:
            left = stock.days_left(office)
            table.rows.append([office.name, stock.on_hand(office), round(stock.daily_use(office), 1), None if left is None else round(left, 1)])
    return table


def bookings_table(f: Filters, offices: list[Office]) -> Table:
    from adminduk.appointments.models import Booking

    table = Table("janji_temu", _("Bookings and no-shows"), [_("Office"), _("Bookings"), _("Attended"), _("Did not come"), _("Cancelled"), _("Still open"), _("No-show rate (%)")],
                  empty=_("No booking for a day in this period at these offices."))
    per = defaultdict(lambda: defaultdict(int))
    rows = Booking.objects.filter(office__in=offices, slot__date__gte=f.date_from, slot__date__lte=f.date_to).values_list("office_id", "status")
    for office, status in rows:
        per[office][status] += 1
    names = {o.pk: o.name for o in offices}
    for office, counts in sorted(per.items(), key=lambda kv: names.get(kv[0], "")):
        done = counts["attended"] + counts["no_show"]
        rate = round(100 * counts["no_show"] / done, 1) if done else None
        table.rows.append([names[office], sum(counts.values()), counts["attended"], counts["no_show"], counts["cancelled"], counts["booked"] + counts["checked_in"], rate])
    return table


def waits_table(f: Filters, offices: list[Office]) -> Table:
    from adminduk.queueing.models import Ticket
    from adminduk.queueing.stats import percentile

    table = Table("antrian", _("Queue waits"), [_("Office"), _("Tickets"), _("Served"), _("Did not come"), _("Mean wait (min)"), _("90th percentile wait (min)")],
                  empty=_("No queue ticket in this period at these offices."), note=_("Wait: from the ticket to the first call."))
    per = defaultdict(list)
    for office, status, issued, called in Ticket.objects.filter(office__in=offices, day__gte=f.date_from, day__lte=f.date_to).values_list("office_id", "status", "issued_at", "first_called_at"):
        per[office].append((status, (called - issued).total_seconds() / 60 if called else None))
    names = {o.pk: o.name for o in offices}
    for office, tickets in sorted(per.items(), key=lambda kv: names.get(kv[0], "")):
        waits = [w for _s, w in tickets if w is not None]
        mean = round(sum(waits) / len(waits), 1) if waits else None
        p90 = percentile(waits, 0.9)
        table.rows.append([names[office], len(tickets), sum(s == "served" for s, _w in tickets), sum(s == "no_show" for s, _w in tickets), mean, None if p90 is None else round(p90, 1)])
    return table


def civil_table(f: Filters, *, now=None) -> Table:
    from adminduk.civil.choices import OPEN, Kind
    from adminduk.civil.models import Application

    now = now or timezone.now()
    table = Table("pencatatan_sipil", _("Civil applications against the service standard"),
                  [_("Kind"), _("Open"), _("Open past the standard"), _("Decided in the period"), _("Decided within the standard"), _("Within the standard (%)")],
                  empty=_("No civil registration application in this area and period."),
                  note=_("Service standard: the decision due time of each application (Standar pelayanan); time waiting for the applicant's documents does not count."))
    start = timezone.make_aware(dt.datetime.combine(f.date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min))
    per = defaultdict(lambda: [0, 0, 0, 0])
    apps = Application.objects.filter(kecamatan_code__in=f.kecamatan_codes)
    for kind, status, due, decided in apps.filter(status__in=sorted(OPEN)).values_list("kind", "status", "due_at", "decided_at"):
        per[kind][0] += 1
        per[kind][1] += status == "submitted" and now > due
    for kind, due, decided in apps.filter(decided_at__gte=start, decided_at__lt=end).values_list("kind", "due_at", "decided_at"):
        per[kind][2] += 1
        per[kind][3] += decided <= due
    for kind in Kind:
        if kind in per:
            counts = per[kind]
            table.rows.append([str(kind.label), *counts, round(100 * counts[3] / counts[2], 1) if counts[2] else None])
    return table


def link_quality(last_seen, now) -> str:
    if last_seen is None:
        return _("never seen")
    age = now - last_seen
    if age <= dt.timedelta(minutes=ONLINE_MINUTES):
        return _("online")
    if age <= dt.timedelta(hours=INTERMITTENT_HOURS):
        return _("intermittent")
    return _("offline")


def network_table(offices: list[Office], *, now=None) -> Table:
    from adminduk.accounts.models import Station
    from adminduk.sync.models import NodeHeartbeat

    now = now or timezone.now()
    table = Table("jaringan", _("Network health per office"),
                  [_("Office"), _("Node"), _("Last seen"), _("Outbox backlog (packets)"), _("Last push"), _("Last pull"), _("Link"), _("Clock offset (s)")],
                  empty=_("No kecamatan node is registered for these offices."),
                  note=_("Link: online if heard from within %(online)s minutes, intermittent within %(hours)s hours, else offline; the backlog is what the node last reported.") % {"online": ONLINE_MINUTES, "hours": INTERMITTENT_HOURS})
    beats = {b.station_id: b for b in NodeHeartbeat.objects.filter(station__office__in=offices)}
    for station in Station.objects.filter(office__in=offices, kind=Station.Kind.NODE, revoked_at__isnull=True).select_related("office").order_by("office__name", "name"):
        beat = beats.get(station.pk)
        seen = beat.last_seen if beat else None
        offset = None if beat is None or beat.node_time_offset is None else round(beat.node_time_offset, 1)
        table.rows.append([station.office.name, station.name, seen and timezone.localtime(seen).strftime("%Y-%m-%d %H:%M"), beat.backlog if beat else None,
                           beat and beat.last_push_at and timezone.localtime(beat.last_push_at).strftime("%Y-%m-%d %H:%M"),
                           beat and beat.last_pull_at and timezone.localtime(beat.last_pull_at).strftime("%Y-%m-%d %H:%M"), link_quality(seen, now), offset])
    return table
