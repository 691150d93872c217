"""The printing streams of the pull (central → node), beside the residents of sync.changes:
the office's e-KTP request statuses, its print jobs, cards, incoming shipments and blangko
stock, each paged by its own keyset (updated_at, id) kept inside the one opaque cursor.

On the node a row the node itself changed (event_pending) is kept until the central's copy
names the node's event (last_event): the office sees its own pending work, never an older
central state, and then the central's confirmed one."""

import base64
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from adminduk.enrollment.models import KtpRequest
from adminduk.offices.models import Office
from adminduk.sync import keyset

from . import media
from .models import BlangkoStock, Card, PrintJob, Shipment, ShipmentItem

EPOCH = "1970-01-01T00:00:00+00:00"
STREAMS = ("requests", "jobs", "cards", "shipments", "stock")
DEPENDS_ON_EARLIER = frozenset({"jobs", "cards", "shipments"})


def _b64(data) -> str:
    return base64.b64encode(bytes(data or b"")).decode()


def _iso(value):
    return value.isoformat() if value else None


def _querysets(office):
    mine = Q(office=office)
    printed_here = PrintJob.objects.filter(office=office).values("request_id")  # e.g. re-routed from another kecamatan
    requests = KtpRequest.objects.filter(Q(office=office) | Q(kecamatan_code=office.kecamatan_id or "-") | Q(pk__in=printed_here)).select_related("office")
    return {
        "requests": requests,
        "jobs": PrintJob.objects.filter(mine | Q(deliver_to=office)).select_related("office", "deliver_to"),
        "cards": Card.objects.filter(mine | Q(printed_at_office=office)).select_related("office", "printed_at_office"),
        "shipments": Shipment.objects.filter(to_office=office).select_related("from_office", "to_office").prefetch_related("items__card"),
        "stock": BlangkoStock.objects.filter(office=office).select_related("office"),
    }


def _row(stream, obj) -> dict:
    if stream == "requests":
        return {"id": str(obj.pk), "nik": obj.nik, "office": obj.office.code, "kecamatan_code": obj.kecamatan_code, "status": obj.status,
                "rejection_code": obj.rejection_code, "rejection_reason": obj.rejection_reason}
    if stream == "jobs":
        return {"id": str(obj.pk), "request": str(obj.request_id), "nik": obj.nik, "office": obj.office.code, "deliver_to": obj.deliver_to.code,
                "status": obj.status, "priority": obj.priority, "routing_reason": obj.routing_reason, "attempts": obj.attempts,
                "card_fields": obj.card_fields, "photo": _b64(obj.photo), "signature": _b64(obj.signature), "chip_templates": obj.chip_templates,
                "routed_on": obj.routed_on.isoformat(), "last_event": str(obj.last_event) if obj.last_event else None}
    if stream == "cards":
        return {"id": str(obj.pk), "kind": obj.kind, "request": str(obj.request_id), "job": str(obj.job_id), "nik": obj.nik, "serial": obj.serial,
                "print_number": obj.print_number, "status": obj.status, "printed_at_office": obj.printed_at_office.code, "office": obj.office.code,
                "chip_result": obj.chip_result, "document_number": obj.document_number, "invalidated_reason": obj.invalidated_reason,
                "last_event": str(obj.last_event) if obj.last_event else None}
    if stream == "shipments":
        return {"id": str(obj.pk), "number": obj.number, "from_office": obj.from_office.code, "to_office": obj.to_office.code, "status": obj.status,
                "dispatched_at": _iso(obj.dispatched_at), "received_at": _iso(obj.received_at),
                "items": [{"card": str(i.card_id), "state": i.state} for i in obj.items.all()]}
    return {"id": obj.office.code, "quantity": obj.quantity}


def rows_of(office, *, jobs=(), cards=()) -> dict:
    """`jobs` and `cards` with their requests in the streams' format (a refused event's rows)."""
    request_ids = {j.request_id for j in jobs} | {c.request_id for c in cards}
    requests = _querysets(office)["requests"].filter(pk__in=request_ids)
    return {"requests": [_row("requests", r) for r in requests], "jobs": [_row("jobs", j) for j in jobs], "cards": [_row("cards", c) for c in cards]}


def add_streams(data: dict, office, *, since: str, limit: int, horizon: dt.datetime) -> None:
    """Add one page of each printing stream after `since` to the pull answer `data`, and fold
    their positions into its cursor (sync.changes has already checked the token)."""
    positions = keyset.cursor_part(since, "p") or {}  # decode_cursor has checked its shape
    out, more = {}, False
    for stream, queryset in _querysets(office).items():
        if more and stream in DEPENDS_ON_EARLIER:
            # A job names its request, a card its job, a shipment its cards: each waits until the
            # stream before it has caught up, so a page never refers to a row the node lacks.
            out[stream] = []
            continue
        stamp, last = positions.get(stream) or [EPOCH, ""]
        after = dt.datetime.fromisoformat(stamp)
        pk = "office_id" if stream == "stock" else "id"
        condition = Q(updated_at__gt=after) | (Q(updated_at=after) & Q(**{f"{pk}__gt": last})) if last else Q(updated_at__gt=after)
        page = list(queryset.filter(updated_at__lt=horizon).filter(condition).order_by("updated_at", pk)[:limit])
        out[stream] = [_row(stream, obj) for obj in page]
        if page:
            positions[stream] = [page[-1].updated_at.isoformat(), str(getattr(page[-1], pk))]
        more = more or len(page) == limit
    data["printing"] = out
    data["more"] = data["more"] or more
    keyset.fold_into_cursor(data, "p", positions)


