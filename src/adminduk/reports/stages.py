"""How a resident counts in the summaries: the e-KTP stage of a request status, and the day a
resident becomes wajib KTP (population.rules decides who is; this gives the date)."""

import datetime as dt

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population.choices import Citizenship, LifeStatus
from adminduk.population.rules import WAJIB_KTP_AGE, birthday_at_age, is_or_was_married

# Cumulative stages shown on the dashboard: a printed card is also recorded and print ready.
STAGES = ("recorded", "print_ready", "printed", "picked_up")
STAGE_OF_STATUS = {
    S.RECORDED: 1, S.SENT: 1, S.RECEIVED: 1, S.VALIDATED: 1, S.DEDUP_PENDING: 1, S.DUPLICATE_SUSPECTED: 1, S.ADJUDICATED: 1,
    S.PRINT_READY: 2, S.PRINTING: 2,
    S.PRINTED: 3, S.IN_TRANSIT: 3, S.AT_OFFICE: 3,
    S.PICKED_UP: 4,
}
OPEN_STATUSES = [s.value for s in S if s not in (S.PICKED_UP, S.REJECTED)]


def stage(status: str) -> int:
    """0 (not recorded: none, booked, checked in, rejected) to 4 (picked up)."""
    return STAGE_OF_STATUS.get(status, 0)


def wajib_from(*, birth_date: dt.date, marital_status: str, citizenship: str, has_kitap: bool, life_status: str) -> dt.date | None:
    """The day from which population.rules.is_wajib_ktp holds, or None if it never will as the
    record stands (only a change to the record can make it so)."""
    if life_status != LifeStatus.HIDUP or (citizenship != Citizenship.WNI and not has_kitap):
        return None
    if is_or_was_married(marital_status):
        return birth_date
    return birthday_at_age(birth_date, WAJIB_KTP_AGE)
