"""Operator pages. Views parse the request, check access and render; queries live in
web.queries and display shaping in web.display.

Access is deny by default (adminduk.accounts.access): every view declares who may use it, and
every lookup goes through the user's jurisdiction (adminduk.accounts.scoping), so a record
outside it is answered exactly like an unknown one. Reads of personal data go to the audit log.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from adminduk.accounts import certification, scoping
from adminduk.accounts.access import any_staff_view, staff_view
from adminduk.accounts.permissions import Permission
from adminduk.audit import purposes
from adminduk.audit.actions import record
from adminduk.audit.queries import chain_status
from adminduk.core.csv_export import streaming_csv
from adminduk.population.actions import correct_resident
from adminduk.population.forms import ResidentCorrectionForm
from adminduk.population.models import Resident
from adminduk.privacy import policy

from . import display, queries


def _purpose(request) -> dict:
    """The purpose stated with the request (`tujuan`), and what the search forms offer."""
    return {
        "purpose": purposes.parse(request.GET.get("tujuan")) or "",
        "purpose_required": policy.purpose_required(request.user),
        "purpose_choices": [(p.value, p.label) for p in purposes.CHOOSABLE],
    }


def _wants_fragment(request) -> bool:
    # A history restore (back button after htmx's cache expired) needs the whole page again.
    return bool(request.htmx) and not request.htmx.history_restore_request


@any_staff_view
@require_GET
def home(request):
    user = request.user
    can_search = bool(scoping.authorize(user, Permission.SEARCH_RESIDENT))
    figures = None
    if scoping.authorize(user, Permission.VIEW_RESIDENT):
        scope = scoping.scope_of(user)
        figures = queries.registry_figures(
            scoping.residents_for(user),
            scoping.families_for(user),
            timezone.localdate(),
            queries.area_names(scope.regency_codes, scope.kecamatan_codes),
        )
    context = {
        "figures": figures,
        "can_search": can_search,
        "search": queries.NikSearch(""),
        "certificates": certification.certificate_notices(user, timezone.localdate()),
        "audit_chain": chain_status(user),
        **_purpose(request),
    }
    return render(request, "web/home.html", context)


@staff_view(Permission.SEARCH_RESIDENT)
@require_GET
def resident_search(request):
    """Search by NIK (`nik`), by name with an optional birth date or year (`nama`, `lahir`) or
    by KK number (`kk`). A NIK outcome (invalid, not found, found) is a 200 page, as before; an
    invalid name or KK query is a 400 that the page still shows (the forms tell htmx to swap
    it in). Every search that could run is audited, with what was found and its purpose; a
    search without a purpose is refused (400) for the roles the Dinas' policy names."""
    stated = _purpose(request)
    asked = any((request.GET.get(key) or "").strip() for key in ("nik", "nama", "lahir", "kk"))
    if asked and stated["purpose_required"] and not stated["purpose"]:
        record(request, "denied", object_type="resident_list", details={"reason": "search without a purpose"})
        message = _("State the purpose of this search (recording, pickup, application, correction, complaint…): the Dinas requires it for your role.")
        return _search_response(request, "web/partials/search_result.html", {"search": queries.NikSearch(""), "purpose_error": message}, status=400)
    if "nama" in request.GET or "lahir" in request.GET:
        return _name_search(request)
    if "kk" in request.GET:
        return _kk_search(request)
    residents = scoping.residents_for(request.user, Permission.SEARCH_RESIDENT)
    search = queries.search_by_nik(request.GET.get("nik", ""), timezone.localdate(), residents)
    if search.asked and not search.error:
        resident = search.resident
        record(
            request,
            "search",
            object_type="resident",
            object_id=search.nik,
            kecamatan_code=resident.kelurahan.kecamatan_id if resident else "",
            details={"found": resident is not None},
            purpose=stated["purpose"] or None,
        )
    return _search_response(request, "web/partials/search_result.html", {"search": search})


def _search_response(request, fragment: str, context: dict, status: int = 200):
    context = {"mode": "nik", "search": queries.NikSearch(""), **_purpose(request), **context}
    template = fragment if _wants_fragment(request) else "web/resident_search.html"
    response = render(request, template, context, status=status)
    # Same URL, two bodies: caches must key on the htmx header.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _name_search(request):
    residents = scoping.residents_for(request.user, Permission.SEARCH_RESIDENT)
    areas = scoping.scope_of(request.user).area_codes  # narrows the index to the jurisdiction
    outcome = queries.search_by_name(request.GET.get("nama", ""), request.GET.get("lahir", ""), timezone.localdate(), residents, areas)
    if outcome.result is not None:
        query = outcome.result.query
        record(
            request,
            "search",
            object_type="resident",
            object_id=query.text[:64],
            kecamatan_code=_single_kecamatan(outcome.residents),
            details={
                "by": "name",
                "name": query.text,
                "birth": request.GET.get("lahir", "").strip(),
                "more": outcome.result.truncated,
            },
            purpose=purposes.parse(request.GET.get("tujuan")),
            # Every resident the result list showed (name, NIK, birth data), in its order: the
            # entry's details keep them, and each one's data tracker lists the search.
            mentions=[r.nik for r in outcome.residents],
        )
    context = {"mode": "name", "name_search": outcome}
    return _search_response(request, "web/partials/name_search_result.html", context, status=400 if outcome.error else 200)


