"""The two sync pages: the node's own delivery state, and the central's view of every node."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from adminduk.accounts.access import any_staff_view, staff_view
from adminduk.accounts.models import Station
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import scope_of
from adminduk.offices.models import Office

from . import refusals
from .models import InboxPacket, NodeHeartbeat, NodeState, OutboxPacket, RejectedDelivery

STALE_AFTER = dt.timedelta(minutes=15)


@any_staff_view
def node_status(request):
    """Any staff member of the office may see whether their recordings have left the building:
    counts and reasons only, no personal data (packets are sealed)."""
    state = NodeState.objects.filter(pk=1).first()
    counts = dict(OutboxPacket.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    oldest = OutboxPacket.objects.filter(state=OutboxPacket.State.PENDING).order_by("created_at").values_list("created_at", flat=True).first()
    context = {
        "state": state,
        "backlog": counts.get(OutboxPacket.State.PENDING, 0),
        "delivered": counts.get(OutboxPacket.State.DELIVERED, 0),
        "rejected_count": counts.get(OutboxPacket.State.REJECTED, 0),
        "oldest_pending": oldest,
        "rejected": OutboxPacket.objects.filter(state=OutboxPacket.State.REJECTED).order_by("-rejected_at", "-created_at")[:50],
        # The node's own events the central refused (kinds and reasons: this page shows no personal data).
        "refusals": refusals.for_operators(refusals.recent(), concerns=False) if settings.ROLE == "node" else [],
        "now": timezone.now(),
    }
    template = "sync/partials/node_status_body.html" if request.htmx else "sync/node_status.html"
    return render(request, template, context)


@staff_view(Permission.READ_AUDIT)
def central_overview(request):
    """Per office: when its node was last heard, the backlog it reported and how much arrived."""
    scope = scope_of(request.user)
    now = timezone.now()
    since = now - dt.timedelta(hours=24)
    offices = [
        o for o in Office.objects.filter(is_active=True).order_by("kind", "name")
        if o.regency_id in scope.regency_codes or (o.kecamatan_id and scope.covers(o.kecamatan_id))
    ]
    beats = (
        NodeHeartbeat.objects.filter(station__office__in=offices)
        .values("station__office")
        .annotate(last_seen=Max("last_seen"), last_push=Max("last_push_at"), backlog=Sum("backlog"),
                  stored=Sum("packets_stored"), duplicate=Sum("packets_duplicate"), rejected=Sum("packets_rejected"))
    )
    beats = {b["station__office"]: b for b in beats}
    arrived = dict(
        InboxPacket.objects.filter(station__office__in=offices, received_at__gte=since)
        .values_list("station__office").annotate(n=Count("pk")).values_list("station__office", "n")
    )
    stations = dict(
        Station.objects.filter(office__in=offices).values_list("office").annotate(
            n=Count("pk", filter=Q(revoked_at__isnull=True))
        ).values_list("office", "n")
    )
    rows = []
    for office in offices:
        beat = beats.get(office.pk) or {}
        answered = (beat.get("stored") or 0) + (beat.get("duplicate") or 0) + (beat.get("rejected") or 0)
        rows.append({
            "office": office,
            "stations": stations.get(office.pk, 0),
            "last_seen": beat.get("last_seen"),
            "stale": beat.get("last_seen") is not None and now - beat["last_seen"] > STALE_AFTER,
            "last_push": beat.get("last_push"),
            "backlog": beat.get("backlog"),
            "arrived_24h": arrived.get(office.pk, 0),
            "per_hour": arrived.get(office.pk, 0) / 24,
            "accepted_share": (100 * ((beat.get("stored") or 0) + (beat.get("duplicate") or 0)) / answered) if answered else None,
            "rejected": beat.get("rejected") or 0,
        })
    rejections = RejectedDelivery.objects.all()
    if not scope.is_kota_wide:  # refusals of unknown stations concern the Dinas only
        rejections = rejections.filter(station_id__in=list(Station.objects.filter(office__in=offices).values_list("pk", flat=True)))
    context = {"rows": rows, "rejections": rejections[:30], "now": now}
    return render(request, "sync/central_overview.html", context)
