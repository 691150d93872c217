"""Huey tasks that apply the booking events of the offices' nodes (check-ins, attended, no-show)
at the central once they are stored in the inbox (appointments.applying). Registered when the
app is ready (apps.py imports this module for its signal receiver)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .events import KIND_BOOKING_EVENT


@db_task(retries=3, retry_delay=30)
def apply_events(packet_ids: list[str]) -> int:
    from .applying import apply_packet

    for packet_id in packet_ids:
        apply_packet(packet_id)
    return len(packet_ids)


@db_periodic_task(crontab(minute="*/5"))
def resume_booking_events() -> int:
    """Events a lost task left behind, and events still waiting for the one they follow."""
    from .applying import apply_pending

    return apply_pending()


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    """Receiver of sync.signals.packet_stored (after the inbox commit, once per batch)."""
    from adminduk.sync.events import in_node_order

    ids = in_node_order(KIND_BOOKING_EVENT, packet_ids)
    if ids:
        apply_events(ids)
