from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from . import labels
from .models import AuditChainHead, AuditCheck, AuditEntry, AuditMention


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the log is append-only. Reading it here is
    itself audited (its entries name NIKs and who looked at them)."""

    list_display = ["at", "actor_username", "role", "action", "record_kind", "object_id", "kecamatan_code", "ip_address"]
    list_filter = ["action", "actor_role"]
    search_fields = ["=object_id", "=actor_username"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None  # no bulk delete
    audit_object_type = "audit_entry"
    audit_kecamatan = "kecamatan_code"

    @admin.display(description=_("role"), ordering="actor_role")
    def role(self, entry):
        return labels.role_label(entry.actor_role)

    @admin.display(description=_("record"), ordering="object_type")
    def record_kind(self, entry):
        return labels.object_type_label(entry.object_type)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("office")


@admin.register(AuditMention)
class AuditMentionAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """Residents shown by entries that cover several: read-only like the log, reads audited."""

    list_display = ["at", "nik", "entry"]
    search_fields = ["=nik"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None
    raw_id_fields = ["entry"]
    list_select_related = ["entry"]
    audit_object_type = "audit_mention"
    audit_nik = "nik"


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "last_hash"]
    actions = None


@admin.register(AuditCheck)
class AuditCheckAdmin(ReadOnlyAdmin):
    """Results of the chain verification (daily task and `adminduk audit verify`)."""

    list_display = ["checked_at", "ok", "entries", "broken_entry_id", "reason", "head_seq"]
    list_filter = ["ok"]
    date_hierarchy = "checked_at"
    actions = None
