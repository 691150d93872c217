"""Admin building blocks shared by every app."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BadRequestOnInvalidFormMixin:
    """A rejected admin form answers 400 instead of 200, so clients and tests see the refusal."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and getattr(response, "context_data", None):
            adminform = response.context_data.get("adminform")
            if adminform is not None and adminform.form.errors:
                response.status_code = 400
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """For history and reference data that nobody edits by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _attribute(obj, path: str):
    """Follow a dotted attribute path ("request.kecamatan_code"); None where a link is empty."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


class AuditedReadsAdmin:
    """Reading personal data in the admin is audited like on the operator pages: each list page
    shown (one entry naming the records on it, with the search and filters used) and each
    record opened (one entry for the record, its kecamatan and the page). Use it on every admin
    of personal data (residents, families, requests, journals).

    Set `audit_object_type`; `audit_object_id`, `audit_kecamatan` and `audit_nik` are dotted
    attribute paths on the object (prefer ids and fields of select_related rows, so a list page
    costs no extra queries)."""

    audit_object_type = ""
    audit_object_id = "pk"
    audit_kecamatan = ""  # a field holding a kecamatan code, or a kelurahan code it starts with
    audit_nik = ""  # the NIK the row is about, when it is not the record's own id

    def audit_target(self, obj) -> tuple[str, str, str]:
        """(record id, kecamatan code, NIK) of one row."""
        object_id = _attribute(obj, self.audit_object_id)
        kecamatan = str(_attribute(obj, self.audit_kecamatan) or "") if self.audit_kecamatan else ""
        nik = str(_attribute(obj, self.audit_nik) or "") if self.audit_nik else ""
        return ("" if object_id is None else str(object_id)), kecamatan[:8], nik

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            from adminduk.audit.actions import record

            rows = [self.audit_target(obj) for obj in changelist.result_list]
            kecamatan = {row[1] for row in rows}
            details = {"shown": [row[0] for row in rows], "page": changelist.page_num, "filters": dict(request.GET.items())}
            # The residents the page showed: each one's data tracker lists it (audit mentions).
            shown = [row[2] for row in rows] if self.audit_nik else [row[0] for row in rows] if self.audit_object_type == "resident" else None
            record(
                request,
                "search" if changelist.query else "view",
                object_type=f"{self.audit_object_type}_list",
                object_id=changelist.query.strip()[:64],
                kecamatan_code=kecamatan.pop() if len(kecamatan) == 1 else "",
                details=details,
                mentions=shown,
            )
        return response

    def _record_opened(self, request, response, page: str):
        obj = (getattr(response, "context_data", None) or {}).get("original" if page == "change" else "object")
        if obj is None:
            return
        from adminduk.audit.actions import record

        object_id, kecamatan, nik = self.audit_target(obj)
        details = {"page": f"admin_{page}"}
        if nik:
            details["nik"] = nik
        record(request, "view", object_type=self.audit_object_type, object_id=object_id, kecamatan_code=kecamatan, details=details)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_opened(request, response, "change")  # a re-shown form (400) shows the record too
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_opened(request, response, "history")
        return response


def jurisdiction_kecamatan(user):
    """The kecamatan a user's admin lists can be filtered by: their jurisdiction, or, for an
    account without an office (a bare superuser), the kab/kota of this installation's offices."""
    from adminduk.accounts.scoping import scope_of
    from adminduk.offices.models import Office
    from adminduk.regions.models import Kecamatan

    scope = scope_of(user)
    regencies = set(scope.regency_codes)
    if scope.is_empty:
        regencies = set(Office.objects.filter(is_active=True).values_list("regency_id", flat=True))
    condition = Q(regency__in=sorted(regencies)) | Q(code__in=sorted(scope.kecamatan_codes))
    return Kecamatan.objects.filter(condition).order_by("code")


def kecamatan_filter(field: str):
    """A list filter by kecamatan offering only `jurisdiction_kecamatan`, never the 7,285 of the
    country. `field` is the lookup holding the kecamatan (code), e.g. "kelurahan__kecamatan"."""

    class KecamatanFilter(admin.SimpleListFilter):
        title = _("kecamatan")
        parameter_name = "kecamatan"

        def lookups(self, request, model_admin):
            return [(k.code, f"{k.code} {k.name}") for k in jurisdiction_kecamatan(request.user)]

        def queryset(self, request, queryset):
            value = self.value()
            return queryset if value is None else queryset.filter(**{field: value})

    return KecamatanFilter
