"""The resident portal's civil pages: apply from the phone, see what is missing and upload it,
follow the decision. A resident reaches only applications they made, and applies only for
their own family (the KK they are on, its children, its deceased)."""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adminduk.audit.actions import record
from adminduk.portal.access import resident_view

from . import actions, requirements
from .choices import Channel, Kind, Requirement
from .errors import CivilError
from .forms import FORMS, jsonable
from .models import Application
from .uploads import UploadRefused
from .views import issued_documents

# What a resident may apply for from the phone (the counter handles moves between KKs, which
# need the other family's consent on paper).
PORTAL_KINDS = [Kind.AKTA_KELAHIRAN, Kind.AKTA_KEMATIAN, Kind.KIA, Kind.KK_NEWBORN, Kind.KK_REMOVE_DECEASED, Kind.KK_CORRECT]


class Refused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _own_family_check(resident, kind: str, data: dict) -> None:
    """The people and KK named belong to the resident's own KK."""
    membership = resident.current_membership
    own_kk = membership.family.kk_number if membership else ""
    family_niks = set(membership.family.members.values_list("resident__nik", flat=True)) if membership else set()
    if data.get("kk_number") and data["kk_number"] != own_kk:
        raise Refused(_("From the portal you can apply only for your own KK."))
    for key in ("child_nik", "deceased_nik", "member_nik"):
        if key in data and kind != Kind.KK_NEWBORN and data[key] not in family_niks:
            raise Refused(_("From the portal you can apply only for members of your own KK."))


def _document_fields(kind):
    needed = list(requirements.DOCUMENTS[kind]) + ([Requirement.CHILD_PHOTO] if kind == Kind.KIA else [])
    return [(r, Requirement(r).label) for r in needed]


@resident_view
@require_http_methods(["GET"])
def my_applications(request):
    applications = list(Application.objects.filter(applicant_nik=request.resident.nik).order_by("-submitted_at")[:50])
    record(request, "view", object_type="civil_application_list", details={"count": len(applications)})
    return render(request, "civil/portal_list.html", {"applications": applications, "kinds": [(k.value, k.label) for k in PORTAL_KINDS]})


@resident_view
@require_http_methods(["GET", "POST"])
def new(request):
    kind = request.GET.get("jenis") or request.POST.get("jenis") or ""
    if kind not in PORTAL_KINDS:
        return redirect("civil_portal:list")
    post = request.POST.copy() if request.method == "POST" else None
    if post is not None:
        post["applicant_nik"] = request.resident.nik
    form = FORMS[kind](post)
    form.fields["applicant_nik"].widget = form.fields["applicant_nik"].hidden_widget()
    form.fields["applicant_nik"].initial = request.resident.nik
    context = {"kind": kind, "kind_label": Kind(kind).label, "form": form, "document_fields": _document_fields(kind)}
    if request.method == "GET":
        return render(request, "civil/portal_new.html", context)
    if not form.is_valid():
        return render(request, "civil/portal_new.html", context, status=400)
    data = jsonable(form.cleaned_data)
    try:
        with transaction.atomic():
            _own_family_check(request.resident, kind, data)
            application = actions.submit(kind, data, office=None, channel=Channel.PORTAL, actor=request.user)
            for requirement, label in context["document_fields"]:
                upload = request.FILES.get(f"doc_{requirement}")
                if upload is not None:
                    try:
                        actions.add_document(application, requirement, upload.read(), upload.name, actor=request.user)
                    except UploadRefused as exc:
                        raise Refused(f"{label}: {exc.message}") from exc
    except (CivilError, Refused) as exc:
        context["error"] = exc.messages[0] if isinstance(exc, CivilError) else exc.message
        return render(request, "civil/portal_new.html", context, status=400)
    return redirect("civil_portal:detail", pk=application.pk)


def _own(request, pk) -> Application:
    return get_object_or_404(Application.objects.select_related("office"), pk=pk, applicant_nik=request.resident.nik)


def _detail(request, application, status=200, **extra):
    context = {"application": application, "missing": [(m, Requirement(m).label) for m in application.missing],
               "documents": list(application.documents.defer("content")), "issued": issued_documents(application), **extra}
    return render(request, "civil/portal_detail.html", context, status=status)


@resident_view
@require_http_methods(["GET"])
def detail(request, pk):
    application = _own(request, pk)
    record(request, "view", object_type="civil_application", object_id=str(application.pk), kecamatan_code=application.kecamatan_code,
           subject_nik=application.subject_nik or application.applicant_nik)
    return _detail(request, application)


@resident_view
@require_POST
def upload(request, pk):
    application = _own(request, pk)
    upload = request.FILES.get("file")
    requirement = request.POST.get("requirement", "")
    if upload is None or requirement not in application.missing:
        return _detail(request, application, status=400, error=_("Choose one of the missing documents and a file."))
    try:
        actions.add_document(application, requirement, upload.read(), upload.name, actor=request.user)
    except UploadRefused as exc:
        return _detail(request, application, status=400, error=exc.message)
    except CivilError as exc:
        return _detail(request, application, status=400, error=exc.messages[0])
    return redirect("civil_portal:detail", pk=application.pk)
