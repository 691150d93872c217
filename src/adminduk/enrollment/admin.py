"""e-KTP requests in the admin: read-only. Statuses change only through
enrollment.requests.transition, which journals and audits every change."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin, kecamatan_filter

from .models import KtpRequest, KtpRequestEvent, RecordingCapture, RecordingSession
from .slots import BY_NAME


class KtpRequestEventInline(admin.TabularInline):
    model = KtpRequestEvent
    extra = 0
    can_delete = False
    fields = ["at", "device_time", "from_status", "to_status", "actor_username", "office", "station", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KtpRequest)
class KtpRequestAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["nik", "status", "siak_status", "office", "kecamatan_code", "created_at", "updated_at"]
    list_filter = ["status", "office", kecamatan_filter("kecamatan_code")]
    search_fields = ["=nik", "=id", "=packet_id"]
    list_select_related = ["office"]
    inlines = [KtpRequestEventInline]
    show_full_result_count = False
    audit_object_type = "ktp_request"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "nik"


@admin.register(KtpRequestEvent)
class KtpRequestEventAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["request", "from_status", "to_status", "at", "device_time", "actor_username", "office"]
    list_filter = ["to_status"]
    search_fields = ["=request__nik"]
    list_select_related = ["request", "office"]
    show_full_result_count = False
    audit_object_type = "ktp_request_event"
    audit_kecamatan = "request.kecamatan_code"
    audit_nik = "request.nik"


@admin.register(RecordingSession)
class RecordingSessionAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    """Drafts on the recording station; captures are sealed and never shown here."""

    list_display = ["nik", "state", "office", "operator", "created_at", "submitted_at"]
    list_filter = ["state", "office"]
    search_fields = ["=nik"]
    list_select_related = ["office", "operator"]
    audit_object_type = "recording_session"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "nik"


@admin.register(RecordingCapture)
class RecordingCaptureAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["session", "slot_name", "attempts", "exception_code", "approved_by", "updated_at"]
    list_filter = ["exception_code"]
    exclude = ["sealed", "slot"]  # sealed bytes are of no use to a person; the slot shows by its label
    readonly_fields = ["slot_name"]
    list_select_related = ["session", "approved_by"]
    audit_object_type = "recording_capture"
    audit_kecamatan = "session.kecamatan_code"
    audit_nik = "session.nik"

    @admin.display(description=_("slot"), ordering="slot")
    def slot_name(self, capture):
        slot = BY_NAME.get(capture.slot)
        return slot.label if slot else capture.slot
