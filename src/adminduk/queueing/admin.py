"""Counters, tickets and invitations are read-only in the admin: they change only through
queueing.actions and queueing.invitations, which audit every change."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import Counter, Invitation, Ticket, TicketSequence


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ["name", "office", "is_active"]
    list_filter = ["office", "is_active"]


@admin.register(TicketSequence)
class TicketSequenceAdmin(ReadOnlyAdmin):
    list_display = ["office", "service", "day", "last_number"]
    list_filter = ["office", "service"]


@admin.register(Ticket)
class TicketAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """A booked resident's ticket holds their NIK: reads are audited."""

    list_display = ["label", "office", "day", "service", "priority", "status", "counter", "issued_at", "first_called_at"]
    list_filter = ["office", "day", "service", "status"]
    list_select_related = ["office", "counter"]
    audit_object_type = "queue_ticket"
    audit_kecamatan = "office.kecamatan_id"
    audit_nik = "nik"


@admin.register(Invitation)
class InvitationAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["nik", "office", "date", "time", "rt", "rw", "kelurahan", "status"]
    list_filter = ["office", "date", "status"]
    search_fields = ["=nik"]
    list_select_related = ["office", "kelurahan"]
    audit_object_type = "invitation"
    audit_kecamatan = "kelurahan_id"
    audit_nik = "nik"
