from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import EventRefusal, InboxPacket, NodeHeartbeat, NodeState, OutboxPacket, RejectedDelivery

# Read-only: packets change state only through sync (acknowledgements) and processing, never by
# hand; the sealed bodies are not shown.


@admin.register(OutboxPacket)
class OutboxPacketAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "state", "size", "attempts", "created_at", "delivered_at", "rejection_code"]
    list_filter = ["state", "kind"]
    search_fields = ["=id"]
    exclude = ["body"]
    actions = None


@admin.register(InboxPacket)
class InboxPacketAdmin(ReadOnlyAdmin):
    list_display = ["id", "station", "kind", "state", "size", "device_time", "received_at"]
    list_filter = ["state", "kind"]
    search_fields = ["=id"]
    exclude = ["body"]
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("station__office")


@admin.register(RejectedDelivery)
class RejectedDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["at", "code", "packet_id", "station_id", "size", "remote_address", "reason"]
    list_filter = ["code"]
    search_fields = ["=packet_id", "=station_id"]
    actions = None


@admin.register(NodeHeartbeat)
class NodeHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["station", "last_seen", "last_push_at", "last_pull_at", "backlog", "packets_stored", "packets_duplicate", "packets_rejected"]
    actions = None


@admin.register(NodeState)
class NodeStateAdmin(ReadOnlyAdmin):
    list_display = ["central_url", "station_id", "link_state", "last_sync_ok_at", "last_error"]
    exclude = ["synced_usernames"]
    actions = None


@admin.register(EventRefusal)
class EventRefusalAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "event_type", "office", "reason", "refused_at"]
    list_filter = ["kind"]
    search_fields = ["=id"]
    actions = None
