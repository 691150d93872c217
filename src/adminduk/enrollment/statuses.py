"""The statuses of an e-KTP request and the moves between them (ARCHITECTURE.md), with the
SIAK status names operators know shown beside ours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CHECKED_IN = "checked_in", _("checked in")
    RECORDED = "recorded", _("recorded")
    SENT = "sent", _("sent to the central")
    RECEIVED = "received", _("received at the central")
    VALIDATED = "validated", _("validated")
    DEDUP_PENDING = "dedup_pending", _("de-duplication pending")
    DUPLICATE_SUSPECTED = "duplicate_suspected", _("suspected duplicate")
    ADJUDICATED = "adjudicated", _("adjudicated")
    PRINT_READY = "print_ready", _("print ready")
    PRINTING = "printing", _("printing")
    PRINTED = "printed", _("printed")
    IN_TRANSIT = "in_transit", _("in transit")
    AT_OFFICE = "at_office", _("at the office for pickup")
    PICKED_UP = "picked_up", _("picked up")
    REJECTED = "rejected", _("rejected")


S = RequestStatus

# Where each status may go next. `rejected` (with a reason) is possible at every check.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.BOOKED: frozenset({S.CHECKED_IN, S.REJECTED}),
    S.CHECKED_IN: frozenset({S.RECORDED, S.REJECTED}),
    S.RECORDED: frozenset({S.SENT, S.RECEIVED, S.REJECTED}),  # the central's copy starts at received
    S.SENT: frozenset({S.RECEIVED, S.REJECTED}),
    S.RECEIVED: frozenset({S.VALIDATED, S.REJECTED}),
    S.VALIDATED: frozenset({S.DEDUP_PENDING, S.REJECTED}),
    S.DEDUP_PENDING: frozenset({S.PRINT_READY, S.DUPLICATE_SUSPECTED, S.REJECTED}),
    S.DUPLICATE_SUSPECTED: frozenset({S.ADJUDICATED, S.REJECTED}),
    S.ADJUDICATED: frozenset({S.PRINT_READY, S.REJECTED}),
    S.PRINT_READY: frozenset({S.PRINTING, S.REJECTED}),
    S.PRINTING: frozenset({S.PRINTED, S.PRINT_READY, S.REJECTED}),  # a failed print goes back
    # A card spoiled, damaged or lost before handover is printed again (printing/actions/jobs.py).
    S.PRINTED: frozenset({S.IN_TRANSIT, S.AT_OFFICE, S.PRINT_READY}),
    S.IN_TRANSIT: frozenset({S.AT_OFFICE, S.PRINT_READY}),
    S.AT_OFFICE: frozenset({S.PICKED_UP, S.PRINT_READY}),
    S.PICKED_UP: frozenset(),
    S.REJECTED: frozenset(),
}

# A request in one of these is finished: the resident may be recorded again.
CLOSED = frozenset({S.PICKED_UP, S.REJECTED})

SIAK_STATUS = {
    S.RECORDED: "BIO_CAPTURED",
    S.SENT: "SENT_FOR_ENROLLMENT",
    S.RECEIVED: "RECEIVED_AT_CENTRAL",
    S.VALIDATED: "RECEIVED_AT_CENTRAL",
    S.DEDUP_PENDING: "RECEIVED_AT_CENTRAL",
    S.DUPLICATE_SUSPECTED: "ADJUDICATE_RECORD",
    S.ADJUDICATED: "ADJUDICATE_RECORD",
    S.PRINT_READY: "PRINT_READY_RECORD",
    S.PRINTING: "PRINT_READY_RECORD",
    S.PRINTED: "CARD_PRINTED",
    S.IN_TRANSIT: "CARD_PRINTED",
    S.AT_OFFICE: "CARD_PRINTED",
    S.PICKED_UP: "CARD_ISSUED",
}


def siak_status(status: str, rejection_code: str = "") -> str:
    """The SIAK name for `status`; a rejection is named after the check that refused it."""
    if status == S.REJECTED:
        return {
            "duplicate": "DUPLICATE_RECORD",
            "search_failure": "SEARCH_FAILURE_AT_CENTRAL",
        }.get(rejection_code, "ENROLL_FAILURE_AT_CENTRAL")
    return SIAK_STATUS.get(status, "")


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())
