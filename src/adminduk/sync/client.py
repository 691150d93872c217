"""The node's side of sync: push the outbox in batches, pull master data, keep state in the DB.

Nothing that matters lives only in memory: pending packets are the outbox rows, the pull cursor
is NodeState.cursor. Any interruption (power cut, kill -9, lost link) simply means the next
round sends what is still pending and pulls from the stored cursor; the central recognises a
packet it already stored by its UUID.

Batch size adapts to the link (AIMD): it grows by a fixed step while a batch completes within
TARGET_SECONDS and is halved on a timeout, a dropped connection or a server error; it never
exceeds the largest batch the central announces.
"""

import contextlib
import dataclasses
import fcntl
import logging
import random
import time
from pathlib import Path

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adminduk.accounts.stations import load_private_key
from adminduk.enrollment import sealing

from . import changes, protocol
from .models import NodeState, OutboxPacket

MIN_BATCH_BYTES = 32 * 1024
START_BATCH_BYTES = 256 * 1024
ADD_STEP_BYTES = 128 * 1024
TARGET_SECONDS = 8.0
MAX_BATCH_PACKETS = 5000
# While a backlog drains, pull between two batches at least this often (seconds), at most this
# many pages each time (the rest follows at the next interleaved pull or at the round's end).
PULL_EVERY_SECONDS = 60.0
INTERLEAVED_PULL_PAGES = 20
TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=60.0, pool=10.0)

# httpx logs every request at INFO; the background loop would fill the log with them.
logging.getLogger("httpx").setLevel(logging.WARNING)


class SyncError(Exception):
    """A round that could not finish; `offline` when the central could not be reached."""

    def __init__(self, message: str, *, offline: bool = False, refused: bool = False):
        super().__init__(message)
        self.offline = offline
        self.refused = refused


class NotConfigured(SyncError):
    pass


@dataclasses.dataclass
class PushResult:
    sent: int = 0
    delivered: int = 0
    duplicate: int = 0
    rejected: int = 0
    bytes: int = 0
    seconds: float = 0.0


@dataclasses.dataclass
class RoundResult:
    pushed: PushResult = dataclasses.field(default_factory=PushResult)
    pulled_residents: int = 0
    pulled_families: int = 0
    master_updated: bool = False
    interleaved_pulls: int = 0


def node_state() -> NodeState:
    state, _ = NodeState.objects.get_or_create(pk=1)
    return state


def backlog() -> int:
    return OutboxPacket.objects.filter(state=OutboxPacket.State.PENDING).count()


def key_path() -> Path:
    return sealing.key_dir() / "station.key"


def require_https(url: str) -> None:
    """Central answers carry staff credentials and, on set-up, the sealing key: over plain HTTP
    anyone on the path could plant them. Only the demo and tests run on loopback HTTP."""
    if not url.startswith("https://") and settings.MODE == "production":
        raise NotConfigured(f"the central URL must use https:// in production, not {url!r}")


