"""The biometric gallery in the admin: read-only, and never the templates themselves."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import EnrolledTemplate, GalleryChange


@admin.register(EnrolledTemplate)
class EnrolledTemplateAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["reference_id", "nik", "created_at", "removed_at"]
    search_fields = ["=nik", "=reference_id"]
    exclude = ["face", "finger", "iris"]
    audit_object_type = "enrolled_template"
    audit_nik = "nik"


@admin.register(GalleryChange)
class GalleryChangeAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["template", "op", "at"]
    list_filter = ["op"]
    list_select_related = ["template"]
    audit_object_type = "gallery_change"
    audit_nik = "template.nik"
