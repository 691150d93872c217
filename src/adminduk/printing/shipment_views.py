"""Shipment and pickup pages: make and dispatch a shipment at the Dinas, receive it card by
card at the office (scan), flag and resolve discrepancies, hand a card to its holder."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.audit.actions import record
from adminduk.offices.models import Office

from . import manifest, queries
from .actions import pickup, shipments
from .choices import DiscrepancyKind, IdentityCheck, Resolution, ShipmentStatus
from .errors import PrintingError
from .models import Discrepancy, Shipment


def _mine(user):
    mine = queries.offices_of(user)
    return (Shipment.objects.filter(from_office__in=mine) | Shipment.objects.filter(to_office__in=mine)).distinct()


def _list_context(request, office, offices, **extra):
    waiting = {}
    for card in shipments.awaiting_shipment(office).select_related("office"):
        waiting.setdefault(card.office, []).append(card)
    return {
        "office": office, "offices": offices, "waiting": sorted(waiting.items(), key=lambda kv: kv[0].name),
        "outgoing": Shipment.objects.filter(from_office=office).select_related("to_office")[:50],
        "incoming": Shipment.objects.filter(to_office=office).exclude(status=ShipmentStatus.PREPARED).select_related("from_office")[:50], **extra,
    }


@staff_view(Permission.PRINT)
@require_http_methods(["GET", "POST"])
def shipment_list(request):
    office, offices = queries.office_for(request)
    if request.method == "POST":
        target = Office.objects.filter(code=request.POST.get("to_office", ""), regency_id=office.regency_id).first()
        try:
            if target is None:
                raise PrintingError(_("Choose the office to ship to."), code="bad_office")
            shipment = shipments.create_shipment(office, target, actor=request.user)
        except PrintingError as exc:
            return render(request, "printing/shipments.html", _list_context(request, office, offices, error=exc.messages[0]), status=400)
        return redirect("printing:shipment", pk=shipment.pk)
    return render(request, "printing/shipments.html", _list_context(request, office, offices))


def _detail_context(shipment, **extra):
    items = shipment.items.select_related("card__job").order_by("card__serial")
    return {"shipment": shipment, "items": items, "discrepancies": shipment.discrepancies.select_related("card"),
            "kinds": [(DiscrepancyKind.EXTRA, DiscrepancyKind.EXTRA.label), (DiscrepancyKind.DAMAGED, DiscrepancyKind.DAMAGED.label)],
            "resolutions": Resolution.choices, **extra}


@staff_view(Permission.PRINT)
@require_http_methods(["GET", "POST"])
def shipment_detail(request, pk):
    shipment = get_object_or_404(_mine(request.user).select_related("from_office", "to_office"), pk=pk)
    mine = set(queries.offices_of(request.user).values_list("pk", flat=True))
    if request.method == "GET":
        record(request, "view", object_type="shipment", object_id=shipment.number, kecamatan_code=shipment.to_office.kecamatan_id or "")
        return render(request, "printing/shipment_detail.html", _detail_context(shipment, is_sender=shipment.from_office_id in mine, is_receiver=shipment.to_office_id in mine))
    action, data, user = request.POST.get("action", ""), request.POST, request.user
    try:
        if action == "dispatch" and shipment.from_office_id in mine:
            shipments.dispatch(shipment, actor=user)
        elif action == "receive" and shipment.to_office_id in mine:
            item = shipments.receive_card(shipment, data.get("code", ""), actor=user)
            request.session["printing_last_scan"] = item.card.serial
        elif action == "flag" and shipment.to_office_id in mine:
            shipments.flag(shipment, data.get("kind", ""), data.get("code", ""), note=data.get("note", ""), actor=user)
        elif action == "close" and shipment.to_office_id in mine:
            shipments.close_receipt(shipment, actor=user)
        elif action == "resolve":
            found = get_object_or_404(Discrepancy, pk=data.get("discrepancy"), shipment=shipment)
            shipments.resolve(found, data.get("resolution", ""), note=data.get("note", ""), actor=user)
        else:
            raise PrintingError(_("That is not something this office can do with this shipment."), code="bad_action")
    except PrintingError as exc:
        shipment.refresh_from_db()
        return render(request, "printing/shipment_detail.html", _detail_context(shipment, error=exc.messages[0], is_sender=shipment.from_office_id in mine,
                                                                                is_receiver=shipment.to_office_id in mine), status=400)
    return redirect("printing:shipment", pk=shipment.pk)


@staff_view(Permission.PRINT)
@require_GET
def manifest_pdf(request, pk):
    shipment = get_object_or_404(_mine(request.user).select_related("from_office", "to_office"), pk=pk)
    pdf = manifest.manifest_pdf(shipment, shipment.items.select_related("card__job").order_by("card__serial"))
    record(request, "export", object_type="shipment", object_id=shipment.number, kecamatan_code=shipment.to_office.kecamatan_id or "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="manifest-{shipment.number}.pdf"'
    return response


@staff_view(Permission.PRINT)
@require_http_methods(["GET", "POST"])
def pickup_page(request):
    office, offices = queries.office_for(request)
    nik = (request.POST.get("nik") or request.GET.get("nik") or "").strip()
    context = {"office": office, "offices": offices, "nik": nik, "card": None, "methods": IdentityCheck.choices}
    if not nik:
        return render(request, "printing/pickup.html", context)
    try:
        card = pickup.card_for_pickup(nik, office)
    except PrintingError as exc:
        return render(request, "printing/pickup.html", context | {"error": exc.messages[0]}, status=400 if exc.code == "bad_nik" else 404)
    context["card"] = card
    record(request, "view", object_type="card", object_id=card.serial, kecamatan_code=card.request.kecamatan_code, details={"nik": nik})
    if request.method == "GET":
        return render(request, "printing/pickup.html", context)
    method = request.POST.get("method", "")
    try:
        check = None
        if method == IdentityCheck.FINGERPRINT:
            check = pickup.check_fingerprint(card, subject=request.POST.get("subject") or None, position=request.POST.get("finger", "R1") if request.POST.get("finger") in ("R1", "R2") else "R1")
            context["check"] = check
        pickup.hand_over(card, method=method, office=office, actor=request.user, check=check, reason=request.POST.get("reason", ""))
    except PrintingError as exc:
        return render(request, "printing/pickup.html", context | {"error": exc.messages[0]}, status=400)
    context.update(card=None, done=card, nik="")
    return render(request, "printing/pickup.html", context)
