"""The simulation's inputs for one office: from the walk-in queue's records when there are
enough (service times, walk-ins per hour, bookings' no-shows), otherwise stated defaults.
The page says which were used."""

import datetime as dt
import statistics

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.appointments.choices import BookingStatus
from adminduk.appointments.models import Booking
from adminduk.offices.models import OpeningHours
from adminduk.offices.queries import active_capacity
from adminduk.queueing.choices import Service, TicketStatus
from adminduk.queueing.models import Ticket

from .simulation import SimulationInputs, percentile

WINDOW_DAYS = 60
MIN_SERVED = 30  # served recording tickets with a service time before the queue's figures are used
MIN_BOOKINGS = 20  # closed bookings before their no-show rate is used


def for_office(office, *, now: dt.datetime | None = None) -> SimulationInputs:
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    day_opens, day_closes, evening_closes = _hours_of(office)
    sets = active_capacity(office).recording_sets
    base = SimulationInputs(sets=sets, day_opens=day_opens, day_closes=day_closes, evening_closes=evening_closes)
    notes = []
    tickets = list(
        Ticket.objects.filter(office=office, service=Service.PEREKAMAN, issued_at__gte=since)
        .values_list("status", "issued_at", "first_called_at", "last_called_at", "finished_at", "booking_id", "day")
    )
    durations = [
        (finished - called).total_seconds() / 60
        for status, _issued, _first, called, finished, _booking, _day in tickets
        if status == TicketStatus.SERVED and called and finished and finished > called
    ]
    source = "defaults"
    changes = {}
    if len(durations) >= MIN_SERVED:
        source = "queue"
        changes["service_mean_minutes"] = statistics.fmean(durations)
        changes["service_sd_minutes"] = statistics.pstdev(durations) or 0.5
        days = {day for *_rest, day in tickets}
        tz = office.local_timezone()
        walk_ins: dict[int, int] = {}
        for _status, issued, *_rest in (t for t in tickets if t[5] is None):
            hour = issued.astimezone(tz).hour
            walk_ins[hour] = walk_ins.get(hour, 0) + 1
        changes["walk_in_per_hour"] = {hour: n / len(days) for hour, n in walk_ins.items()}
        waits = [(first - issued).total_seconds() / 60 for _s, issued, first, *_r in tickets if first]
        notes.append(
            _("From the queue of the last %(days)d days: %(served)d recordings, %(minutes).1f minutes each on average, "
              "walk-ins by the hour on %(open)d days; real waits p50 %(p50).0f and p90 %(p90).0f minutes.")
            % {
                "days": WINDOW_DAYS,
                "served": len(durations),
                "minutes": changes["service_mean_minutes"],
                "open": len(days),
                "p50": percentile(waits, 0.5) or 0,
                "p90": percentile(waits, 0.9) or 0,
            }
        )
        if not any(hour >= int(day_closes) for hour in walk_ins):
            notes.append(_("The office has no evening records: evening walk-ins follow the default profile."))
    else:
        notes.append(
            _("Fewer than %(n)d recordings with a service time in the queue's last %(days)d days: stated defaults "
              "(5 minutes a recording, 40%% of each hour booked, walk-ins with a morning rush and an evening peak).")
            % {"n": MIN_SERVED, "days": WINDOW_DAYS}
        )
    closed = dict(
        Booking.objects.filter(office=office, slot__starts_at__gte=since, slot__starts_at__lt=now, status__in=[BookingStatus.ATTENDED, BookingStatus.NO_SHOW])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(closed.values())
    if total >= MIN_BOOKINGS:
        changes["no_show_rate"] = closed.get(BookingStatus.NO_SHOW, 0) / total
        notes.append(_("No-shows from %(n)d past bookings: %(rate).0f%%.") % {"n": total, "rate": 100 * changes["no_show_rate"]})
    else:
        notes.append(_("No-shows: the default %(rate)d%% of bookings.") % {"rate": round(100 * base.no_show_rate)})
    return SimulationInputs(**{**base.__dict__, **changes, "source": source, "notes": tuple(notes)})


def _hours_of(office) -> tuple[float, float, float]:
    """(opens, day closes, evening closes) on Mondays, as hours since midnight; the evening
    runs to 20:00 whether the office serves it now or not."""
    rows = list(OpeningHours.objects.filter(office=office, weekday=0).values_list("opens", "closes"))
    if not rows:
        return 8.0, 16.0, 20.0
    opens = min(o.hour + o.minute / 60 for o, _c in rows)
    day_close = max((c.hour + c.minute / 60 for _o, c in rows if c <= dt.time(16)), default=16.0)
    evening_close = max(20.0, max(c.hour + c.minute / 60 for _o, c in rows))
    return opens, day_close, evening_close
