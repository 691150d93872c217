"""The audit log for supervisors: browse, filter and export to CSV. Read-only by design:
there is no view, admin action or API operation that changes an entry."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.core.csv_export import streaming_csv

from . import queries
from .actions import record


def _filtered(request):
    form = queries.AuditFilterForm(request.GET or None)
    entries = queries.entries_for(request.user)
    if form.is_bound and form.is_valid():
        entries = queries.apply_filters(entries, form.cleaned_data)
    elif form.is_bound:
        entries = entries.none()  # an invalid filter shows its errors, not the whole log
    return form, entries


@staff_view(Permission.READ_AUDIT)
@require_GET
def audit_log(request):
    """A bad filter or page number answers 400 with the reason, and no entries."""
    form, entries = _filtered(request)
    status = 400 if form.is_bound and not form.is_valid() else 200
    page_error = ""
    try:
        page_number = queries.parse_page(request.GET.get("page"))
    except queries.PageError as exc:
        page_number, page_error, status, entries = 1, str(exc), 400, entries.none()
    page = queries.page_of(entries, page_number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "page_error": page_error, "query": query.urlencode()}
    return render(request, "audit/audit_log.html", context, status=status)


@staff_view(Permission.READ_AUDIT)
@require_GET
def audit_export(request):
    form, entries = _filtered(request)
    if form.is_bound and not form.is_valid():
        # An error page, not an empty file that looks like "no entries".
        return render(request, "audit/audit_log.html", {"form": form, "page": queries.page_of(entries, 1), "query": ""}, status=400)
    # Exporting the log is itself an audited read.
    record(request, "export", object_type="audit_log", details={"filters": {k: v for k, v in request.GET.items()}})
    return streaming_csv(queries.csv_rows(entries), f"audit-{timezone.localdate():%Y%m%d}.csv")
