"""Card printing in the admin: read-only. Every write goes through printing.actions from the
print pages (ledger, jobs, shipments, handovers are audited there)."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import BlangkoMovement, BlangkoStock, Card, Discrepancy, Handover, PrintBatch, PrintJob, PrintQuota, Shipment, ShipmentItem, StockCount


@admin.register(PrintQuota)
class PrintQuotaAdmin(ReadOnlyAdmin):
    list_display = ["office", "daily_cards", "set_by", "updated_at"]


@admin.register(BlangkoStock)
class BlangkoStockAdmin(ReadOnlyAdmin):
    list_display = ["office", "quantity", "updated_at"]


@admin.register(BlangkoMovement)
class BlangkoMovementAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "blangko_movement"
    audit_kecamatan = "office.kecamatan_id"
    list_display = ["at", "office", "kind", "quantity", "balance", "spoilage_reason", "actor_username"]
    list_filter = ["kind", "spoilage_reason"]


@admin.register(StockCount)
class StockCountAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "stock_count"
    audit_kecamatan = "office.kecamatan_id"
    list_display = ["at", "office", "expected", "counted", "reason"]


@admin.register(PrintBatch)
class PrintBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "office", "created_by"]


@admin.register(PrintJob)
class PrintJobAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "print_job"
    audit_kecamatan = "deliver_to.kecamatan_id"
    audit_nik = "nik"
    list_display = ["nik", "office", "deliver_to", "status", "priority", "attempts", "created_at"]
    list_filter = ["status", "priority"]
    search_fields = ["=nik"]
    exclude = ["media"]


@admin.register(Card)
class CardAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "card"
    audit_kecamatan = "office.kecamatan_id"
    audit_nik = "nik"
    list_display = ["serial", "nik", "kind", "status", "print_number", "printed_at_office", "office", "printed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=nik", "=serial"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["number", "from_office", "to_office", "status", "dispatched_at", "received_at"]
    list_filter = ["status"]


@admin.register(ShipmentItem)
class ShipmentItemAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "card", "state", "received_at"]


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "kind", "code", "resolution", "resolved_by"]


@admin.register(Handover)
class HandoverAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "handover"
    audit_kecamatan = "office.kecamatan_id"
    audit_nik = "card.nik"
    list_display = ["card", "method", "score", "office", "actor_username", "at"]
