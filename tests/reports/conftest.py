import datetime as dt

import pytest

from adminduk.enrollment import requests
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population.generator import generate_population
from adminduk.population.models import Resident
from adminduk.population.rules import is_wajib_ktp

# The path of a card from arrival at the central to the resident's hand.
PATH = [S.RECEIVED, S.VALIDATED, S.DEDUP_PENDING, S.PRINT_READY, S.PRINTING, S.PRINTED, S.AT_OFFICE, S.PICKED_UP]


@pytest.fixture
def population(palu_regions):
    generate_population("72.71", 600, seed=14)
    return Resident.objects.all()


def adults(on=None, kecamatan=None):
    on = on or dt.date.today()
    rows = Resident.objects.order_by("nik")
    if kecamatan:
        rows = rows.filter(kelurahan__kecamatan_id=kecamatan)
    return [r for r in rows if r.is_wajib_ktp(on)]


def advance(resident, office, to: str, *, station=None):
    """Open a request for `resident` at the central and move it along PATH up to `to`."""
    request = requests.open_request(nik=resident.nik, office=office, kecamatan_code=resident.kelurahan.kecamatan_id, status=S.RECEIVED, resident=resident, station=station)
    for status in PATH[1 : PATH.index(to) + 1]:
        request = requests.transition(request, status)
    return request


def reject(request, reason="foto tidak jelas"):
    return requests.transition(request, S.REJECTED, reason=reason)
