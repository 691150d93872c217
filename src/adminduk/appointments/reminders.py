"""Reminders the day before: every open booking of tomorrow (office-local) that has not had
one, each marked when sent so a rerun or a second worker sends nothing twice."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .choices import BookingStatus
from .models import Booking
from .notify import send_reminder


@dataclass
class ReminderRun:
    sent: int = 0
    without_consent: int = 0
    without_phone: int = 0


def send_reminders(now: dt.datetime | None = None) -> ReminderRun:
    run = ReminderRun()
    if settings.ROLE == "node":
        return run  # the central reminds: the node's copies of bookings would send each reminder twice
    now = now or timezone.now()
    tomorrow = now.astimezone(timezone.get_default_timezone()).date() + dt.timedelta(days=1)
    pending = Booking.objects.filter(status=BookingStatus.BOOKED, slot__date=tomorrow, reminder_sent_at__isnull=True).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            # Claimed under a row lock: two workers never remind the same booking.
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("slot__office", "office", "resident")
                .filter(pk=pk, reminder_sent_at__isnull=True, status=BookingStatus.BOOKED)
                .first()
            )
            if booking is None:
                continue
            Booking.objects.filter(pk=pk).update(reminder_sent_at=now)
            message = send_reminder(booking)
        if message is None:
            run.without_phone += 1
        elif message.status == "no_consent":  # a reminder is not essential (messaging.consent)
            run.without_consent += 1
        else:
            run.sent += 1
    return run
