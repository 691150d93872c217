"""Shared fixtures. Test data is synthetic; region names and codes are real Kemendagri data."""

import datetime as dt
import itertools

import pytest

from adminduk.population import actions
from adminduk.population.choices import Relationship
from adminduk.population.forms import ResidentForm
from adminduk.regions import codes, services
from adminduk.regions.models import Kelurahan


def _locks_only_inside_transactions() -> None:
    """In production every connection autocommits, and Django refuses a select_for_update()
    outside transaction.atomic() (TransactionManagementError: a 500 for the operator). Tests run
    inside pytest-django's own transaction, which hides that, and SQLite ignores the lock
    altogether: on both databases, a locking query with no atomic block but the test's raises the
    production error here."""
    from django.db import connections
    from django.db.models.sql import compiler
    from django.db.transaction import TransactionManagementError

    execute_sql = compiler.SQLCompiler.execute_sql

    def guarded(self, *args, **kwargs):
        if self.query.select_for_update:
            blocks = connections[self.using].atomic_blocks
            if not any(not getattr(block, "_from_testcase", False) for block in blocks):
                raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        return execute_sql(self, *args, **kwargs)

    compiler.SQLCompiler.execute_sql = guarded


_locks_only_inside_transactions()

PALU = "72.71"
TANAMODINDI = "72.71.08.1004"  # kelurahan in Mantikulore
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called directly (rules, actions) speaks English in tests, so assertions can name the
    source messages; requests still choose their language (Indonesian by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    """A test client whose requests ask for English (Accept-Language: en)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def palu_regions(db):
    """Provinsi 72, Kota Palu, its 8 kecamatan and 46 kelurahan (fast: not the national list)."""
    rows = [r for r in codes.shipped_region_rows() if r.code in ("72", PALU) or r.code.startswith(PALU + ".")]
    services.load_regions(rows, villages_under=PALU)
    return Kelurahan.objects.filter(code__startswith=PALU + ".")


def resident_data(**overrides) -> dict:
    data = {
        "full_name": "SITI RAHMAWATI",
        "birth_place": "PALU",
        "birth_date": "1990-05-17",
        "sex": "P",
        "blood_type": "O+",
        "religion": "islam",
        "marital_status": "belum_kawin",
        "occupation": "karyawan_swasta",
        "education": "slta",
        "citizenship": "WNI",
        "father_name": "AHMAD LATIF",
        "mother_name": "NURHAYATI",
        "kelurahan": TANAMODINDI,
        "rw": "002",
        "rt": "003",
        "address": "JL. KIMAJA NO. 12",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_resident(palu_regions):
    """Register a resident through the real form and action; keyword arguments override fields."""
    counter = itertools.count(1)

    def make(actor=None, **overrides):
        letters = "".join(chr(ord("A") + int(d)) for d in f"{next(counter):04d}")
        overrides.setdefault("full_name", f"WARGA CONTOH {letters}")
        form = ResidentForm(data=resident_data(**overrides), today=TODAY)
        assert form.is_valid(), form.errors
        return actions.register_resident(form.cleaned_data, nik=form.cleaned_data["nik"], actor=actor)

    return make


@pytest.fixture
def sample_family(make_resident):
    """A married couple with one child on one KK in Tanamodindi."""
    head = make_resident(full_name="BUDI SANTOSO", sex="L", birth_date="1980-03-02", marital_status="kawin", marriage_date="2005-06-01")
    wife = make_resident(full_name="SITI AMINAH", sex="P", birth_date="1983-07-21", marital_status="kawin", marriage_date="2005-06-01")
    child = make_resident(
        full_name="ANDI SANTOSO",
        sex="L",
        birth_date="2010-01-15",
        father_name="BUDI SANTOSO",
        mother_name="SITI AMINAH",
        occupation="pelajar",
        education="sltp",
    )
    family = actions.issue_family_card(
        [(head, Relationship.KEPALA_KELUARGA), (wife, Relationship.ISTRI), (child, Relationship.ANAK)],
        kelurahan=head.kelurahan,
        rw="002",
        rt="003",
        address="JL. KIMAJA NO. 12",
        issued_on=dt.date(2010, 2, 1),
    )
    return {"family": family, "head": head, "wife": wife, "child": child}


# --- Staff, offices and verified (second-factor) sessions -----------------------------------


@pytest.fixture
def make_office(palu_regions):
    """An office of Kota Palu: make_office("dinas") or make_office("72.71.08") for a kecamatan office."""
    from adminduk.offices.models import Office
    from adminduk.regions.models import Kecamatan

    def make(where: str = "dinas"):
        if where == "dinas":
            office, _ = Office.objects.get_or_create(
                code="palu-dinas", defaults={"name": "Dinas Dukcapil Kota Palu", "kind": Office.Kind.DINAS, "regency_id": PALU}
            )
            return office
        kecamatan = Kecamatan.objects.get(code=where)
        office, _ = Office.objects.get_or_create(
            code=f"palu-{kecamatan.name.lower().replace(' ', '-')}",
            defaults={"name": f"Kantor Camat {kecamatan.name}", "kind": Office.Kind.KECAMATAN, "regency_id": PALU, "kecamatan": kecamatan},
        )
        return office

    return make


@pytest.fixture
def make_staff(make_office, django_user_model):
    """A user with a role, office assignments, a confirmed TOTP device and optional certificates."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from adminduk.accounts.models import Certification, OfficeAssignment

    counter = itertools.count(1)

    def make(role: str, offices=("dinas",), certified=(), username=None, password="kata-sandi-uji-2026"):
        user = django_user_model.objects.create_user(username or f"{role}{next(counter)}", password=password, role=role)
        for where in offices:
            OfficeAssignment.objects.create(user=user, office=make_office(where))
        for kind in certified:
            Certification.objects.create(
                user=user, kind=kind, certificate_number=f"CERT-{user.pk}-{kind}", trained_on=dt.date(2026, 1, 10), valid_until=dt.date(2027, 1, 10)
            )
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        return user

    return make


def login_verified(client, user):
    """Log in as django-otp does after a correct code: the session carries the verified device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(client, make_staff):
    """A Dinas admin with staff and superuser rights, logged in with a second factor (replaces
    pytest-django's admin_client, whose user has no office and no verified device)."""
    user = make_staff("dinas_admin", username="kadis")
    user.is_staff = user.is_superuser = True
    user.save()
    client.user = user
    return login_verified(client, user)


@pytest.fixture
def staff_client(client, make_staff):
    """staff_client("supervisor", offices=("72.71.08",)) → a client logged in with a second factor."""

    def make(role: str = "dinas_admin", **kwargs):
        user = make_staff(role, **kwargs)
        login_verified(client, user)
        client.user = user
        return client

    return make