# --- Node side ---------------------------------------------------------------------------------


def _office(code: str, cache: dict) -> Office:
    if code not in cache:
        cache[code] = Office.objects.get(code=code)
    return cache[code]


def _keeps_local(model, pk, central_event) -> bool:
    """The node's own change waits for the central to name its event."""
    local = model.objects.filter(pk=pk).values("event_pending", "last_event").first()
    return bool(local and local["event_pending"] and str(local["last_event"]) != str(central_event))


def apply(streams: dict) -> dict:
    """Apply the printing streams of a page on the node (inside sync.changes.apply_page's transaction)."""
    if not streams:
        return {}
    offices: dict = {}
    counts = dict.fromkeys(STREAMS, 0)
    pending_requests = set()
    for row in streams.get("jobs", []):
        if _keeps_local(PrintJob, row["id"], row["last_event"]):
            pending_requests.add(row["request"])
    for row in streams.get("cards", []):
        if _keeps_local(Card, row["id"], row["last_event"]):
            pending_requests.add(row["request"])
    pending_requests |= {str(r) for r in PrintJob.objects.filter(event_pending=True).values_list("request_id", flat=True)}
    for row in streams.get("requests", []):
        values = {"nik": row["nik"], "office": _office(row["office"], offices), "kecamatan_code": row["kecamatan_code"], "status": row["status"],
                  "rejection_code": row["rejection_code"], "rejection_reason": row["rejection_reason"]}
        if row["id"] in pending_requests:
            continue
        if not KtpRequest.objects.filter(pk=row["id"]).update(**values):
            try:
                with transaction.atomic():
                    KtpRequest.objects.create(id=row["id"], **values)
            except IntegrityError:
                continue  # the node still has this person's earlier request open; it comes again
        counts["requests"] += 1
    for row in streams.get("jobs", []):
        if _keeps_local(PrintJob, row["id"], row["last_event"]):
            continue
        values = {"request_id": row["request"], "nik": row["nik"], "office": _office(row["office"], offices), "deliver_to": _office(row["deliver_to"], offices),
                  "status": row["status"], "priority": row["priority"], "routing_reason": row["routing_reason"], "attempts": row["attempts"],
                  "card_fields": row["card_fields"], "routed_on": dt.date.fromisoformat(row["routed_on"]), "last_event": row["last_event"],
                  "event_pending": False, "batch": None,
                  # Sealed under this node's own key before it is written.
                  "media": media.seal(row["id"], photo=base64.b64decode(row["photo"]), signature=base64.b64decode(row["signature"]),
                                      chip_templates=row["chip_templates"])}
        PrintJob.objects.update_or_create(pk=row["id"], defaults=values)
        counts["jobs"] += 1
    for row in streams.get("cards", []):
        if _keeps_local(Card, row["id"], row["last_event"]):
            continue
        values = {"kind": row["kind"], "request_id": row["request"], "job_id": row["job"], "nik": row["nik"], "serial": row["serial"],
                  "print_number": row["print_number"], "status": row["status"], "printed_at_office": _office(row["printed_at_office"], offices),
                  "office": _office(row["office"], offices), "chip_result": row["chip_result"], "document_number": row["document_number"],
                  "invalidated_reason": row["invalidated_reason"], "last_event": row["last_event"], "event_pending": False}
        Card.objects.update_or_create(pk=row["id"], defaults=values)
        counts["cards"] += 1
    for row in streams.get("shipments", []):
        values = {"number": row["number"], "from_office": _office(row["from_office"], offices), "to_office": _office(row["to_office"], offices),
                  "dispatched_at": row["dispatched_at"], "received_at": row["received_at"]}
        shipment, created = Shipment.objects.get_or_create(pk=row["id"], defaults=values | {"status": row["status"]})
        local_ahead = not created and shipment.status == "received" and row["status"] == "dispatched"  # closed here, not yet at the central
        if not local_ahead:
            Shipment.objects.filter(pk=shipment.pk).update(status=row["status"], **values)
        for item in row["items"]:
            existing = ShipmentItem.objects.filter(shipment=shipment, card_id=item["card"]).first()
            if existing is None:
                ShipmentItem.objects.create(shipment=shipment, card_id=item["card"], state=item["state"])
            elif existing.state == "expected" or not Card.objects.filter(pk=item["card"], event_pending=True).exists():
                ShipmentItem.objects.filter(pk=existing.pk).update(state=item["state"] if existing.state == "expected" or item["state"] != "expected" else existing.state)
        counts["shipments"] += 1
    waiting = PrintJob.objects.filter(event_pending=True).exists() or Card.objects.filter(event_pending=True).exists()
    for row in streams.get("stock", []):
        if not waiting:
            office = _office(row["id"], offices)
            BlangkoStock.objects.update_or_create(office=office, defaults={"quantity": row["quantity"]})
        counts["stock"] += 1
    return {f"printing_{k}": v for k, v in counts.items() if v}
