"""Allocating new NIKs and KK numbers: next free serial per region and date, safe under
concurrent allocation (a locked counter row on PostgreSQL; SQLite serialises writers)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .models import Family, Resident, SerialCounter


# KK serials 5000-9999 of each kecamatan and day are handed out in blocks to the offices that
# issue KK numbers offline (adminduk.documents.numbers); this counter stays below them.
KK_COUNTER_MAX = 4999


class SerialsExhausted(rules.NumberError):
    pass


def _highest_existing_serial(model, field: str, prefix: str, ceiling: int = rules.MAX_SERIAL) -> int:
    # A range on the unique index: numbers imported from elsewhere never collide with new ones.
    numbers = model.objects.filter(**{f"{field}__gte": prefix + "0000", f"{field}__lte": prefix + f"{ceiling:04d}"})
    highest = numbers.order_by(f"-{field}").values_list(field, flat=True).first()
    return int(highest[-4:]) if highest else 0


def _next_serial(kind: str, prefix: str, model, field: str, ceiling: int = rules.MAX_SERIAL) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate inside the transaction that stores the number")
    SerialCounter.objects.bulk_create([SerialCounter(kind=kind, prefix=prefix)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(kind=kind, prefix=prefix)
    serial = max(counter.last_serial, _highest_existing_serial(model, field, prefix, ceiling)) + 1
    if serial > ceiling:
        raise SerialsExhausted(
            "serials_exhausted",
            _("All 9999 serials for %(prefix)s are in use.") % {"prefix": prefix},
        )
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    return serial


def allocate_nik(kecamatan_code: str, birth_date: dt.date, sex: str) -> str:
    """A new NIK issued at `kecamatan_code`. Call inside the transaction that stores it."""
    prefix = rules.nik_prefix(kecamatan_code, birth_date, sex)
    return rules.with_serial(prefix, _next_serial(SerialCounter.Kind.NIK, prefix, Resident, "nik"))


def allocate_kk_number(kecamatan_code: str, issued_on: dt.date) -> str:
    prefix = rules.kk_prefix(kecamatan_code, issued_on)
    return rules.with_serial(prefix, _next_serial(SerialCounter.Kind.KK, prefix, Family, "kk_number", KK_COUNTER_MAX))
