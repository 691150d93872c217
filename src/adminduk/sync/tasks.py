"""Huey tasks that apply the node event packets of every registered kind (sync.events.KINDS:
printing, civil, booking and document events) at the central once they are stored in the inbox:
one task, one periodic resume and one receiver of sync.signals.packet_stored for them all.
Which kinds exist is the registry's business; each app registers its EventKind when it is ready."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import events


@db_task(retries=3, retry_delay=30)
def apply_events(kind: str, packet_ids: list[str]) -> int:
    """Apply stored packets of `kind`, in the order given (the node's)."""
    handler = events.KINDS[kind]
    for packet_id in packet_ids:
        events.apply_packet(handler, packet_id)
    return len(packet_ids)


@db_periodic_task(crontab(minute="*/5"))
def resume_node_events() -> int:
    """Events a lost task left behind, and events still waiting for the one they follow."""
    return sum(events.apply_pending(handler) for handler in list(events.KINDS.values()))


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    """Receiver of sync.signals.packet_stored (after the inbox commit, once per batch): the new
    packets of each kind go to one task in the node's order; a kind marked `inline` (document
    keys and numbers, which later events of the same batch rely on) is applied at once."""
    for handler in list(events.KINDS.values()):
        ids = events.in_node_order(handler.kind, packet_ids)
        if not ids:
            continue
        if handler.inline:
            for packet_id in ids:
                events.apply_packet(handler, packet_id)
        else:
            apply_events(handler.kind, ids)
