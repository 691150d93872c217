"""The node's outbox: where a sealed packet waits until the central acknowledges it."""

import hashlib

from django.db import transaction

from adminduk.enrollment.packets import parse_packet

from .models import OutboxPacket


@transaction.atomic
def enqueue(body: bytes) -> OutboxPacket:
    """Store a sealed, signed packet for delivery. Call in the transaction that records what the
    packet carries, so a recording and its packet are kept together or not at all."""
    packet = parse_packet(body)
    return OutboxPacket.objects.create(
        id=packet.packet_id, kind=packet.kind, body=body, size=len(body), sha256=hashlib.sha256(body).hexdigest()
    )
