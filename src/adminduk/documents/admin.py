from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import IssuedDocument, NumberBlock, NumberSeries, NumberUse, SigningKey


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "nik", "full_name", "office", "issued_at", "revoked_at"]
    search_fields = ["=nik", "=number"]


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ["series", "scope", "next_first"]


@admin.register(NumberBlock)
class NumberBlockAdmin(ReadOnlyAdmin):
    list_display = ["series", "scope", "office", "holder", "first", "last"]
    list_filter = ["series", "holder"]


@admin.register(NumberUse)
class NumberUseAdmin(ReadOnlyAdmin):
    list_display = ["block", "day", "used"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["key_id", "role", "office", "registered_at", "revoked_at"]
