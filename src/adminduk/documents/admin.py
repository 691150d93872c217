from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import DownloadGrant, IssuedDocument, NumberBlock, NumberSeries, NumberUse, SigningKey


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "document"
    audit_kecamatan = "office.kecamatan_id"
    audit_nik = "nik"
    list_display = ["number", "version", "kind", "nik", "full_name", "office", "issued_at", "superseded_at", "revoked_at"]
    search_fields = ["=nik", "=number"]
    exclude = ["payload"]
    list_select_related = ["office"]


@admin.register(NumberBlock)
class NumberBlockAdmin(ReadOnlyAdmin):
    list_display = ["series", "scope", "first", "last", "office", "holder", "created_at"]
    list_filter = ["series", "holder"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["key_id", "role", "office", "registered_at", "revoked_at"]


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ["series", "scope", "next_first"]


@admin.register(NumberUse)
class NumberUseAdmin(ReadOnlyAdmin):
    list_display = ["block", "day", "used"]


@admin.register(DownloadGrant)
class DownloadGrantAdmin(ReadOnlyAdmin):
    list_display = ["document", "phone", "expires_at", "failed_attempts", "locked_until", "downloads"]
    exclude = ["key_digest", "pin_hash"]
