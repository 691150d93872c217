"""Print-operator pages: the queue and batch printing, the blangko stock (receipts, transfers,
spoilage, counts), the daily quota. Thin: parse, call printing.actions, render. A refused
input answers 400 with the reason and changes nothing."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adminduk.accounts import scoping
from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.audit.actions import record
from adminduk.offices.models import Office

from adminduk.documents import signing
from adminduk.documents.models import IssuedDocument

from . import queries, rendering, suket
from .actions import jobs, routing, stock
from .actions import suket as suket_actions
from .choices import SpoilageReason
from .errors import PrintingError
from .models import Card, PrintBatch, PrintJob


def _redirect(name, office, **kwargs):
    return redirect(reverse(name, kwargs=kwargs or None) + f"?office={office.code}")


def _queue_context(request, office, offices, **extra):
    jobs_shown = list(queries.queue(office))
    record(request, "view", object_type="print_queue", object_id=office.code, kecamatan_code=office.kecamatan_id or "", details={"count": len(jobs_shown)},
           mentions=[job.nik for job in jobs_shown])
    return {
        "office": office, "offices": offices, "jobs": jobs_shown, "stock": queries.stock_summary(office),
        "batches": PrintBatch.objects.filter(office=office)[:10], "max_batch": jobs.MAX_BATCH,
        "may_reroute": bool(scoping.authorize(request.user, Permission.APPROVE)),
        "kota_offices": Office.objects.filter(regency_id=office.regency_id, is_active=True).order_by("kind", "name"), **extra,
    }


@staff_view(Permission.PRINT)
@require_GET
def queue(request):
    office, offices = queries.office_for(request)
    return render(request, "printing/queue.html", _queue_context(request, office, offices))


@staff_view(Permission.PRINT)
@require_POST
def print_batch(request):
    office, offices = queries.office_for(request)
    try:
        limit = stock.parse_quantity(request.POST.get("limit", ""))
        batch = jobs.start_batch(office, actor=request.user, limit=limit)
    except PrintingError as exc:
        return render(request, "printing/queue.html", _queue_context(request, office, offices, error=exc.messages[0]), status=400)
    jobs.print_batch(batch, actor=request.user)
    return redirect("printing:batch", pk=batch.pk)


@staff_view(Permission.PRINT)
@require_GET
def batch(request, pk):
    batch = get_object_or_404(PrintBatch.objects.filter(office__in=queries.offices_of(request.user)), pk=pk)
    cards = list(Card.objects.filter(job__batch=batch).order_by("printed_at"))
    record(request, "view", object_type="print_batch", object_id=str(batch.pk), kecamatan_code=batch.office.kecamatan_id or "", details={"cards": len(cards)},
           mentions=[card.nik for card in cards])
    return render(request, "printing/batch.html", {"batch": batch, "cards": cards, "office": batch.office})


@staff_view(Permission.PRINT)
@require_GET
def batch_pdf(request, pk):
    batch = get_object_or_404(PrintBatch.objects.filter(office__in=queries.offices_of(request.user)), pk=pk)
    cards = list(Card.objects.filter(job__batch=batch, kind="ktp_el").select_related("job").order_by("printed_at"))
    if not cards:
        return render(request, "printing/batch.html", {"batch": batch, "cards": [], "office": batch.office, "error": _("No card of this batch was printed.")}, status=404)
    pdf = rendering.cards_pdf(rendering.job_card(card.job) for card in cards)
    record(request, "export", object_type="print_batch", object_id=str(batch.pk), kecamatan_code=batch.office.kecamatan_id or "", details={"cards": len(cards)},
           mentions=[card.nik for card in cards])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ktp-el-{batch.pk}.pdf"'
    return response


@staff_view(Permission.PRINT)
@require_GET
def card_png(request, serial):
    mine = queries.offices_of(request.user)
    card = get_object_or_404((Card.objects.filter(office__in=mine) | Card.objects.filter(printed_at_office__in=mine)).distinct(), serial=serial)
    record(request, "view", object_type="card", object_id=card.serial, kecamatan_code=card.request.kecamatan_code, details={"nik": card.nik})
    return HttpResponse(rendering.card_png(*rendering.job_card(card.job)), content_type="image/png")


@staff_view(Permission.APPROVE)
@require_POST
def reroute(request, pk):
    job = get_object_or_404(PrintJob.objects.filter(scoping.scope_of(request.user).q_code("request__kecamatan_code")), pk=pk)
    target = Office.objects.filter(code=request.POST.get("to_office", ""), is_active=True).first()
    try:
        if target is None:
            raise PrintingError(_("Choose the office to print at."), code="bad_office")
        routing.reroute(job, target, reason=request.POST.get("reason", ""), actor=request.user, urgent=request.POST.get("urgent") == "1")
    except PrintingError as exc:
        return HttpResponse(exc.messages[0], status=400, content_type="text/plain; charset=utf-8")
    return _redirect("printing:queue", target)


@staff_view(Permission.PRINT)
@require_POST
def issue_suket(request, pk):
    job = get_object_or_404(PrintJob.objects.filter(office__in=queries.offices_of(request.user)), pk=pk)
    try:
        document = suket_actions.issue_suket(job, actor=request.user)
    except PrintingError as exc:
        office, offices = job.office, list(queries.offices_of(request.user))
        return render(request, "printing/queue.html", _queue_context(request, office, offices, error=exc.messages[0]), status=400)
    return redirect("printing:suket_pdf", pk=document.pk)


def verify_url(request, document) -> str:
    """The public verification page of `document`: the central's, also for a suket a node issued
    offline (the central learns the document and the node's key through the outbox)."""
    path = reverse("documents:verify", args=[signing.token_for(document)])
    central = (getattr(settings, "ADMINDUK_CENTRAL_URL", "") or "").rstrip("/")
    return central + path if settings.ROLE == "node" and central else request.build_absolute_uri(path)


@staff_view(Permission.PRINT)
@require_GET
def suket_pdf(request, pk):
    document = get_object_or_404(IssuedDocument.objects.filter(office__in=queries.offices_of(request.user)), pk=pk)
    card = get_object_or_404(Card.objects.select_related("job"), serial=document.number)
    url = verify_url(request, document)
    record(request, "export", object_type="suket", object_id=document.number, kecamatan_code=card.request.kecamatan_code, details={"nik": document.nik})
    response = HttpResponse(suket.suket_pdf(document, card.job, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="suket-{document.pk}.pdf"'
    return response


# --- Blangko stock -------------------------------------------------------------------------------

STOCK_ACTIONS = ("receive", "transfer", "spoil", "count", "spoil_card")


def _stock_context(request, office, offices, **extra):
    return {"office": office, "offices": offices, "stock": queries.stock_summary(office), "ledger": queries.ledger(office),
            "reasons": SpoilageReason.choices, "kota_offices": Office.objects.filter(regency_id=office.regency_id, is_active=True).exclude(pk=office.pk), **extra}


@staff_view(Permission.PRINT)
@require_http_methods(["GET", "POST"])
def stock_page(request):
    office, offices = queries.office_for(request)
    if request.method == "GET":
        return render(request, "printing/stock.html", _stock_context(request, office, offices))
    action, data, user = request.POST.get("action", ""), request.POST, request.user
    try:
        if action == "receive":
            stock.receive(office, data.get("quantity"), batch_number=data.get("batch_number", ""), serial_from=data.get("serial_from", ""),
                          serial_to=data.get("serial_to", ""), actor=user, note=data.get("note", ""))
        elif action == "transfer":
            target = Office.objects.filter(code=data.get("to_office", ""), regency_id=office.regency_id, is_active=True).first()
            if target is None:
                raise PrintingError(_("Choose the office to transfer to."), code="bad_office")
            stock.transfer(office, target, data.get("quantity"), actor=user, note=data.get("note", ""))
        elif action == "spoil":
            stock.spoil_blanks(office, data.get("reason", ""), data.get("quantity"), actor=user, note=data.get("note", ""))
        elif action == "spoil_card":
            card = Card.objects.filter(serial=(data.get("serial") or "").strip().upper(), office=office).first() or \
                Card.objects.filter(serial=(data.get("serial") or "").strip().upper(), printed_at_office=office).first()
            if card is None:
                raise PrintingError(_("No card with that code is at this office."), code="no_card")
            jobs.spoil_card(card, data.get("reason", ""), actor=user, note=data.get("note", ""))
        elif action == "count":
            stock.count(office, data.get("counted"), reason=data.get("reason", ""), actor=user)
        else:
            raise PrintingError(_("Unknown action."), code="bad_action")
    except PrintingError as exc:
        return render(request, "printing/stock.html", _stock_context(request, office, offices, error=exc.messages[0], form=data), status=400)
    return _redirect("printing:stock", office)


@staff_view(Permission.MANAGE_OFFICES)
@require_http_methods(["GET", "POST"])
def quotas(request):
    scope = scoping.scope_of(request.user)
    offices = Office.objects.filter(regency_id__in=sorted(scope.regency_codes) or [""], is_active=True).order_by("kind", "name")
    error, status = "", 200
    if request.method == "POST":
        office = offices.filter(code=request.POST.get("office", "")).first()
        if office is None:
            raise PermissionDenied(_("You do not manage that office."))
        try:
            routing.set_quota(office, request.POST.get("daily_cards"), actor=request.user)
            return redirect("printing:quotas")
        except PrintingError as exc:
            error, status = exc.messages[0], 400
    rows = [(o, routing.quota_of(o), routing.can_print_at(o)[1] if o.kind == Office.Kind.KECAMATAN else "") for o in offices]
    return render(request, "printing/quotas.html", {"rows": rows, "error": error}, status=status)
