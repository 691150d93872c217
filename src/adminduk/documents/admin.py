from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import IssuedDocument, NumberBlock, SigningKey


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "version", "kind", "nik", "full_name", "office", "issued_at", "superseded_at", "revoked_at"]
    search_fields = ["=nik", "=number"]
    exclude = ["payload"]


@admin.register(NumberBlock)
class NumberBlockAdmin(ReadOnlyAdmin):
    list_display = ["series", "scope", "first", "last", "office", "holder", "created_at"]
    list_filter = ["series", "holder"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["key_id", "role", "office", "registered_at", "revoked_at"]
