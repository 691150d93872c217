from django.contrib import admin
from django.db import transaction

from adminduk.accounts import scoping
from adminduk.audit.actions import record
from adminduk.core.admin import AuditedReadsAdmin, BadRequestOnInvalidFormMixin, ReadOnlyAdmin, kecamatan_filter

from . import actions
from .forms import ResidentCorrectionForm
from .models import Family, FamilyMember, FormerArea, Resident, ResidentEvent, SerialCounter


class ResidentEventInline(admin.TabularInline):
    model = ResidentEvent
    extra = 0
    can_delete = False
    fields = ["kind", "occurred_on", "recorded_at", "recorded_by", "changes", "reason"]
    readonly_fields = fields
    ordering = ["-recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(AuditedReadsAdmin, BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    """Adds and corrections go through population.actions, so every change lands in the history;
    reads and writes are audited like on the operator pages."""

    form = ResidentCorrectionForm
    list_display = ["nik", "full_name", "sex", "birth_date", "kelurahan", "rw", "rt", "life_status"]
    list_filter = ["life_status", "sex", "religion", "marital_status", kecamatan_filter("kelurahan__kecamatan")]
    search_fields = ["=nik", "full_name"]
    list_select_related = ["kelurahan"]
    autocomplete_fields = ["kelurahan"]
    readonly_fields = ["life_status", "died_on", "created_at", "updated_at"]
    inlines = [ResidentEventInline]
    show_full_result_count = False  # COUNT(*) over a million rows on every page is wasted work
    audit_object_type = "resident"
    audit_object_id = "nik"
    audit_kecamatan = "kelurahan_id"  # a kelurahan code starts with its kecamatan's

    def has_delete_permission(self, request, obj=None):
        return False  # a NIK is never deleted or reused

    def get_form(self, request, obj=None, **kwargs):
        # The user's jurisdiction decides which NIKs they may register (no existence oracle).
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"scope": scoping.scope_of(request.user)})

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        with transaction.atomic():
            if change:
                changes = form.corrections()
                # The form already copied the new values onto obj; correct the stored row instead.
                actions.correct_resident(Resident.objects.get(pk=obj.pk), changes, reason=data["reason"], actor=request.user)
                obj.refresh_from_db()
                record(
                    request, "update", object_type="resident", object_id=obj.nik,
                    kecamatan_code=obj.kelurahan_id[:8], details={"fields": sorted(changes), "page": "admin_change"},
                )  # fmt: skip
            else:
                created = actions.register_resident(data, nik=data["nik"], actor=request.user, reason=data.get("reason", ""))
                obj.pk, obj.nik = created.pk, created.nik
                obj._state.adding = False
                record(request, "create", object_type="resident", object_id=created.nik, kecamatan_code=created.kelurahan_id[:8], details={"page": "admin_add"})


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    can_delete = False
    fields = ["resident", "relationship"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Family)
class FamilyAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """A KK is issued by population.actions.issue_family_card; a change issues a new KK."""

    list_display = ["kk_number", "kelurahan", "rw", "rt", "issued_on", "status"]
    list_filter = ["status", kecamatan_filter("kelurahan__kecamatan")]
    search_fields = ["=kk_number"]
    list_select_related = ["kelurahan"]
    inlines = [FamilyMemberInline]
    show_full_result_count = False
    audit_object_type = "family"
    audit_object_id = "kk_number"
    audit_kecamatan = "kelurahan_id"


@admin.register(ResidentEvent)
class ResidentEventAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["resident", "kind", "occurred_on", "recorded_at", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["=resident__nik"]
    list_select_related = ["resident", "recorded_by"]
    show_full_result_count = False
    audit_object_type = "resident_event"
    audit_kecamatan = "resident.kelurahan_id"
    audit_nik = "resident.nik"


@admin.register(FormerArea)
class FormerAreaAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["resident", "kecamatan", "left_on"]
    search_fields = ["=resident__nik", "=kecamatan"]
    list_select_related = ["resident"]
    show_full_result_count = False
    audit_object_type = "resident_event"
    audit_kecamatan = "resident.kelurahan_id"
    audit_nik = "resident.nik"


@admin.register(SerialCounter)
class SerialCounterAdmin(ReadOnlyAdmin):
    list_display = ["kind", "prefix", "last_serial"]
    search_fields = ["prefix"]
