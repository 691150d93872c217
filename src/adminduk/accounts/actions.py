"""Writes of accounts that go through the audit log. Above certification and scoping (which
the audit log itself uses to attribute an entry to an office), so none of them imports this."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .models import Certification


@transaction.atomic
def certify(user, *, kind: str, certificate_number: str, trained_on: dt.date, valid_until: dt.date, actor=None) -> Certification:
    if kind not in Certification.Kind.values:
        raise ValidationError({"kind": _("Unknown certification kind %(kind)r.") % {"kind": kind}})
    if valid_until <= trained_on:
        raise ValidationError({"valid_until": _("A certificate must stay valid after the training date.")})
    if trained_on > timezone.localdate():
        raise ValidationError({"trained_on": _("The training date lies in the future.")})
    if not certificate_number.strip():
        raise ValidationError({"certificate_number": _("A certificate number is required.")})
    cert = Certification.objects.create(
        user=user,
        kind=kind,
        certificate_number=certificate_number.strip(),
        trained_on=trained_on,
        valid_until=valid_until,
        issued_by=actor,
    )
    record(None, "create", actor=actor, object_type="certification", object_id=str(cert.pk), details={"user": user.username, "kind": kind, "valid_until": valid_until.isoformat()})
    return cert
