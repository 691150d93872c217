from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import Message, MessagingConsent


@admin.register(Message)
class MessageAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """The message log, read-only and audited: what was sent to which number, and whether the
    gateway took it (a sign-in code's text is never stored)."""

    list_display = ["created_at", "kind", "phone", "channel", "status", "error"]
    list_filter = ["status", "channel", "kind"]
    list_select_related = ["resident"]
    search_fields = ["=phone", "=gateway_id", "=resident__nik"]
    audit_object_type = "message"
    audit_nik = "resident.nik"


@admin.register(MessagingConsent)
class MessagingConsentAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """Consents to non-essential messages, read-only (given and revoked by the resident)."""

    list_display = ["given_at", "resident", "given_via", "revoked_at"]
    list_select_related = ["resident"]
    search_fields = ["=resident__nik"]
    audit_object_type = "messaging_consent"
    audit_nik = "resident.nik"
