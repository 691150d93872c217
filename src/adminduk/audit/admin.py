from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = ["at", "actor_username", "actor_role", "action", "object_type", "object_id", "kecamatan_code", "ip_address"]
    list_filter = ["action", "actor_role"]
    search_fields = ["=object_id", "=actor_username"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None  # no bulk delete

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("office")
