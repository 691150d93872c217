from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import ReadOnlyAdmin

from . import labels
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = ["at", "actor_username", "role", "action", "record_kind", "object_id", "kecamatan_code", "ip_address"]
    list_filter = ["action", "actor_role"]
    search_fields = ["=object_id", "=actor_username"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None  # no bulk delete

    @admin.display(description=_("role"), ordering="actor_role")
    def role(self, entry):
        return labels.role_label(entry.actor_role)

    @admin.display(description=_("record"), ordering="object_type")
    def record_kind(self, entry):
        return labels.object_type_label(entry.object_type)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("office")
