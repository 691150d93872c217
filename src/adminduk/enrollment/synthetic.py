"""Synthetic recordings for the benchmark and the at-rest scan test: a kecamatan office, a
certified operator and residents of Kota Palu, recorded end to end through
enrollment.recording with the simulated devices. Call after Django is set up and migrated."""

import datetime as dt

from django.utils import timezone

MANTIKULORE = "72.71.08"
TANAMODINDI = "72.71.08.1004"


def load_palu() -> None:
    from adminduk.regions import codes, services

    rows = [r for r in codes.shipped_region_rows() if r.code in ("72", "72.71") or r.code.startswith("72.71.")]
    services.load_regions(rows, villages_under="72.71")


def make_operator(username: str = "operator.sintetis"):
    from adminduk.accounts.models import Certification, OfficeAssignment, User
    from adminduk.offices.models import Office

    office, _ = Office.objects.get_or_create(
        code="palu-mantikulore", defaults={"name": "Kantor Camat Mantikulore", "kind": Office.Kind.KECAMATAN, "regency_id": "72.71", "kecamatan_id": MANTIKULORE}
    )
    user = User.objects.create_user(username, password=None, role="kecamatan_operator")
    OfficeAssignment.objects.create(user=user, office=office)
    today = timezone.localdate()
    Certification.objects.create(
        user=user, kind="recording", certificate_number=f"SIM-{user.pk}", trained_on=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=335)
    )
    return user


def make_resident(index: int):
    from adminduk.population import actions
    from adminduk.population.forms import ResidentForm

    born = dt.date(1960, 1, 1) + dt.timedelta(days=97 * index % 15000)
    letters = "".join(chr(ord("A") + int(d)) for d in f"{index:04d}")
    form = ResidentForm(
        data={
            "full_name": f"WARGA SINTETIS {letters}",
            "birth_place": "PALU",
            "birth_date": born.isoformat(),
            "sex": "L" if index % 2 else "P",
            "blood_type": "O+",
            "religion": "islam",
            "marital_status": "kawin",
            "marriage_date": (born + dt.timedelta(days=365 * 22)).isoformat(),
            "occupation": "karyawan_swasta",
            "education": "slta",
            "citizenship": "WNI",
            "father_name": "AYAH SINTETIS",
            "mother_name": "IBU SINTETIS",
            "kelurahan": TANAMODINDI,
            "rw": "001",
            "rt": "002",
            "address": f"JL. SINTETIS NO. {index}",
        }
    )
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    return actions.register_resident(form.cleaned_data, actor=None)


def record(resident, operator, *, subject: str = ""):
    """Record `resident` with every capture; returns the submitted session."""
    from . import recording
    from .slots import SLOTS

    session = recording.start_session(resident.nik, user=operator, device_subject=subject)
    recording.confirm_demographics(session, {}, actor=operator)
    for slot in SLOTS:
        outcome = recording.capture(session, slot.name, actor=operator)
        if not outcome.assessment.ok:  # the simulator's good captures pass; retake once if not
            recording.capture(session, slot.name, actor=operator)
    recording.submit(session, actor=operator)
    session.refresh_from_db()
    return session
