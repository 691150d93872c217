from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import Message


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
