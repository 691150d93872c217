"""adminduk's own Prometheus gauges, read from the database when Prometheus scrapes.

Central: per node (station) the outbox backlog it last reported and when it last pushed, pulled
and was seen; the inbox by state; the task queue's depth; each pipeline stage's latency (from
the packet's arrival to the stage's result, over the last results). Node: its outbox by state,
the backlog, the last successful push, pull and full sync, whether the link is up. Both: free
disk space under the data directory."""

import statistics

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from prometheus_client.core import GaugeMetricFamily

from . import health

LATENCY_SAMPLE = 500  # latest stage results per stage that the latency gauges summarise


def _ts(value):
    return value.timestamp() if value else 0.0


class AdmindukCollector:
    def collect(self):
        yield from self.common()
        if settings.ROLE == "node":
            yield from self.node()
        else:
            yield from self.central()

    def common(self):
        usage = health.disk_usage()
        disk = GaugeMetricFamily("adminduk_data_disk_free_bytes", "Free bytes on the disk of the data directory")
        disk.add_metric([], usage.free)
        yield disk
        queue = GaugeMetricFamily("adminduk_task_queue_pending", "Tasks waiting in the task queue (Huey)")
        check = health.check_task_queue()
        queue.add_metric([], float(check.detail.split()[0]) if check.ok else float("nan"))
        yield queue
        yield from self.blangko()

    def blangko(self):
        from adminduk.printing.actions.stock import days_left
        from adminduk.printing.models import BlangkoStock

        stock = GaugeMetricFamily("adminduk_blangko_stock", "Blank cards (blangko) each office holds", labels=["office"])
        days = GaugeMetricFamily("adminduk_blangko_days_left", "Days until an office's blangko runs out at the recent rate (NaN: nothing used lately)", labels=["office"])
        for row in BlangkoStock.objects.select_related("office").order_by("office_id"):
            stock.add_metric([row.office.code], row.quantity)
            left = days_left(row.office)
            days.add_metric([row.office.code], float("nan") if left is None else left)
        yield stock
        yield days

    def node(self):
        from adminduk.sync.models import NodeState, OutboxPacket

        outbox = GaugeMetricFamily("adminduk_outbox_packets", "Packets in this node's outbox by state", labels=["state"])
        counts = dict(OutboxPacket.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        for state in OutboxPacket.State.values:
            outbox.add_metric([state], counts.get(state, 0))
        yield outbox
        backlog = GaugeMetricFamily("adminduk_outbox_backlog_packets", "Packets waiting to be sent to the central")
        backlog.add_metric([], counts.get(OutboxPacket.State.PENDING, 0))
        yield backlog
        state = NodeState.objects.filter(pk=1).first()
        for name, field, text in (
            ("adminduk_sync_last_success_timestamp_seconds", "last_sync_ok_at", "Last full sync (outbox empty, pull caught up), Unix time"),
            ("adminduk_sync_last_push_timestamp_seconds", "last_push_ok_at", "Last successful push, Unix time"),
            ("adminduk_sync_last_pull_timestamp_seconds", "last_pull_ok_at", "Last successful pull, Unix time"),
        ):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], _ts(getattr(state, field, None)))
            yield gauge
        link = GaugeMetricFamily("adminduk_sync_link_up", "1 when the last exchange with the central worked")
        link.add_metric([], 1.0 if state and state.link_state == NodeState.Link.ONLINE else 0.0)
        yield link

    def central(self):
        from adminduk.processing.models import StageResult
        from adminduk.sync.models import InboxPacket, NodeHeartbeat

        labels = ["station", "office"]
        backlog = GaugeMetricFamily("adminduk_node_backlog_packets", "Outbox backlog each node reported in its last request", labels=labels)
        seen = GaugeMetricFamily("adminduk_node_last_seen_timestamp_seconds", "Last signed request from each node, Unix time", labels=labels)
        push = GaugeMetricFamily("adminduk_node_last_push_timestamp_seconds", "Last push from each node, Unix time", labels=labels)
        pull = GaugeMetricFamily("adminduk_node_last_pull_timestamp_seconds", "Last pull by each node, Unix time", labels=labels)
        for beat in NodeHeartbeat.objects.select_related("station__office"):
            key = [str(beat.station_id), beat.station.office.code if beat.station.office_id else ""]
            backlog.add_metric(key, beat.backlog)
            seen.add_metric(key, _ts(beat.last_seen))
            push.add_metric(key, _ts(beat.last_push_at))
            pull.add_metric(key, _ts(beat.last_pull_at))
        yield from (backlog, seen, push, pull)

        inbox = GaugeMetricFamily("adminduk_inbox_packets", "Packets in the central's inbox by state", labels=["state"])
        counts = dict(InboxPacket.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        for state in InboxPacket.State.values:
            inbox.add_metric([state], counts.get(state, 0))
        yield inbox
        depth = GaugeMetricFamily("adminduk_pipeline_queue_depth", "Packets received and not yet fully processed")
        depth.add_metric([], counts.get(InboxPacket.State.RECEIVED, 0) + counts.get(InboxPacket.State.PROCESSING, 0))
        yield depth

        latency = GaugeMetricFamily(
            "adminduk_pipeline_stage_latency_seconds",
            f"Seconds from a packet's arrival to each stage's result, over the last {LATENCY_SAMPLE} results per stage",
            labels=["stage", "quantile"],
        )
        arrival = InboxPacket.objects.filter(pk=OuterRef("packet_id")).values("received_at")[:1]
        for stage in StageResult._meta.get_field("stage").choices:
            rows = (
                StageResult.objects.filter(stage=stage[0]).order_by("-id").annotate(arrived=Subquery(arrival))
                .values_list("created_at", "arrived")[:LATENCY_SAMPLE]
            )
            seconds = sorted(max(0.0, (done - arrived).total_seconds()) for done, arrived in rows if arrived)
            if not seconds:
                continue
            for q, value in (("0.5", statistics.median(seconds)), ("0.95", seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))])):
                latency.add_metric([stage[0], q], value)
        yield latency
