"""The suite's guard (tests/conftest.py) refuses a row lock outside the code's own transaction, as
PostgreSQL does in production, so a missing transaction.atomic() fails a test instead of an
operator's request."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from adminduk.regions.models import Kelurahan

pytestmark = pytest.mark.django_db


def test_a_lock_outside_the_codes_own_transaction_is_refused(palu_regions):
    with pytest.raises(TransactionManagementError):
        list(Kelurahan.objects.select_for_update()[:1])


def test_a_lock_inside_one_is_taken(palu_regions):
    with transaction.atomic():
        assert len(list(Kelurahan.objects.select_for_update()[:1])) == 1
