"""The privacy app's records in the admin: read-only and audited (they name residents), except
the Dinas' policy, which the Dinas admin edits here."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, BadRequestOnInvalidFormMixin, ReadOnlyAdmin

from .models import CorrectionRequest, ForwardCursor, Objection, PrivacyPolicy, Withholding


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    list_display = ["show_operator_name", "purpose_required_roles", "correction_hours", "objection_days", "updated_at"]

    def has_add_permission(self, request):
        return not PrivacyPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Withholding)
class WithholdingAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "category", "subject_nik", "covers_from", "until", "legal_basis"]
    list_filter = ["category"]
    search_fields = ["=subject_nik"]
    # No audit_nik: an entry naming the NIK as its subject would show the withholding in the
    # very tracker it withholds from.
    audit_object_type = "withholding"


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "nik", "field", "status", "outcome", "due_at"]
    list_filter = ["status", "field"]
    search_fields = ["=nik"]
    exclude = ["evidence"]
    audit_object_type = "correction_request"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "nik"


@admin.register(Objection)
class ObjectionAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "nik", "entry", "status", "due_at"]
    list_filter = ["status"]
    search_fields = ["=nik"]
    raw_id_fields = ["entry"]
    audit_object_type = "objection"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "nik"


@admin.register(ForwardCursor)
class ForwardCursorAdmin(ReadOnlyAdmin):
    """How far a node has forwarded its audit entries to the central (written by the forwarding task only)."""

    list_display = ["id", "last_id", "updated_at"]
