"""Population endpoints of the JSON API. Handlers parse, call rules/actions and shape output."""

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from adminduk.accounts.api_auth import require
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import residents_for, scope_of
from adminduk.audit.actions import record

from . import actions, rules
from .forms import NIK_OUT_OF_SCOPE, ResidentForm
from .models import Resident

router = Router(tags=["population"])


class ErrorOut(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class NikCheckOut(Schema):
    nik: str
    valid: bool
    kecamatan_code: str | None = None
    birth_day: int | None = None
    birth_month: int | None = None
    birth_year_2d: int | None = None
    sex: str | None = None
    serial: int | None = None
    warnings: list[str] = []
    error: str | None = None
    error_code: str | None = None


class ResidentOut(Schema):
    nik: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    blood_type: str
    religion: str
    marital_status: str
    occupation: str
    education: str
    citizenship: str
    father_name: str
    mother_name: str
    kelurahan_code: str
    kelurahan_name: str
    kecamatan_code: str
    kecamatan_name: str
    rw: str
    rt: str
    address: str
    phone: str
    life_status: str
    kk_number: str | None
    relationship: int | None
    wajib_ktp: bool
    nik_warnings: list[str]


class ResidentIn(Schema):
    nik: str = ""
    full_name: str
    birth_place: str
    birth_date: str
    sex: str
    blood_type: str = "?"
    religion: str
    marital_status: str
    marriage_date: str = ""
    divorce_date: str = ""
    occupation: str
    education: str
    citizenship: str = "WNI"
    passport_number: str = ""
    kitap_number: str = ""
    father_name: str = ""
    mother_name: str = ""
    kelurahan: str
    rw: str
    rt: str
    address: str
    phone: str = ""


def resident_out(resident: Resident) -> dict:
    membership = resident.current_membership
    kelurahan = resident.kelurahan
    return {
        **{f: getattr(resident, f) for f in ResidentOut.model_fields if hasattr(resident, f) and not f.startswith("kk")},
        "kelurahan_code": kelurahan.code,
        "kelurahan_name": kelurahan.name,
        "kecamatan_code": kelurahan.kecamatan.code,
        "kecamatan_name": kelurahan.kecamatan.name,
        "kk_number": membership.family.kk_number if membership else None,
        "relationship": membership.relationship if membership else None,
        "wajib_ktp": resident.is_wajib_ktp(timezone.localdate()),
        "nik_warnings": list(resident.parsed_nik().warnings),
    }


def _parse_or_422(nik: str) -> rules.ParsedNumber:
    try:
        return rules.parse_nik(nik)
    except rules.NumberError as exc:
        raise HttpError(422, exc.message) from exc


@router.get(
    "/nik/{nik}/check",
    response=NikCheckOut,
    auth=require(Permission.SEARCH_RESIDENT),
    summary="Validate and parse a NIK (no personal data)",
)
def check_nik(request: HttpRequest, nik: str):
    try:
        parsed = rules.parse_nik(nik)
    except rules.NumberError as exc:
        return {"nik": nik, "valid": False, "error": exc.message, "error_code": exc.code}
    return {
        "nik": nik,
        "valid": True,
        "kecamatan_code": parsed.kecamatan_code,
        "birth_day": parsed.day,
        "birth_month": parsed.month,
        "birth_year_2d": parsed.year_2d,
        "sex": parsed.sex,
        "serial": parsed.serial,
        "warnings": list(parsed.warnings),
    }


@router.get(
    "/residents/{nik}",
    response={200: ResidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=require(Permission.VIEW_RESIDENT),
    summary="Look up a resident by NIK (within the caller's jurisdiction)",
)
def get_resident(request: HttpRequest, nik: str):
    parsed = _parse_or_422(nik)
    resident = residents_for(request.user).select_related("kelurahan__kecamatan").filter(nik=parsed.number).first()
    if resident is None:
        return not_in_scope(request, parsed.number)
    record(request, "view", object_type="resident", object_id=resident.nik, kecamatan_code=resident.kelurahan.kecamatan_id)
    return Status(200, resident_out(resident))


def not_in_scope(request: HttpRequest, nik: str):
    """A miss says nothing about residents outside the caller's jurisdiction: scoped users get
    the same 403 whether the NIK exists elsewhere or not at all."""
    if scope_of(request.user).is_kota_wide:
        return Status(404, {"detail": f"No resident with NIK {nik}.", "code": "not_found"})
    record(request, "denied", object_type="resident", object_id=nik, details={"reason": "not in jurisdiction or unknown"})
    return Status(403, {"detail": f"NIK {nik} is not in the registry of your kecamatan.", "code": "out_of_scope"})


@router.post(
    "/residents",
    response={201: ResidentOut, 403: ErrorOut, 422: ErrorOut},
    auth=require(Permission.EDIT_RESIDENT),
    summary="Register a resident (a new NIK is issued when none is given)",
)
def create_resident(request: HttpRequest, payload: ResidentIn):
    scope = scope_of(request.user)
    form = ResidentForm(data=payload.dict(), scope=scope)
    if form.has_error("nik", NIK_OUT_OF_SCOPE):
        # One answer (and one audit entry) whether the NIK is held elsewhere or by nobody.
        record(request, "denied", object_type="resident", object_id=form.data["nik"].strip(), details={"reason": "register with a NIK outside jurisdiction"})
        return Status(403, {"detail": form.errors["nik"][0], "code": "out_of_scope"})
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        summary = "; ".join(f"{field}: {msgs[0]}" for field, msgs in errors.items())
        return Status(422, {"detail": f"Invalid resident data — {summary}", "code": "invalid", "errors": errors})
    kecamatan_code = form.cleaned_data["kelurahan"].kecamatan_id
    if not scope.covers(kecamatan_code):
        record(request, "denied", object_type="resident", kecamatan_code=kecamatan_code, details={"reason": "register outside jurisdiction"})
        return Status(403, {"detail": f"Kecamatan {kecamatan_code} is outside your jurisdiction.", "code": "out_of_scope"})
    with transaction.atomic():
        resident = actions.register_resident(form.cleaned_data, nik=form.cleaned_data["nik"], actor=request.user)
        record(request, "create", object_type="resident", object_id=resident.nik, kecamatan_code=kecamatan_code)
    return Status(201, resident_out(resident))
