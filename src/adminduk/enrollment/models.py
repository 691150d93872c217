import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .statuses import CLOSED, RequestStatus, siak_status


class KtpRequest(models.Model):
    """One resident's e-KTP request, from booking or recording to pickup. The same UUID names
    it on the node and at the central. Status changes go through enrollment.requests.transition,
    which writes a KtpRequestEvent for each."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        "population.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="ktp_requests", verbose_name=_("resident")
    )
    nik = models.CharField("NIK", max_length=16, db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="ktp_requests", verbose_name=_("office"))
    kecamatan_code = models.CharField(_("kecamatan of the resident"), max_length=8, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, db_index=True)
    rejection_code = models.CharField(_("rejection code"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    packet_id = models.UUIDField(_("packet"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-KTP request")
        verbose_name_plural = _("e-KTP requests")
        constraints = [
            # One open request per person: a second recording waits until the first is finished.
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(status__in=sorted(CLOSED)), name="one_open_ktp_request_per_nik"
            ),
        ]

    def __str__(self):
        return f"{self.nik} {self.get_status_display()}"

    @property
    def siak_status(self) -> str:
        return siak_status(self.status, self.rejection_code)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED


class KtpRequestEvent(models.Model):
    """Append-only journal of a request (OpenCRVS style): every status change with who, where,
    the device's time and the server's time."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(KtpRequest, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)
    at = models.DateTimeField(_("server time"), auto_now_add=True, db_index=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    office = models.ForeignKey("offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("accounts.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("e-KTP request event")
        verbose_name_plural = _("e-KTP request history")

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '-'} -> {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("request history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("request history is append-only")
