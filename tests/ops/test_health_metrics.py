"""/healthz and /metrics: what they check and report, and who may read the metrics."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from adminduk.ops import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_task_queue_and_disk(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "task_queue", "disk"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_is_503_when_a_check_fails(client, monkeypatch):
    monkeypatch.setattr(health, "MIN_FREE_BYTES", 1 << 60)  # no disk is that large: "low"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and not body["checks"]["disk"]["ok"] and "free" in body["checks"]["disk"]["detail"]
    assert body["checks"]["database"]["ok"]


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def metric_lines(text: str, name: str) -> dict[str, float]:
    values = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            key, _, value = line.rpartition(" ")
            values[key] = float(value)
    return values


def test_metrics_from_this_machine_only_unless_a_token_is_set(client, settings):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403  # through nginx
    settings.ADMINDUK_METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200


def test_central_metrics_per_node_and_pipeline(client, make_office, settings):
    from adminduk.accounts import stations
    from adminduk.accounts.models import Station
    from adminduk.processing.models import StageResult
    from adminduk.sync.models import InboxPacket, NodeHeartbeat

    settings.ROLE = "central"
    office = make_office("72.71.08")
    station = stations.register_station(office=office, name="node-m", kind=Station.Kind.NODE, public_key=stations.generate_keypair().public_b64)
    seen = timezone.now().replace(microsecond=0)
    NodeHeartbeat.objects.create(station=station, last_seen=seen, last_push_at=seen - dt.timedelta(minutes=5), backlog=42)
    arrived = timezone.now() - dt.timedelta(seconds=30)
    for n in range(3):
        packet = InboxPacket.objects.create(
            id=uuid.uuid4(), station=station, kind="recording", body=b"x", size=1, sha256="0" * 64, device_time=arrived,
            state=InboxPacket.State.PROCESSED if n else InboxPacket.State.RECEIVED,
        )
        InboxPacket.objects.filter(pk=packet.pk).update(received_at=arrived)
        if n:
            StageResult.objects.create(packet_id=packet.pk, stage="validate", outcome="passed")
    text = client.get("/metrics").content.decode()
    labels = f'{{office="palu-mantikulore",station="{station.pk}"}}'
    assert metric_lines(text, "adminduk_node_backlog_packets") == {f"adminduk_node_backlog_packets{labels}": 42.0}
    assert metric_lines(text, "adminduk_node_last_seen_timestamp_seconds")[f"adminduk_node_last_seen_timestamp_seconds{labels}"] == seen.timestamp()
    assert metric_lines(text, "adminduk_inbox_packets")['adminduk_inbox_packets{state="processed"}'] == 2.0
    assert metric_lines(text, "adminduk_pipeline_queue_depth") == {"adminduk_pipeline_queue_depth": 1.0}
    latency = metric_lines(text, "adminduk_pipeline_stage_latency_seconds")
    median = latency['adminduk_pipeline_stage_latency_seconds{quantile="0.5",stage="validate"}']
    assert 25 <= median <= 120
    assert "adminduk_task_queue_pending" in text and "adminduk_data_disk_free_bytes" in text
    # django-prometheus's request counters are there too.
    assert "django_http_requests_total_by_view_transport_method_total" in text


def test_node_metrics_backlog_and_last_sync(client, settings):
    from adminduk.sync.models import NodeState, OutboxPacket

    settings.ROLE = "node"
    synced = timezone.now().replace(microsecond=0)
    NodeState.objects.create(pk=1, central_url="https://central.test", last_sync_ok_at=synced, link_state=NodeState.Link.ONLINE)
    for state in ("pending", "pending", "pending", "delivered"):
        OutboxPacket.objects.create(id=uuid.uuid4(), kind="recording", body=b"x", size=1, sha256="0" * 64, state=state)
    text = client.get("/metrics").content.decode()
    assert metric_lines(text, "adminduk_outbox_backlog_packets") == {"adminduk_outbox_backlog_packets": 3.0}
    assert metric_lines(text, "adminduk_outbox_packets")['adminduk_outbox_packets{state="delivered"}'] == 1.0
    assert metric_lines(text, "adminduk_sync_last_success_timestamp_seconds") == {"adminduk_sync_last_success_timestamp_seconds": synced.timestamp()}
    assert metric_lines(text, "adminduk_sync_link_up") == {"adminduk_sync_link_up": 1.0}
    assert "adminduk_node_backlog_packets" not in text


def test_blangko_stock_per_office_with_days_left(client, make_office, settings):
    from adminduk.printing.actions import stock

    settings.ROLE = "central"
    office = make_office("72.71.08")
    stock.receive(office, 30, batch_number="B-METRICS")
    text = client.get("/metrics").content.decode()
    assert metric_lines(text, "adminduk_blangko_stock") == {'adminduk_blangko_stock{office="palu-mantikulore"}': 30.0}
    stock.spoil_blanks(office, "damage", 7)  # 7 used in the rate window: 23 left
    text = client.get("/metrics").content.decode()
    assert metric_lines(text, "adminduk_blangko_stock") == {'adminduk_blangko_stock{office="palu-mantikulore"}': 23.0}
    days = metric_lines(text, "adminduk_blangko_days_left")['adminduk_blangko_days_left{office="palu-mantikulore"}']
    assert days == pytest.approx(23 / (7 / stock.RATE_WINDOW_DAYS))