class NodeClient:
    """Talks to the central for this node. `transport` lets tests route requests elsewhere;
    `clock` is the node's clock (only ever used to sign requests)."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None, clock=time.time, batch_packets: int | None = None):
        state = node_state()
        self.central_url = (getattr(settings, "ADMINDUK_CENTRAL_URL", "") or state.central_url).rstrip("/")
        station = getattr(settings, "ADMINDUK_STATION_ID", "") or (str(state.station_id) if state.station_id else "")
        if not self.central_url or not station:
            raise NotConfigured("this node is not set up: run `adminduk node init --central URL --station-id ID`")
        require_https(self.central_url)
        if not key_path().exists():
            raise NotConfigured(f"no station key at {key_path()}: run `adminduk node init`")
        self.station_id = station
        self.private_key = load_private_key(key_path())
        self.clock = clock
        self.monotonic = time.monotonic  # when to pull between batches (tests replace it)
        self.batch_packets = batch_packets or MAX_BATCH_PACKETS
        self.http = httpx.Client(base_url=self.central_url, timeout=TIMEOUT, transport=transport, headers={"Accept-Encoding": "gzip"})

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- transport ---------------------------------------------------------------------------

    def request(self, method: str, path: str, *, params: dict | None = None, body: bytes = b"", content_type: str = "") -> httpx.Response:
        url = self.http.build_request(method, "/api/sync" + path, params=params).url
        signed_path = url.raw_path.decode()
        headers = protocol.sign_headers(self.private_key, self.station_id, method, signed_path, body, now=self.clock(), backlog=backlog())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self.http.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            _record_link(NodeState.Link.OFFLINE, f"{type(exc).__name__}: {exc}"[:300])
            raise SyncError(f"central unreachable: {type(exc).__name__}: {exc}", offline=True) from exc
        announced = response.headers.get(protocol.H_MAX_BATCH)
        if announced and announced.isdigit():
            NodeState.objects.filter(pk=1).exclude(max_batch_bytes=int(announced)).update(max_batch_bytes=int(announced))
        if response.status_code in (401, 403):
            detail = _detail(response)
            _record_link(NodeState.Link.REFUSED, detail)
            raise SyncError(f"refused by the central: {detail}", refused=True)
        if response.status_code == 400 and _detail(response).startswith("incomplete_body"):
            # The link cut the request short: like a transport failure, the batch is sent again.
            detail = _detail(response)
            _record_link(NodeState.Link.OFFLINE, detail)
            raise SyncError(f"central unreachable: {detail}", offline=True)
        if response.status_code >= 500:
            _record_link(NodeState.Link.OFFLINE, f"central error {response.status_code}")
            raise SyncError(f"central error {response.status_code}", offline=True)
        return response

    def hello(self) -> dict:
        response = self.request("GET", "/hello")
        if response.status_code != 200:
            raise SyncError(f"unexpected answer {response.status_code}: {_detail(response)}")
        _record_link(NodeState.Link.ONLINE, "")
        return response.json()

    # --- push --------------------------------------------------------------------------------

    def next_batch(self, state: NodeState) -> list[OutboxPacket]:
        limit = state.max_batch_bytes or START_BATCH_BYTES
        budget = min(state.batch_bytes or START_BATCH_BYTES, limit)
        rows = OutboxPacket.objects.filter(state=OutboxPacket.State.PENDING).order_by("created_at", "id").values_list("id", "size")
        chosen, total = [], protocol.batch_overhead(0)
        for packet_id, size in rows[: self.batch_packets]:
            if chosen and total + size + 4 > budget:
                break
            chosen.append(packet_id)
            total += size + 4
        packets = {p.id: p for p in OutboxPacket.objects.filter(pk__in=chosen)}
        return [packets[i] for i in chosen if i in packets]

    def push_once(self) -> PushResult | None:
        """Send one batch; None when nothing is pending."""
        state = node_state()
        batch = self.next_batch(state)
        if not batch:
            return None
        body = protocol.encode_batch([bytes(p.body) for p in batch])
        ids = [p.id for p in batch]
        started = time.monotonic()
        try:
            response = self.request("POST", "/push", body=body, content_type=protocol.BATCH_CONTENT_TYPE)
        except SyncError as exc:
            if exc.offline:
                OutboxPacket.objects.filter(pk__in=ids, state=OutboxPacket.State.PENDING).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:300]
                )
                _resize(state, failed=True)
            raise
        elapsed = time.monotonic() - started
        if response.status_code == 413:
            detail = _detail(response)
            _record_link(NodeState.Link.ONLINE, detail)
            self.request("GET", "/hello")  # learn the central's current limit from its header
            state.refresh_from_db()
            if len(batch) == 1:
                # Even alone this packet is more than the central takes: it can never be delivered.
                _mark_rejected({str(batch[0].id): ("batch_too_large", detail)})
            _resize(state, failed=True, limit=len(body) // 2)
            return PushResult(sent=len(batch), rejected=1 if len(batch) == 1 else 0, bytes=len(body), seconds=elapsed)
        if response.status_code != 200:
            detail = _detail(response)
            _record_link(NodeState.Link.ONLINE, detail)
            raise SyncError(f"push refused ({response.status_code}): {detail}")
        answer = response.json()
        result = PushResult(sent=len(batch), bytes=len(body), seconds=elapsed)
        items = answer.get("results", [])
        if len(items) != len(batch):
            raise SyncError(f"the central answered {len(items)} results for a batch of {len(batch)}")
        # One result per packet, in batch order: a packet too broken to name itself is still
        # matched to the row that sent it.
        acked, rejected = [], {}
        for packet_id, item in zip((str(i) for i in ids), items, strict=True):
            if item.get("id") not in ("", packet_id):
                raise SyncError(f"the central's answer names packet {item.get('id')} where {packet_id} was sent")
            if item.get("status") in ("stored", "duplicate"):
                acked.append(packet_id)
                result.duplicate += item["status"] == "duplicate"
            elif item.get("status") == "rejected":
                rejected[packet_id] = (item.get("code", ""), item.get("reason", ""))
        if not acked and not rejected:
            raise SyncError("the central answered without acknowledging or rejecting any packet")
        result.delivered = mark_delivered(acked)
        result.rejected = _mark_rejected(rejected)
        _resize(state, failed=False, seconds=elapsed, size=len(body))
        NodeState.objects.filter(pk=1).update(
            last_push_ok_at=timezone.now(), link_state=NodeState.Link.ONLINE, last_error="", last_attempt_at=timezone.now()
        )
        return result

    # --- pull --------------------------------------------------------------------------------

    def pull_once(self) -> tuple[dict, bool]:
        state = node_state()
        response = self.request("GET", "/changes", params={"since": state.cursor, "master": state.master_digest})
        if response.status_code != 200:
            detail = _detail(response)
            _record_link(NodeState.Link.ONLINE, detail)
            raise SyncError(f"pull refused ({response.status_code}): {detail}")
        page = response.json()
        try:
            counts = changes.apply_page(page)
        except changes.PageError as exc:
            _record_link(NodeState.Link.ONLINE, str(exc))
            raise SyncError(str(exc)) from exc
        NodeState.objects.filter(pk=1).update(
            last_pull_ok_at=timezone.now(), link_state=NodeState.Link.ONLINE, last_error="", last_attempt_at=timezone.now()
        )
        return counts, bool(page.get("more"))

    # --- a whole round -----------------------------------------------------------------------

    def sync(self, *, push: bool = True, pull: bool = True, once: bool = False, on_batch=None, pull_every: float | None = None) -> RoundResult:
        """Push until nothing is pending (or one batch with `once`), then pull until caught up.

        While a long backlog drains, the pull is interleaved: every `pull_every` seconds
        (PULL_EVERY_SECONDS) between two batches, so revocations, new staff and status changes
        reach the office within minutes even on a bad link, not when the backlog is empty."""
        outcome = RoundResult()
        pull_every = PULL_EVERY_SECONDS if pull_every is None else pull_every
        with sync_lock():
            last_pull = self.monotonic()
            while push:
                if pull and not once and self.monotonic() - last_pull >= pull_every and backlog() > 0:
                    self._pull_until_caught_up(outcome, max_pages=INTERLEAVED_PULL_PAGES)
                    outcome.interleaved_pulls += 1
                    last_pull = self.monotonic()
                result = self.push_once()
                if result is None:
                    break
                for name in ("sent", "delivered", "duplicate", "rejected", "bytes"):
                    setattr(outcome.pushed, name, getattr(outcome.pushed, name) + getattr(result, name))
                outcome.pushed.seconds += result.seconds
                if on_batch:
                    on_batch(result)
                if once:
                    break
            if pull:
                self._pull_until_caught_up(outcome, max_pages=1 if once else None)
            if push and pull and not once and backlog() == 0:
                NodeState.objects.filter(pk=1).update(last_sync_ok_at=timezone.now())
        return outcome

    def _pull_until_caught_up(self, outcome: RoundResult, *, max_pages: int | None = None) -> None:
        pages = 0
        while True:
            counts, more = self.pull_once()
            pages += 1
            outcome.pulled_residents += counts["residents"]
            outcome.pulled_families += counts.get("families", 0)
            outcome.master_updated |= "users" in counts
            if not more or (max_pages is not None and pages >= max_pages):
                break


def run_forever(*, interval: float = 15.0, max_backoff: float = 300.0, stop=None, log=print, client_factory=NodeClient):
    """The node's background loop: a round every `interval` seconds; after a failure it waits
    with exponential backoff and jitter, so a hundred nodes coming back online do not all call
    the central at the same second."""
    failures = 0
    while not (stop and stop()):
        try:
            with client_factory() as client:
                outcome = client.sync()
            if outcome.pushed.sent or outcome.pulled_residents or outcome.pulled_families:
                log(
                    f"synced: {outcome.pushed.delivered} delivered, {outcome.pushed.rejected} rejected, "
                    f"{outcome.pulled_residents} residents and {outcome.pulled_families} KK pulled"
                )
            failures, wait = 0, interval
        except Exception as exc:  # noqa: BLE001 - the service must outlive any one bad round
            failures += 1
            wait = min(max_backoff, interval * 2 ** min(failures, 10)) * random.uniform(0.5, 1.0)
            log(f"sync failed ({type(exc).__name__}: {exc}); next try in {wait:.1f} s")
        _sleep(wait, stop)


def _sleep(seconds: float, stop):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (stop and stop()):
        time.sleep(min(0.5, deadline - time.monotonic()))


def retry_delays(attempts: int, base: float = 1.0, cap: float = 60.0):
    """Exponential backoff with full jitter for `attempts` retries."""
    for attempt in range(attempts):
        yield random.uniform(0, min(cap, base * 2**attempt))


@contextlib.contextmanager
def sync_lock():
    """One sync at a time on a node (the background loop and a manual `node sync`)."""
    path = Path(settings.DATA_DIR) / "node-sync.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- node-side state changes -----------------------------------------------------------------


def mark_delivered(packet_ids: list[str]) -> int:
    """The central acknowledged these (stored or already stored): mark them delivered and move
    their e-KTP requests from recorded to sent. A request that is already further is left alone
    (transition never moves backwards and only `recorded` is selected)."""
    if not packet_ids:
        return 0
    from adminduk.accounts.models import Station
    from adminduk.enrollment.models import KtpRequest
    from adminduk.enrollment.requests import transition
    from adminduk.enrollment.statuses import RequestStatus

    with transaction.atomic():
        count = OutboxPacket.objects.filter(pk__in=packet_ids, state=OutboxPacket.State.PENDING).update(
            state=OutboxPacket.State.DELIVERED, delivered_at=timezone.now(), last_error=""
        )
        station = Station.objects.filter(pk=node_state().station_id).first() if node_state().station_id else None
        for request in KtpRequest.objects.filter(packet_id__in=packet_ids, status=RequestStatus.RECORDED):
            transition(request, RequestStatus.SENT, station=station, reason="")
    return count


def _mark_rejected(rejections: dict[str, tuple[str, str]]) -> int:
    """The central refused these for good: keep them with the reason for the node's page, and
    close their e-KTP requests so the resident can be recorded again."""
    if not rejections:
        return 0
    from adminduk.enrollment.models import KtpRequest
    from adminduk.enrollment.requests import transition
    from adminduk.enrollment.statuses import CLOSED, RequestStatus

    count = 0
    with transaction.atomic():
        for packet_id, (code, reason) in rejections.items():
            count += OutboxPacket.objects.filter(pk=packet_id, state=OutboxPacket.State.PENDING).update(
                state=OutboxPacket.State.REJECTED, rejection_code=code[:40], rejection_reason=reason[:300], rejected_at=timezone.now()
            )
            for request in KtpRequest.objects.filter(packet_id=packet_id).exclude(status__in=sorted(CLOSED)):
                if request.status in (RequestStatus.RECORDED, RequestStatus.SENT):
                    transition(
                        request, RequestStatus.REJECTED, rejection_code=f"sync_{code}"[:40],
                        reason=f"The central refused the packet: {reason}"[:300],
                    )
    return count


def _resize(state: NodeState, *, failed: bool, seconds: float = 0.0, size: int = 0, limit: int | None = None):
    """AIMD on the batch size; the throughput estimate is an exponential moving average."""
    ceiling = state.max_batch_bytes or START_BATCH_BYTES
    current = state.batch_bytes or START_BATCH_BYTES
    throughput = state.throughput
    if failed:
        current = max(MIN_BATCH_BYTES, min(current, limit or current) // 2)
    else:
        if seconds > 0:
            rate = size / seconds
            throughput = rate if not throughput else 0.7 * throughput + 0.3 * rate
        if seconds < TARGET_SECONDS:
            current += ADD_STEP_BYTES
        elif seconds > 2 * TARGET_SECONDS:
            current = int(current * 0.75)
    current = max(MIN_BATCH_BYTES, min(current, ceiling))
    NodeState.objects.filter(pk=1).update(batch_bytes=current, throughput=throughput)


def _record_link(link: str, error: str):
    NodeState.objects.filter(pk=1).update(link_state=link, last_error=error[:300], last_attempt_at=timezone.now())


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:300] or f"HTTP {response.status_code}"
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"
