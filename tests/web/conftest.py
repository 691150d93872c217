"""Fixtures of the operator-page tests. Staff, offices and verified sessions come from
tests/conftest.py (make_staff, staff_client); these add the usual operator of the sample family."""

import pytest

MANTIKULORE = "72.71.08"  # kecamatan of the sample family (Tanamodindi)
PALU_TIMUR = "72.71.01"


@pytest.fixture
def operator_user(make_staff):
    """A kecamatan operator of Mantikulore, where sample_family lives, with a TOTP device."""
    return make_staff("kecamatan_operator", offices=(MANTIKULORE,), username="operator.mantikulore")


@pytest.fixture
def operator_client(client, operator_user):
    """A test client logged in as operator_user with a verified second factor."""
    from tests.conftest import login_verified

    login_verified(client, operator_user)
    client.user = operator_user
    return client
