from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import Application, ApplicationDocument, ApplicationEvent, ServiceStandard


@admin.register(Application)
class ApplicationAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "civil_application"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "subject_nik"
    list_display = ["kind", "status", "office", "applicant_nik", "subject_nik", "submitted_at", "due_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["=applicant_nik", "=subject_nik", "=kk_number"]
    exclude = ["data"]


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    """The Dinas sets how many hours each kind of application may take (default in civil.requirements)."""

    list_display = ["kind", "hours"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "civil_document"
    audit_kecamatan = "application.kecamatan_code"
    list_select_related = ["application"]
    list_display = ["application", "requirement", "content_type", "size", "uploaded_at"]
    exclude = ["content"]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "civil_application_event"
    audit_object_id = "application_id"
    audit_kecamatan = "application.kecamatan_code"
    list_select_related = ["application"]
    list_display = ["application", "action", "at", "actor_username"]
