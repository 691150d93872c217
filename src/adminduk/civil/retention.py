"""Deleting uploaded application documents after the retention period (UU PDP: personal data
are kept no longer than the purpose needs). A document's content goes once its application has
been decided (approved or rejected) for ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS days; the row
stays (what was handed in, its size and hash) with deleted_at set, and each deletion is audited.
Run daily by a Huey task and on demand by `adminduk purge_documents`."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from adminduk.audit.actions import record

from .choices import OPEN
from .models import ApplicationDocument


@dataclass
class Purge:
    deleted: int
    cutoff: dt.datetime
    days: int


def due(now: dt.datetime, days: int):
    cutoff = now - dt.timedelta(days=days)
    return (
        ApplicationDocument.objects.filter(deleted_at__isnull=True, application__decided_at__lte=cutoff)
        .exclude(application__status__in=sorted(OPEN))
        .select_related("application")
        .defer("content")
    ), cutoff


def purge_documents(*, now: dt.datetime | None = None, days: int | None = None, dry_run: bool = False, actor=None) -> Purge:
    now = now or timezone.now()
    days = settings.ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("the retention period cannot be negative")
    documents, cutoff = due(now, days)
    if dry_run:
        return Purge(documents.count(), cutoff, days)
    deleted = 0
    for pk in list(documents.values_list("pk", flat=True)):
        with transaction.atomic():
            document = ApplicationDocument.objects.select_for_update().select_related("application").defer("content").filter(pk=pk, deleted_at__isnull=True).first()
            if document is None:
                continue
            application = document.application
            ApplicationDocument.objects.filter(pk=pk).update(content=b"", deleted_at=now)
            record(None, "delete", actor=actor, object_type="civil_document", object_id=str(pk), kecamatan_code=application.kecamatan_code,
                   subject_nik=application.subject_nik or application.applicant_nik, purpose="system",
                   details={"application": str(application.pk), "requirement": document.requirement, "sha256": document.sha256,
                            "size": document.size, "retention_days": days, "decided_at": application.decided_at.isoformat()})
            deleted += 1
    return Purge(deleted, cutoff, days)
