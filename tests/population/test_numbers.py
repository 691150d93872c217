"""Allocating NIKs and KK numbers: next free serial, never a duplicate, also under concurrency."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from adminduk.population import numbers, rules
from adminduk.population.models import Resident

BORN = dt.date(1990, 5, 17)


@pytest.mark.django_db
def test_first_nik_gets_serial_0001_and_women_get_plus_40():
    with transaction.atomic():
        assert numbers.allocate_nik("72.71.08", BORN, "L") == "7271081705900001"
        assert numbers.allocate_nik("72.71.08", BORN, "P") == "7271085705900001"
        assert numbers.allocate_nik("72.71.08", BORN, "L") == "7271081705900002"


@pytest.mark.django_db
def test_allocation_skips_serials_already_in_the_registry(make_resident):
    imported = make_resident(nik="7271085705900041", birth_date="1990-05-17", sex="P")
    with transaction.atomic():
        assert numbers.allocate_nik("72.71.08", BORN, "P") == "7271085705900042"
    assert Resident.objects.filter(nik=imported.nik).exists()


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        numbers.allocate_nik("72.71.08", BORN, "L")


@pytest.mark.django_db
def test_exhausted_serials_are_reported(make_resident):
    make_resident(nik="7271081705909999", birth_date="1990-05-17", sex="L")
    with pytest.raises(numbers.SerialsExhausted), transaction.atomic():
        numbers.allocate_nik("72.71.08", BORN, "L")


@pytest.mark.django_db
def test_kk_number_uses_issue_date():
    with transaction.atomic():
        number = numbers.allocate_kk_number("72.71.08", dt.date(2024, 1, 5))
    assert number == "7271080501240001"
    assert rules.parse_kk_number(number).serial == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_collide(palu_regions):
    """Eight threads, each with its own connection, register residents with the same birth date."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter; SQLite serialises writers")
    from tests.conftest import resident_data
    from adminduk.population import actions
    from adminduk.population.forms import ResidentForm

    allocated, errors = [], []
    barrier = threading.Barrier(8)

    def worker(index):
        from django.db import connections

        try:
            barrier.wait()
            for n in range(5):
                form = ResidentForm(data=resident_data(full_name=f"WARGA {chr(65 + index)}{chr(65 + n)}"))
                assert form.is_valid(), form.errors
                allocated.append(actions.register_resident(form.cleaned_data).nik)
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(allocated) == 40
    assert sorted(allocated) == [f"727108570590{serial:04d}" for serial in range(1, 41)]
