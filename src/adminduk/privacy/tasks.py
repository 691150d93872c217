from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="*/2"))
def forward_node_reads() -> int:
    """On a node: staff reads of residents go to the central's trackers (privacy.node_reads)."""
    from .node_reads import forward_pending

    total = 0
    while (sent := forward_pending()) > 0:
        total += sent
    return total


@db_task(retries=3, retry_delay=30)
def apply_forwarded_reads(packet_ids: list[str]) -> int:
    from .node_reads import apply_packet

    for packet_id in packet_ids:
        apply_packet(packet_id)
    return len(packet_ids)


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    from adminduk.sync.models import InboxPacket

    from .node_reads import KIND_AUDIT_READS

    ids = [str(p) for p in InboxPacket.objects.filter(pk__in=list(packet_ids), kind=KIND_AUDIT_READS).order_by("received_at", "id").values_list("id", flat=True)]
    if ids:
        apply_forwarded_reads(ids)
