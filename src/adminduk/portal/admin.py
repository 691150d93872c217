"""The portal's records in the admin, read-only and audited: code requests (never the code),
wrong codes, and resident sessions (never the token)."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import FailedCodeAttempt, PortalSession, SignInCode


@admin.register(SignInCode)
class SignInCodeAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "nik", "ip_address", "expires_at", "used_at", "failed_attempts"]
    search_fields = ["=nik"]
    exclude = ["code_hash"]
    audit_object_type = "portal_code"
    audit_nik = "nik"


@admin.register(FailedCodeAttempt)
class FailedCodeAttemptAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["at", "nik", "ip_address"]
    search_fields = ["=nik"]
    audit_object_type = "portal_wrong_code"
    audit_nik = "nik"


@admin.register(PortalSession)
class PortalSessionAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "account", "last_seen_at", "ended_at", "ip_address"]
    list_select_related = ["account"]
    search_fields = ["=account__resident_nik"]
    exclude = ["token_hash"]
    audit_object_type = "portal_session"
    audit_nik = "account.resident_nik"
