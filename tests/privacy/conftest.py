"""Fixtures of the privacy tests: the portal's message outbox and sign-in, a family with phones,
staff at Mantikulore and the Dinas, and the privacy policy reset around each test."""

import pytest

from adminduk.privacy import policy
from tests.conftest import login_verified
from tests.portal.conftest import code_for, family_with_phones, outbox, sign_in  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_policy():
    policy.reset()
    yield
    policy.reset()


@pytest.fixture
def operator(make_staff):
    return make_staff("kecamatan_operator", offices=("72.71.08",), username="op.uji")


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor", offices=("dinas",), username="spv.uji")


@pytest.fixture
def staff_as():
    """staff_as(user) → a fresh test client logged in as `user` with a second factor."""
    from django.test import Client

    def make(user):
        client = Client()
        login_verified(client, user)
        return client

    return make


@pytest.fixture
def resident_client(family_with_phones):
    """A portal client signed in as the head of the family (his phone gets the code)."""
    from django.test import Client

    client = Client()
    head = family_with_phones["head"]
    response = sign_in(client, head.nik, head.phone)
    assert response.status_code == 302
    client.resident = head
    return client
