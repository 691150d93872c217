"""Document numbers that an office can issue while its node is offline, without any counter that
two offices can both advance.

Every numbered series has a daily serial space within a scope (akta and suket numbers: the
kab/kota; KK numbers: the kecamatan, as the KK number itself says). The central cuts that space
into blocks of serials and reserves each block for one office at one place: its node, or the
central itself when the central issues for that office. A holder draws from its own blocks
only, counting per block and day (NumberUse), so two holders never produce the same number,
online or offline. The central writes the series rows under a row lock, so two central
processes never reserve overlapping blocks.

KK serials 0001-4999 of each kecamatan and day stay with the registry's own counter
(population.numbers); blocks take 5000-9999.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.population import rules as population_rules
from adminduk.regions import codes as region_codes

from .models import NumberBlock, NumberSeries, NumberUse

Series = NumberSeries.Series
Holder = NumberBlock.Holder


@dataclass(frozen=True)
class SeriesRule:
    scope: str  # "regency" or "kecamatan"
    first: int
    last: int
    block_size: int


RULES = {
    Series.AKTA_KELAHIRAN: SeriesRule("regency", 1, 9999, 300),
    Series.AKTA_KEMATIAN: SeriesRule("regency", 1, 9999, 300),
    Series.SUKET: SeriesRule("regency", 1, 9999, 300),
    Series.KK: SeriesRule("kecamatan", 5000, 9999, 100),
}


class NumbersUnavailable(ValueError):
    """No number can be issued here: say why (no block held, the day's serials used up...)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def here() -> str:
    """Which holder this installation is."""
    return Holder.NODE if settings.ROLE == "node" else Holder.CENTRAL


def scope_for(series: str, office, kecamatan_code: str = "") -> str:
    rule = RULES[Series(series)]
    if rule.scope == "regency":
        return office.regency_id
    code = kecamatan_code or office.kecamatan_id or ""
    if not code:
        raise NumbersUnavailable("no_kecamatan", _("A KK number needs the kecamatan of the family."))
    return code


def format_number(series: str, scope: str, day: dt.date, serial: int) -> str:
    """The printed number: akta `7271-LU-03122026-0001` / `7271-KM-...`, suket
    `SKT-7271-20261203-0001`, KK the 16 digits `PPKKCC DDMMYY SSSS`."""
    compact = region_codes.compact(scope)
    if series == Series.AKTA_KELAHIRAN:
        return f"{compact}-LU-{day:%d%m%Y}-{serial:04d}"
    if series == Series.AKTA_KEMATIAN:
        return f"{compact}-KM-{day:%d%m%Y}-{serial:04d}"
    if series == Series.SUKET:
        return f"SKT-{compact}-{day:%Y%m%d}-{serial:04d}"
    return population_rules.with_serial(population_rules.kk_prefix(scope, day), serial)


# --- At the central: reserving blocks ------------------------------------------------------------


@transaction.atomic
def reserve_block(series: str, office, *, holder: str, kecamatan_code: str = "", size: int | None = None, actor=None) -> NumberBlock:
    """Reserve the next free serials of `series` for `office` at `holder` (the central only)."""
    if settings.ROLE == "node":
        raise NumbersUnavailable("central_only", _("Number blocks are reserved at the central."))
    series = Series(series)
    rule = RULES[series]
    scope = scope_for(series, office, kecamatan_code)
    if rule.scope == "kecamatan" and holder == Holder.NODE and scope != office.kecamatan_id:
        raise NumbersUnavailable("wrong_kecamatan", _("An office's node holds KK numbers of its own kecamatan only."))
    size = int(size or rule.block_size)
    if size < 1:
        raise NumbersUnavailable("bad_size", _("A block holds at least one number."))
    NumberSeries.objects.bulk_create([NumberSeries(series=series, scope=scope, next_first=rule.first)], ignore_conflicts=True)
    row = NumberSeries.objects.select_for_update().get(series=series, scope=scope)
    last = row.next_first + size - 1
    if last > rule.last:
        raise NumbersUnavailable("series_full", _("No serials of %(series)s are left to reserve in %(scope)s.") % {"series": series.label, "scope": scope})
    block = NumberBlock.objects.create(series=series, scope=scope, office=office, holder=holder, first=row.next_first, last=last)
    row.next_first = last + 1
    row.save(update_fields=["next_first"])
    record(None, "create", actor=actor, object_type="number_block", object_id=str(block.pk), kecamatan_code=office.kecamatan_id or "",
           details={"series": series.value, "scope": scope, "office": office.code, "holder": holder, "first": block.first, "last": block.last})
    return block


def ensure_node_blocks(office) -> list[NumberBlock]:
    """The blocks `office`'s node holds, reserving one per series it lacks (the pull calls this)."""
    held = list(NumberBlock.objects.filter(office=office, holder=Holder.NODE))
    have = {b.series for b in held}
    for series, rule in RULES.items():
        if series in have or (rule.scope == "kecamatan" and not office.kecamatan_id):
            continue
        try:
            held.append(reserve_block(series, office, holder=Holder.NODE))
        except NumbersUnavailable:
            continue  # the series is full: the node says so when it needs a number
    return held


# --- Where the block is held: issuing numbers ------------------------------------------------------


def next_number(series: str, office, *, kecamatan_code: str = "", day: dt.date | None = None) -> str:
    """The next number of `series` that this installation issues for `office` today, drawn from
    a block held here. Call inside the transaction that stores the document. On the central a
    block is reserved when none has room; on a node, NumbersUnavailable says to sync."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("draw a number inside the transaction that stores it")
    series = Series(series)
    scope = scope_for(series, office, kecamatan_code)
    day = day or timezone.localdate()
    holder = here()
    blocks = NumberBlock.objects.filter(series=series, scope=scope, office=office, holder=holder).order_by("first")
    for block in blocks:
        serial = _draw(block, day)
        if serial is not None:
            number = format_number(series, scope, day, serial)
            if series == Series.KK and _kk_taken(number):
                continue  # an imported KK with this number: the block's next serial is drawn next time
            return number
    if holder == Holder.CENTRAL:
        block = reserve_block(series, office, holder=holder, kecamatan_code=kecamatan_code)
        return format_number(series, scope, day, _draw(block, day))
    raise NumbersUnavailable(
        "no_block",
        _("This office has no %(series)s numbers left for today: connect the node to the central to receive a number block.") % {"series": series.label},
    )


def _draw(block: NumberBlock, day: dt.date) -> int | None:
    NumberUse.objects.bulk_create([NumberUse(block=block, day=day, used=0)], ignore_conflicts=True)
    use = NumberUse.objects.select_for_update().get(block=block, day=day)
    if use.used >= block.size:
        return None
    use.used += 1
    use.save(update_fields=["used"])
    return block.first + use.used - 1


def _kk_taken(number: str) -> bool:
    from adminduk.population.models import Family

    return Family.objects.filter(kk_number=number).exists()
