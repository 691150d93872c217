from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "nik", "full_name", "office", "issued_at", "revoked_at"]
    search_fields = ["=nik", "=number"]
