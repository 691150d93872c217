"""What a signed-in resident may see: only their own record, the members of their own current
KK, and their own requests. Every read is audited with the resident's account as the actor."""

from dataclasses import dataclass, field

from django.utils import timezone

from adminduk.audit.actions import record
from adminduk.enrollment.models import KtpRequest
from adminduk.population.models import FamilyMember, Resident

from .bookings import bookings_of
from .statuses import PlainStatus, plain_status


@dataclass
class RequestView:
    kind: str
    number: str
    office_name: str
    created_at: object
    updated_at: object
    status: PlainStatus
    siak: str = ""


@dataclass
class Overview:
    resident: Resident
    wajib_ktp: bool
    family: object | None
    members: list = field(default_factory=list)
    requests: list[RequestView] = field(default_factory=list)
    bookings: list = field(default_factory=list)

    @property
    def open_booking(self):
        return next((b for b in self.bookings if b.booking.is_open), None)


def _kecamatan(resident: Resident) -> str:
    return resident.kelurahan_id[:8] if resident.kelurahan_id else ""


def overview(request, resident: Resident) -> Overview:
    """The resident's home page: own data, own KK, own requests (one audit entry per kind of read)."""
    resident = Resident.objects.select_related("kelurahan__kecamatan__regency").get(pk=resident.pk)
    membership = resident.current_membership
    family, members = None, []
    if membership is not None:
        family = membership.family
        members = list(
            FamilyMember.objects.filter(family=family).select_related("resident").order_by("relationship", "resident__birth_date")
        )
    kecamatan = _kecamatan(resident)
    record(request, "view", object_type="resident", object_id=resident.nik, kecamatan_code=kecamatan, details={"portal": "own data"})
    if family is not None:
        record(
            request,
            "view",
            object_type="family",
            object_id=family.kk_number,
            kecamatan_code=kecamatan,
            details={"portal": "own KK", "members": [m.resident.nik for m in members]},
        )
    requests = requests_of(request, resident)
    return Overview(
        bookings=bookings_of(request, resident),
        resident=resident,
        wajib_ktp=resident.is_wajib_ktp(timezone.localdate()),
        family=family,
        members=members,
        requests=requests,
    )


def requests_of(request, resident: Resident) -> list[RequestView]:
    from adminduk.enrollment.statuses import siak_status

    rows = list(KtpRequest.objects.filter(nik=resident.nik).select_related("office").order_by("-created_at")[:20])
    record(
        request,
        "view",
        object_type="ktp_request",
        object_id=resident.nik,
        kecamatan_code=_kecamatan(resident),
        details={"portal": "own requests", "requests": [str(r.pk) for r in rows]},
    )
    return [
        RequestView(
            kind="ktp",
            number=str(r.pk)[:8].upper(),
            office_name=r.office.name,
            created_at=r.created_at,
            updated_at=r.updated_at,
            status=plain_status(r.status, r.office.name, r.rejection_reason),
            siak=siak_status(r.status, r.rejection_code),
        )
        for r in rows
    ]
