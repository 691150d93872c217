"""Central processing in the admin: read-only. Decisions are taken on the adjudication pages
(audited); stage results are written by the pipeline only."""

from django.contrib import admin

from adminduk.core.admin import AuditedReadsAdmin, ReadOnlyAdmin

from .models import Adjudication, OutsideHomeReview, RequestDemographics, StageResult


@admin.register(StageResult)
class StageResultAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["packet_id", "stage", "outcome", "request", "created_at"]
    list_filter = ["stage", "outcome"]
    search_fields = ["=packet_id"]
    list_select_related = ["request"]
    audit_object_type = "stage_result"
    audit_kecamatan = "request.kecamatan_code"
    audit_nik = "request.nik"


@admin.register(Adjudication)
class AdjudicationAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["request", "matched_request", "state", "decision", "decided_by", "created_at"]
    list_filter = ["state", "decision"]
    list_select_related = ["request", "matched_request", "decided_by"]
    audit_object_type = "adjudication"
    audit_kecamatan = "kecamatan_code"
    audit_nik = "request.nik"


@admin.register(RequestDemographics)
class RequestDemographicsAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["request", "nik", "full_name", "birth_date"]
    search_fields = ["=nik"]
    list_select_related = ["request"]
    audit_object_type = "request_demographics"
    audit_kecamatan = "request.kecamatan_code"
    audit_nik = "nik"


@admin.register(OutsideHomeReview)
class OutsideHomeReviewAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    audit_object_type = "outside_home_review"
    audit_kecamatan = "home_kecamatan_code"
    list_display = ["request", "office", "home_kecamatan_code", "state", "decided_by", "created_at"]
    list_filter = ["state"]
