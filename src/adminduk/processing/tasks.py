"""Huey tasks of the central pipeline. One task per stage; each enqueues the next when its
stage passes or flags, so stages of many packets interleave over all workers."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from adminduk.biometrics.matching import MatcherUnavailable
from adminduk.enrollment.packets import KIND_RECORDING
from adminduk.sync.models import InboxPacket

from . import jurisdiction, pipeline
from .models import StageResult

STALLED_AFTER = dt.timedelta(minutes=10)


@db_task(retries=5, retry_delay=60)
def run_stage(packet_id: str, stage: str) -> str:
    try:
        result = pipeline.run_stage(packet_id, stage)
    except MatcherUnavailable:
        raise  # retried by Huey; the stage left nothing behind
    except pipeline.Held:
        return "held"  # jurisdiction.decide_outside_home enqueues the packet again on acceptance
    following = pipeline.next_stage(stage)
    if result.outcome != StageResult.Outcome.REJECTED and following is not None:
        run_stage(packet_id, following)
    return result.outcome


def enqueue_packet(packet_id) -> None:
    # Event packets of other apps (printing's print_event) are applied by those apps.
    if InboxPacket.objects.filter(pk=packet_id).exclude(kind=KIND_RECORDING).exists():
        return
    stage = pipeline.pending_stage(packet_id)
    if stage is not None:
        run_stage(str(packet_id), stage)


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    """Receiver of sync.signals.packet_stored (sent after the inbox commit, once per batch).
    One task for the batch: the node's acknowledgement waits for this, the stages do not."""
    if packet_ids:
        start_packets([str(packet_id) for packet_id in packet_ids])


@db_task(retries=5, retry_delay=60)
def start_packets(packet_ids: list[str]) -> int:
    """Enqueue the first pending stage of each packet of a delivered batch."""
    for packet_id in packet_ids:
        enqueue_packet(packet_id)
    return len(packet_ids)


@db_periodic_task(crontab(minute="*/5"))
def resume_stalled() -> int:
    """Re-enqueue packets whose processing stopped (worker crash, matcher down)."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = InboxPacket.objects.filter(
        state__in=[InboxPacket.State.RECEIVED, InboxPacket.State.PROCESSING], updated_at__lt=cutoff
    ).exclude(state_detail=jurisdiction.HELD_DETAIL)  # waiting for a person, not stalled
    count = 0
    for packet_id in stalled.values_list("id", flat=True)[:500]:
        enqueue_packet(packet_id)
        count += 1
    return count


@db_periodic_task(crontab(minute="*/15"))
def save_dedup_index() -> None:
    """Persist this worker's FAISS index so a restart loads it instead of rebuilding."""
    if settings.ADMINDUK_MATCHER == "faiss" and settings.ROLE == "central":
        from adminduk.biometrics.gallery import faiss_matcher

        faiss_matcher().save()


def _on_review_accepted(sender, packet_id, **kwargs):
    enqueue_packet(packet_id)


jurisdiction.review_accepted.connect(_on_review_accepted, dispatch_uid="processing.review_accepted")
