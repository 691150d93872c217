from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def apply_events(packet_ids: list[str]) -> int:
    from .applying import apply_packet

    for packet_id in packet_ids:
        apply_packet(packet_id)
    return len(packet_ids)


@db_periodic_task(crontab(minute="*/5"))
def resume_civil_events() -> int:
    """Counter applications stored but not applied yet (a worker died, a task was lost)."""
    from .applying import apply_pending

    return apply_pending()


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    """Receiver of sync.signals.packet_stored (after the inbox commit, once per batch)."""
    from adminduk.sync.events import in_node_order

    from .events import KIND_CIVIL_EVENT

    ids = in_node_order(KIND_CIVIL_EVENT, packet_ids)
    if ids:
        apply_events(ids)


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_expired_documents() -> int:
    """Uploaded documents of applications decided longer ago than the retention period."""
    from .retention import purge_documents

    return purge_documents().deleted
