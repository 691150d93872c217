from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The message log, read-only: what was sent to which number, and whether the gateway took it."""

    list_display = ["created_at", "kind", "phone", "channel", "status", "error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["phone", "gateway_id"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
