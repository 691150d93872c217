"""Office pages for civil applications: the queue, the counter intake, the detail with its
documents and journal, and the decisions. Thin: parse, call civil.actions, render. A refused
input answers 400 with the reason and changes nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adminduk.accounts import scoping
from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.audit.actions import record

from . import actions, queries, requirements
from .choices import Channel, Kind, Requirement, Status
from .errors import CivilError
from .forms import FORMS, jsonable
from .uploads import UploadRefused


def issued_documents(application) -> list[dict]:
    """The documents an approved application issued, with their kind's name in the user's language."""
    from adminduk.documents.models import DocumentKind

    return [d | {"label": DocumentKind(d["kind"]).label} for d in application.result.get("documents", [])]


class IntakeRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def queue(request):
    status = request.GET.get("status", "open")
    if status not in {"open", "", *Status.values}:
        status = "open"
    applications = list(queries.queue(request.user, status=status)[:200])
    now = timezone.now()
    record(request, "view", object_type="civil_queue", details={"status": status, "count": len(applications)},
           mentions=[a.subject_nik or a.applicant_nik for a in applications])
    return render(request, "civil/queue.html", {
        "applications": applications, "status": status, "statuses": Status.choices, "now": now,
        "overdue": sum(1 for a in applications if a.is_overdue(now)), "kinds": Kind.choices,
        "may_take": bool(scoping.authorize(request.user, Permission.EDIT_RESIDENT)),
    })


def _document_fields(kind: str) -> list[tuple[str, str]]:
    needed = list(requirements.DOCUMENTS[kind]) + ([Requirement.CHILD_PHOTO] if kind == Kind.KIA else [])
    return [(r, Requirement(r).label) for r in needed]


@staff_view(Permission.EDIT_RESIDENT)
@require_http_methods(["GET", "POST"])
def new(request):
    kind = request.GET.get("jenis") or request.POST.get("jenis") or ""
    if kind not in Kind.values:
        return render(request, "civil/choose.html", {"kinds": Kind.choices})
    offices = list(queries.offices_of(request.user))
    form = FORMS[kind](request.POST or None)
    context = {"kind": kind, "kind_label": Kind(kind).label, "form": form, "document_fields": _document_fields(kind)}
    if request.method == "GET":
        return render(request, "civil/new.html", context)
    if not form.is_valid():
        return render(request, "civil/new.html", context, status=400)
    office = offices[0] if offices else None
    try:
        with transaction.atomic():
            application = actions.submit(kind, jsonable(form.cleaned_data), office=office, channel=Channel.COUNTER, actor=request.user)
            if not scoping.scope_of(request.user).covers(application.kecamatan_code):
                raise IntakeRefused(_("The KK or resident is outside your jurisdiction."))
            for requirement, _label in context["document_fields"]:
                upload = request.FILES.get(f"doc_{requirement}")
                if upload is not None:
                    try:
                        actions.add_document(application, requirement, upload.read(), upload.name, actor=request.user)
                    except UploadRefused as exc:
                        raise IntakeRefused(f"{Requirement(requirement).label}: {exc.message}") from exc
    except (CivilError, IntakeRefused) as exc:
        context["error"] = exc.messages[0] if isinstance(exc, CivilError) else exc.message
        return render(request, "civil/new.html", context, status=400)
    return redirect("civil:detail", pk=application.pk)


def _application(request, pk):
    application = get_object_or_404(queries.applications_for(request.user).select_related("office", "decided_by"), pk=pk)
    return application


def _detail_context(request, application, **extra):
    user = request.user
    return {
        "application": application, "documents": list(application.documents.defer("content")),
        "events": list(application.events.all()), "missing": [Requirement(m).label for m in application.missing],
        "overdue": application.is_overdue(), "requirements": Requirement.choices,
        "may_upload": application.is_open and bool(scoping.authorize(user, Permission.EDIT_RESIDENT)),
        "may_decide": application.is_open and settings.ROLE == "central" and bool(scoping.authorize(user, Permission.APPROVE)),
        "data": [(k, v) for k, v in application.data.items() if not k.startswith("_")], "issued": issued_documents(application), **extra,
    }


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def detail(request, pk):
    application = _application(request, pk)
    record(request, "view", object_type="civil_application", object_id=str(application.pk), kecamatan_code=application.kecamatan_code,
           subject_nik=application.subject_nik or application.applicant_nik)
    return render(request, "civil/detail.html", _detail_context(request, application))


def _refused(request, application, message):
    return render(request, "civil/detail.html", _detail_context(request, application, error=message), status=400)


@staff_view(Permission.EDIT_RESIDENT)
@require_POST
def upload(request, pk):
    application = _application(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(request, application, _("Choose a file to upload."))
    try:
        actions.add_document(application, request.POST.get("requirement", ""), upload.read(), upload.name, actor=request.user)
    except UploadRefused as exc:
        return _refused(request, application, exc.message)
    except CivilError as exc:
        return _refused(request, application, exc.messages[0])
    return redirect("civil:detail", pk=application.pk)


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def document(request, pk, doc):
    application = _application(request, pk)
    item = application.documents.filter(pk=doc).first()
    if item is None:
        raise Http404
    if item.deleted_at is not None:
        return HttpResponse(_("This document was deleted after the retention period."), status=410, content_type="text/plain; charset=utf-8")
    record(request, "view", object_type="civil_document", object_id=str(item.pk), kecamatan_code=application.kecamatan_code,
           subject_nik=application.subject_nik or application.applicant_nik)
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.requirement}.{item.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def issued_pdf(request, pk, doc):
    """The PDF of a document this application issued (KK, akta, KIA), its QR code pointing to
    the public verification page."""
    from adminduk.documents import services
    from adminduk.documents.models import IssuedDocument

    from .issuing import photo_for

    application = _application(request, pk)
    if str(doc) not in {d.get("id") for d in application.result.get("documents", [])}:
        raise Http404
    document = get_object_or_404(IssuedDocument, pk=doc)
    record(request, "view", object_type="document", object_id=f"{document.number} v{document.version}", kecamatan_code=application.kecamatan_code,
           subject_nik=document.nik)
    pdf = services.pdf_of(document, request, photo=photo_for(application) if document.kind == "kia" else None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.number}.pdf"'
    return response


@staff_view(Permission.APPROVE)
@require_POST
def request_documents(request, pk):
    application = _application(request, pk)
    try:
        actions.request_documents(application, request.POST.getlist("wanted"), note=request.POST.get("note", ""), actor=request.user)
    except CivilError as exc:
        return _refused(request, application, exc.messages[0])
    return redirect("civil:detail", pk=application.pk)


@staff_view(Permission.APPROVE)
@require_POST
def approve(request, pk):
    application = _application(request, pk)
    try:
        actions.approve(application, actor=request.user, request=request)
    except ValidationError as exc:  # CivilError, or a refusal of population.actions
        return _refused(request, application, exc.messages[0])
    return redirect("civil:detail", pk=application.pk)


@staff_view(Permission.APPROVE)
@require_POST
def reject(request, pk):
    application = _application(request, pk)
    try:
        actions.reject(application, reason=request.POST.get("reason", ""), actor=request.user)
    except CivilError as exc:
        return _refused(request, application, exc.messages[0])
    return redirect("civil:detail", pk=application.pk)
