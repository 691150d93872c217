"""Sync endpoints of the JSON API (push packets, pull changes). Every operation is signed by a
registered station (auth.StationSignatureAuth); handlers stay thin, the work is in ingest.py
and changes.py."""

import gzip
import json

from django.http import HttpRequest, HttpResponse
from ninja import Router

from adminduk.enrollment import sealing

from . import changes, ingest, protocol
from .auth import StationSignatureAuth, SyncRefusal, max_batch_bytes, refuse

router = Router(tags=["sync"], auth=StationSignatureAuth())


def _json(request: HttpRequest, data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, separators=(",", ":")).encode()
    response = HttpResponse(content_type="application/json", status=status)
    # Pages of residents compress well; a slow kecamatan link is the reason to bother.
    if len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=5)
        response["Content-Encoding"] = "gzip"
    response.content = body
    response[protocol.H_MAX_BATCH] = str(max_batch_bytes())
    return response


@router.get("/hello", summary="Check a node's identity and learn the central's limits")
def hello(request: HttpRequest):
    station = request.auth
    ingest.touch_heartbeat(station, backlog=request.sync_backlog, offset=request.sync_clock_offset)
    return _json(
        request,
        {
            "station": {"id": str(station.pk), "name": station.name, "kind": station.kind},
            "office": {"code": station.office.code, "name": station.office.name, "kecamatan": station.office.kecamatan_id},
            "max_batch_bytes": max_batch_bytes(),
            "central_public_key": sealing.public_key_b64(sealing.central_public_key()),
            "signature_window": protocol.SIGNATURE_WINDOW,
        },
    )


@router.post("/push", summary="Deliver a batch of sealed packets (binary framing, see sync.protocol)")
def push(request: HttpRequest):
    station = request.auth
    try:
        bodies = protocol.decode_batch(request.body)
    except protocol.BatchError as exc:
        refuse(request, 400, exc.code, exc.reason, station_id=station.pk, size=len(request.body))
    report = ingest.ingest_batch(station, bodies, remote_address=request.META.get("REMOTE_ADDR") or None)
    # ingest_batch has committed: from here on the answer is an acknowledgement.
    ingest.touch_heartbeat(station, backlog=request.sync_backlog, offset=request.sync_clock_offset, push=report)
    return _json(
        request,
        {
            "results": [r.as_dict() for r in report.results],
            "stored": report.count(ingest.STORED),
            "duplicate": report.count(ingest.DUPLICATE),
            "rejected": report.count(ingest.REJECTED),
        },
    )


@router.get("/changes", summary="Master data for the node's office since a cursor")
def pull_changes(request: HttpRequest, since: str = "", master: str = "", limit: int = changes.PAGE_LIMIT):
    station = request.auth
    try:
        page = changes.build_changes(station, since=since, master_digest=master, limit=limit)
    except changes.CursorError as exc:
        raise SyncRefusal(400, "bad_cursor", str(exc)) from exc
    ingest.touch_heartbeat(station, backlog=request.sync_backlog, offset=request.sync_clock_offset, pull=True)
    return _json(request, page)
