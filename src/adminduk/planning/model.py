"""What the planner takes and what it gives back: plain data, no Django."""

import datetime as dt
from dataclasses import dataclass, field

JUTA = 1_000_000


@dataclass(frozen=True)
class KecamatanInput:
    kode: str
    nama: str
    wajib_ktp: int
    recorded: int
    sets: int  # recording sets in service now
    printers: int  # card printers in service now
    per_set_per_day: float  # recordings one set takes in a working day at the current hours
    evening: bool = False  # already serves in the evening (per_set_per_day includes it)

    @property
    def remaining(self) -> int:
        return max(0, self.wajib_ktp - self.recorded)


@dataclass(frozen=True)
class Costs:
    """Rupiah. A card printer is about Rp 50 juta (Kota Bengkulu); a recording set (PC,
    camera, fingerprint and iris scanners, signature pad) is taken as Rp 150 juta; an evening
    shift (operators' overtime, power) as Rp 500 ribu per office per working day."""

    recording_set: int = 150 * JUTA
    printer: int = 50 * JUTA
    evening_per_day: int = 500_000
    evening_per_period: int | None = None  # a flat price for the whole period instead

    def evening_for(self, working_days: int) -> int:
        if self.evening_per_period is not None:
            return self.evening_per_period
        return self.evening_per_day * working_days


@dataclass(frozen=True)
class Limits:
    """Caps and rates. Space: an office takes at most `max_sets` recording sets (Palembang
    planned 7-8 for its largest kecamatan) and `max_printers` card printers."""

    max_sets: int = 8
    max_printers: int = 3
    max_dinas_printers: int = 10
    evening_share: float = 0.5  # an evening shift (16:00-20:00) adds half a day (08:00-16:00) per set
    cards_per_printer_per_day: int = 200  # DOMAIN.md: a card printer does 200-250 cards a day
    lead_days: int = 0  # working days until a new set or printer is in service
    spoilage: float = 0.02  # blangko spoiled in printing, on top of the cards


@dataclass(frozen=True)
class PlanRequest:
    kecamatan: list[KecamatanInput]
    start: dt.date
    deadline: dt.date
    budget: int | None = None  # rupiah; None: no limit
    costs: Costs = field(default_factory=Costs)
    limits: Limits = field(default_factory=Limits)
    dinas_printers: int = 0  # printers at the Dinas, shared by every kecamatan
    blangko_stock: dict[str, int] = field(default_factory=dict)  # kode (or "dinas") -> blank cards in stock
    closed_days: frozenset[dt.date] = frozenset()  # cuti bersama and other closures besides national holidays


@dataclass(frozen=True)
class KecamatanPlan:
    kode: str
    nama: str
    remaining: int
    daily_capacity: float  # recordings a working day now
    completion_date: dt.date | None  # at the current capacity; None: never (no set in service)
    add_sets: int
    add_printers: int
    evening: bool  # serves in the evening under the plan
    open_evening: bool  # the plan opens the evening (it was closed)
    new_daily_capacity: float
    new_completion_date: dt.date | None
    meets_deadline: bool
    cards_here: int  # cards printed at this office under the plan
    cards_at_dinas: int  # this kecamatan's cards printed at the Dinas
    cards_late: int  # cards that cannot be printed by the deadline (printers capped)
    blangko_needed: int  # blank cards to send here (cards plus spoilage, less stock)
    cost: int
    impossible: bool  # cannot meet the deadline at any budget within the caps


@dataclass(frozen=True)
class Plan:
    feasible: bool
    cost: int
    shortfall: int  # rupiah missing from the budget (0 when within it)
    required_budget: int  # least cost of meeting the deadline wherever the caps allow it
    budget: int | None
    start: dt.date
    deadline: dt.date
    working_days: int
    kecamatan: list[KecamatanPlan]
    add_dinas_printers: int
    dinas_blangko_needed: int
    impossible: list[str]  # kode of kecamatan that cannot meet the deadline at any budget
    limits: Limits
    costs: Costs
    solve_seconds: float
    mip_gap: float
    current_completion_date: dt.date | None  # the last kecamatan to finish at the current capacity
    new_completion_date: dt.date | None
    pooled_working_days: float | None  # remaining / daily capacity over the whole area now

    def as_json(self) -> dict:
        """The command's --json object, exactly its documented keys."""
        return {
            "feasible": self.feasible,
            "cost": self.cost,
            "shortfall": self.shortfall,
            "kecamatan": [
                {
                    "kode": k.kode,
                    "completion_date": _iso(k.completion_date),
                    "add_sets": k.add_sets,
                    "add_printers": k.add_printers,
                    "evening": k.evening,
                    "new_completion_date": _iso(k.new_completion_date),
                }
                for k in self.kecamatan
            ],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
