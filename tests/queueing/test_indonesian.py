"""The queue pages in Indonesian (the default) carry no English string of the catalogue; the
same checker as tests/web/test_indonesian_everywhere.py, proven able to fail in English."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adminduk.offices import actions as office_actions
from adminduk.queueing import actions, invitations
from adminduk.queueing.choices import Priority, Service
from adminduk.queueing.models import Invitation
from tests.conftest import TANAMODINDI, login_verified
from tests.web.test_indonesian_everywhere import Checker

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(office_morning, office, counters, operator, supervisor, make_resident):
    office_actions.set_opening_hours(office, [(d, dt.time(0), dt.time(23, 59)) for d in range(7)])
    for n in range(3):
        make_resident(birth_date=f"198{n}-03-0{n + 1}")
    first = actions.issue_ticket(office, Service.PEREKAMAN, Priority.LANSIA)
    actions.issue_ticket(office, Service.KK_AKTA)
    actions.call_next(counters["loket1"])
    actions.skip(counters["loket1"])
    actions.call_next(counters["loket2"])
    invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=timezone.localdate(), days=1, per_day=2)
    batch = Invitation.objects.first().batch
    form = f"?kelurahan={TANAMODINDI}&rw=2&rt=3&start={timezone.localdate() + dt.timedelta(days=1)}&days=3&per_day=40"
    return [
        (operator, reverse("queueing:desk")),
        (operator, reverse("queueing:ticket", args=[first.pk])),
        (operator, reverse("queueing:statistics")),
        (operator, reverse("queueing:invited_today")),
        (None, reverse("queueing:display", args=[office.code])),
        (supervisor, reverse("queueing:invite")),
        (supervisor, reverse("queueing:invite") + form),
        (supervisor, reverse("queueing:batch", args=[batch])),
    ]


def render(pages, language=None):
    out = {}
    for user, url in pages:
        client = Client()
        if language:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        if user is not None:
            login_verified(client, user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[url] = response.content.decode()
    return out


def test_queue_pages_are_indonesian(pages):
    checker = Checker()
    found = {url: sorted(hits) for url, html in render(pages).items() if (hits := checker.untranslated(html))}
    assert found == {}


def test_control_the_same_pages_in_english_are_caught(pages):
    checker = Checker()
    hits = set().union(*(checker.untranslated(html) for html in render(pages, "en").values()))
    assert {"Call next", "Now calling", "Invited for today", "Queue figures"} <= hits
