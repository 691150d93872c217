"""The biometric gallery in the admin: read-only, and never the templates themselves."""

from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import EnrolledTemplate, GalleryChange


@admin.register(EnrolledTemplate)
class EnrolledTemplateAdmin(ReadOnlyAdmin):
    list_display = ["reference_id", "nik", "created_at", "removed_at"]
    search_fields = ["=nik", "=reference_id"]
    exclude = ["face", "finger", "iris"]


@admin.register(GalleryChange)
class GalleryChangeAdmin(ReadOnlyAdmin):
    list_display = ["template", "op", "at"]
    list_filter = ["op"]
