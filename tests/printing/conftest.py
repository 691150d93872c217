"""Print-ready requests made the real way: a resident in the registry, a sealed recording packet
from a station, the central pipeline; plus offices that can print."""

import datetime as dt

import pytest

from adminduk.biometrics.gallery import reset_matcher
from adminduk.enrollment.models import KtpRequest
from adminduk.offices import actions as office_actions
from adminduk.offices.choices import EquipmentKind
from adminduk.printing.actions import routing, stock
from adminduk.printing.printers import SimulatedCardPrinter

from ..processing import helpers
from ..processing.helpers import make_station


def record(station, subject: str, *, seed: int, **fields):
    """A recording whose chip fingers (R1, R2) come from the device simulator, as at a real
    station, so the 1:1 check at pickup (the same simulator) recognises the person."""
    from adminduk.biometrics import templates
    from adminduk.enrollment import packets
    from adminduk.enrollment.devices.simulator import SimulatedFingerprintScanner

    parts = helpers.capture_parts(subject, seed=seed)
    scanner = SimulatedFingerprintScanner()
    for position in ("R1", "R2"):
        payload = packets.decode_capture(parts[f"finger_{position}"])
        template = templates.encode(scanner.capture(subject, position).template)
        parts[f"finger_{position}"] = packets.encode_capture(packets.CapturePayload(payload.meta, payload.image, template))
    data = helpers.demographics(**fields)
    packet_id, body = helpers.build(station, data, parts)
    return helpers.store(station, body, packet_id)


@pytest.fixture(autouse=True)
def fresh_matcher(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def never_fails():
    return SimulatedCardPrinter(failure_rate=0)


@pytest.fixture
def dinas(make_office):
    return make_office("dinas")


@pytest.fixture
def mantikulore(make_office):
    return make_office("72.71.08")


@pytest.fixture
def station(mantikulore):
    return make_station(mantikulore)


@pytest.fixture
def print_ready(make_resident, station):
    """print_ready() → a KtpRequest of a new resident of Tanamodindi (Mantikulore), print ready."""
    counter = iter(range(1, 1000))

    def make(**overrides):
        n = next(counter)
        resident = make_resident(birth_date=f"19{70 + n % 25}-0{1 + n % 9}-1{n % 9}", **overrides)
        # The station's simulator takes the NIK as the person in front of the devices (as at a real station).
        inbox = record(station, resident.nik, seed=n, nik=resident.nik, full_name=resident.full_name, sex=resident.sex,
                       birth_date=resident.birth_date.isoformat(), mother_name=resident.mother_name, birth_place=resident.birth_place)
        return KtpRequest.objects.get(packet_id=inbox.id)

    return make


@pytest.fixture
def printing_office(mantikulore, make_staff):
    """Mantikulore with an active card printer, 5 blanks, a certified print operator and a quota of 10."""
    office_actions.add_equipment(mantikulore, EquipmentKind.CARD_PRINTER, "PRN-MANTIKULORE-1", label="Printer 1")
    stock.receive(mantikulore, 5, batch_number="B-2026-11", serial_from="0000001", serial_to="0000005")
    operator = make_staff("print_operator", offices=("72.71.08",), certified=("printing",))
    routing.set_quota(mantikulore, 10)
    mantikulore.operator = operator
    return mantikulore


TODAY = dt.date(2026, 11, 24)