def _single_kecamatan(residents) -> str:
    """The kecamatan of every resident found, if they share one (the audit log's scoping)."""
    codes = {r.kelurahan.kecamatan_id for r in residents}
    return codes.pop() if len(codes) == 1 else ""


def _kk_search(request):
    outcome = queries.search_by_kk(request.GET.get("kk", ""), timezone.localdate(), scoping.families_for(request.user))
    if outcome.asked and not outcome.error:
        family = outcome.family
        record(
            request,
            "search",
            object_type="family",
            object_id=outcome.kk_number,
            kecamatan_code=family.kelurahan.kecamatan_id if family else "",
            details={"by": "kk", "found": family is not None},
            purpose=purposes.parse(request.GET.get("tujuan")),
        )
    context = {"mode": "kk", "kk_search": outcome}
    return _search_response(request, "web/partials/kk_search_result.html", context, status=400 if outcome.error else 200)


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def resident_detail(request, nik: str):
    today = timezone.localdate()
    detail = queries.resident_detail(nik, today, scoping.residents_for(request.user))
    resident = detail.resident
    stated = _purpose(request)
    if stated["purpose_required"] and not stated["purpose"]:
        return render(request, "web/purpose_ask.html", stated)
    record(request, "view", object_type="resident", object_id=resident.nik, kecamatan_code=resident.kelurahan.kecamatan_id,
           purpose=stated["purpose"] or None)
    context = {
        **stated,
        "detail": detail,
        "resident": resident,
        "sections": display.resident_sections(resident),
        "nik_rows": display.nik_rows(detail.parsed_nik, detail.nik_kecamatan) if detail.parsed_nik else [],
        "wajib_ktp": display.wajib_ktp_status(resident, today),
        "kia": display.kia_status(resident, today),
        "history": [(event, display.event_changes(event, detail.event_kelurahan)) for event in detail.events],
        "can_edit": bool(scoping.authorize(request.user, Permission.EDIT_RESIDENT)),
    }
    return render(request, "web/resident_detail.html", context)


@staff_view(Permission.VIEW_RESIDENT)
@require_GET
def family_detail(request, kk_number: str):
    detail = queries.family_detail(kk_number, timezone.localdate(), scoping.families_for(request.user))
    family = detail.family
    stated = _purpose(request)
    if stated["purpose_required"] and not stated["purpose"]:
        return render(request, "web/purpose_ask.html", stated)
    record(request, "view", object_type="family", object_id=family.kk_number, kecamatan_code=family.kelurahan.kecamatan_id,
           purpose=stated["purpose"] or None)
    context = {**stated, "detail": detail, "family": family, "header_rows": display.family_rows(family)}
    return render(request, "web/family_detail.html", context)


@staff_view(Permission.EDIT_RESIDENT)
def resident_edit(request, nik: str):
    """Correct a resident's registry data; the NIK never changes and every change needs a reason."""
    resident = get_object_or_404(scoping.residents_for(request.user, Permission.EDIT_RESIDENT).select_related("kelurahan"), nik=nik)
    form = ResidentCorrectionForm(request.POST or None, instance=resident, today=timezone.localdate())
    form.fields["kelurahan"].queryset = queries.kelurahan_in(scoping.scope_of(request.user))
    if request.method == "POST" and form.is_valid():
        changes = form.corrections()
        if changes:
            stored = Resident.objects.get(pk=resident.pk)  # the form copied new values onto `resident`
            correct_resident(stored, changes, reason=form.cleaned_data["reason"], actor=request.user)
            record(
                request, "update", object_type="resident", object_id=nik,
                kecamatan_code=stored.kelurahan.kecamatan_id, details={"fields": sorted(changes)}, purpose=purposes.Purpose.CORRECTION,
            )
            messages.success(request, _("The changes are saved and kept in the resident's history."))
        return redirect("web:resident_detail", nik=nik)
    status = 400 if request.method == "POST" else 200
    if request.method == "GET":
        record(request, "view", object_type="resident", object_id=nik, kecamatan_code=resident.kelurahan.kecamatan_id, details={"page": "edit"})
    return render(request, "web/resident_edit.html", {"form": form, "resident": resident}, status=status)


@staff_view(Permission.EXPORT)
@require_GET
def resident_export(request):
    """Living residents of one kelurahan (optionally one RW/RT) as CSV, within the jurisdiction."""
    scope = scoping.scope_of(request.user)
    form = queries.ResidentExportForm(request.GET or None, kelurahan=queries.kelurahan_in(scope))
    if not form.is_bound or not form.is_valid():
        return render(request, "web/resident_export.html", {"form": form}, status=400 if form.is_bound else 200)
    residents = queries.export_residents(scoping.residents_for(request.user, Permission.EXPORT), form.cleaned_data)
    kelurahan = form.cleaned_data["kelurahan"]
    record(
        request, "export", object_type="resident_list", object_id=kelurahan.code,
        kecamatan_code=kelurahan.kecamatan_id, details={k: str(v) for k, v in request.GET.items()},
        mentions=residents.values_list("nik", flat=True),  # every resident in the file
    )
    return streaming_csv(queries.export_rows(residents), f"penduduk-{kelurahan.code}.csv")
