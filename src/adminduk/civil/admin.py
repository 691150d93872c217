from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import Application, ApplicationDocument, ApplicationEvent, ServiceStandard


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "status", "office", "applicant_nik", "subject_nik", "submitted_at", "due_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["=applicant_nik", "=subject_nik", "=kk_number"]
    exclude = ["data"]


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    """The Dinas sets how many hours each kind of application may take (default in civil.requirements)."""

    list_display = ["kind", "hours"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "requirement", "content_type", "size", "uploaded_at"]
    exclude = ["content"]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["application", "action", "at", "actor_username"]
