"""Central processing in the admin: read-only. Decisions are taken on the adjudication pages
(audited); stage results are written by the pipeline only."""

from django.contrib import admin

from adminduk.core.admin import ReadOnlyAdmin

from .models import Adjudication, OutsideHomeReview, RequestDemographics, StageResult


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = ["packet_id", "stage", "outcome", "request", "created_at"]
    list_filter = ["stage", "outcome"]
    search_fields = ["=packet_id"]


@admin.register(Adjudication)
class AdjudicationAdmin(ReadOnlyAdmin):
    list_display = ["request", "matched_request", "state", "decision", "decided_by", "created_at"]
    list_filter = ["state", "decision"]


@admin.register(RequestDemographics)
class RequestDemographicsAdmin(ReadOnlyAdmin):
    list_display = ["request", "nik", "full_name", "birth_date"]
    search_fields = ["=nik"]


@admin.register(OutsideHomeReview)
class OutsideHomeReviewAdmin(ReadOnlyAdmin):
    list_display = ["request", "office", "home_kecamatan_code", "state", "decided_by", "created_at"]
    list_filter = ["state"]
