"""Training certificates: only a currently certified operator records or prints."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import Certification

EXPIRY_NOTICE_DAYS = 30


def current_certification(user, kind: str, on: dt.date | None = None) -> Certification | None:
    on = on or timezone.localdate()
    return (
        Certification.objects.filter(user=user, kind=kind, trained_on__lte=on, valid_until__gte=on)
        .order_by("-valid_until")
        .first()
    )


def expiring_certifications(user, on: dt.date | None = None, within_days: int = EXPIRY_NOTICE_DAYS) -> list[Certification]:
    """Certificates that are current now but end within `within_days`, and have no successor."""
    on = on or timezone.localdate()
    expiring = []
    for kind in Certification.Kind.values:
        cert = current_certification(user, kind, on)
        if cert and (cert.valid_until - on).days <= within_days:
            expiring.append(cert)
    return expiring


@dataclass(frozen=True)
class CertificateNotice:
    kind: str
    label: str
    valid_until: dt.date | None  # None: never certified
    days_left: int | None
    expired: bool


def certificate_notices(user, on: dt.date | None = None, within_days: int = EXPIRY_NOTICE_DAYS) -> list[CertificateNotice]:
    """What a user whose role needs a certificate should be told: one ending soon, or none
    current any more (then recording or printing is refused until renewed)."""
    from .permissions import CERTIFIED_PERMISSIONS, role_has

    on = on or timezone.localdate()
    notices = []
    for permission, kind in CERTIFIED_PERMISSIONS.items():
        if not role_has(user.role, permission):
            continue
        label = Certification.Kind(kind).label
        current = current_certification(user, kind, on)
        if current is None:
            last = Certification.objects.filter(user=user, kind=kind).order_by("-valid_until").first()
            notices.append(CertificateNotice(kind, label, last.valid_until if last else None, None, True))
        elif (current.valid_until - on).days <= within_days:
            notices.append(CertificateNotice(kind, label, current.valid_until, (current.valid_until - on).days, False))
    return notices
