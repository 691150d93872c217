"""A request that becomes print ready at the central (de-duplication passed, or a supervisor
released it) goes to a print queue in the same transaction, so no print-ready request is ever
without a job (or, when it cannot be routed, an audit entry saying why)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from adminduk.enrollment.models import KtpRequestEvent
from adminduk.enrollment.statuses import RequestStatus as S

FROM_PROCESSING = {S.DEDUP_PENDING, S.ADJUDICATED}


@receiver(post_save, sender=KtpRequestEvent, dispatch_uid="printing.route_print_ready")
def route_print_ready(sender, instance: KtpRequestEvent, created: bool, **kwargs):
    if not created or settings.ROLE != "central":
        return
    if instance.to_status == S.PRINT_READY and instance.from_status in FROM_PROCESSING:
        from adminduk.audit.actions import record
        from adminduk.processing.pipeline import Rejected

        from .actions.routing import route
        from .errors import PrintingError

        try:
            route(instance.request)
        except (PrintingError, Rejected) as exc:
            # Left print ready without a job; the Dinas queue page lists it for routing again.
            reason = exc.messages[0] if isinstance(exc, PrintingError) else exc.reason
            record(None, "update", object_type="print_job", object_id=str(instance.request_id),
                   kecamatan_code=instance.request.kecamatan_code, details={"unrouted": reason})
