"""The queue pages: the desk, counters, the ticket slip, the display, figures, invitations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from adminduk.queueing import actions
from adminduk.queueing.choices import Service, TicketStatus
from adminduk.queueing.models import Invitation, Ticket
from tests.appointments.conftest import next_plain_weekday
from tests.conftest import TANAMODINDI, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, operator, counters):
    login_verified(client, operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages asserted in English below
    return client


def test_issue_a_ticket_and_print_it(desk, office):
    response = desk.post(reverse("queueing:issue"), {"service": "perekaman", "priority": "lansia"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("queueing:ticket", args=[ticket.pk])
    slip = desk.get(response.url).content.decode()
    assert "A001" in slip and "ticket.css" in slip and "<script>" not in slip and "style=" not in slip


def test_a_bad_ticket_form_stores_nothing(desk):
    response = desk.post(reverse("queueing:issue"), {"service": "paspor", "priority": "umum"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_call_recall_skip_and_no_show_from_the_desk(desk, office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    loket = counters["loket1"]
    assert desk.post(reverse("queueing:counter_action", args=[loket.pk, "panggil"])).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED
    assert desk.post(reverse("queueing:counter_action", args=[loket.pk, "ulang"])).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).call_count == 2
    assert desk.post(reverse("queueing:no_show", args=[loket.pk]), {"ticket": str(ticket.pk)}).status_code == 302
    again = desk.post(reverse("queueing:no_show", args=[loket.pk]), {"ticket": str(ticket.pk)})
    assert again.status_code == 409 and "already marked" in again.content.decode()


def test_calling_with_an_empty_queue_says_so(desk, counters):
    response = desk.post(reverse("queueing:counter_action", args=[counters["loket1"].pk, "panggil"]))
    assert response.status_code == 409
    assert "No one is waiting for Loket 1" in response.content.decode()


def test_unknown_counter_action_and_ticket(desk, counters):
    import uuid

    assert desk.post(reverse("queueing:counter_action", args=[uuid.uuid4(), "panggil"])).status_code == 404
    assert desk.post(reverse("queueing:counter_action", args=[counters["loket1"].pk, "hapus"])).status_code == 404
    assert desk.post(reverse("queueing:no_show", args=[counters["loket1"].pk]), {"ticket": "bukan-uuid"}).status_code == 409


def test_a_counter_of_another_kecamatan_is_not_found(client, make_staff, counters):
    outsider = make_staff("kecamatan_operator", offices=("72.71.02",))
    login_verified(client, outsider)
    assert client.post(reverse("queueing:counter_action", args=[counters["loket1"].pk, "panggil"])).status_code == 404
    assert client.get(reverse("queueing:desk") + "?office=palu-mantikulore").status_code == 404


def test_roles_without_the_queue_are_refused(client, make_staff, office):
    login_verified(client, make_staff("print_operator"))
    assert client.get(reverse("queueing:desk")).status_code == 403


def test_add_a_counter(desk, office):
    response = desk.post(reverse("queueing:add_counter"), {"name": "Loket 4", "services": ["kk_akta"]})
    assert response.status_code == 302
    refused = desk.post(reverse("queueing:add_counter"), {"name": "Loket 4", "services": ["kk_akta"]})
    assert refused.status_code == 400 and "already has a counter" in refused.content.decode()


def test_display_is_public_and_shows_only_numbers(client, office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN, nik="7271085705900001")
    actions.call_next(counters["loket1"])
    page = client.get(reverse("queueing:display", args=[office.code])).content.decode()
    assert "A001" in page and "Loket 1" in page and "display.js" in page and 'hx-trigger="every 2s"' in page
    board = client.get(reverse("queueing:display_board", args=[office.code])).content.decode()
    assert f'data-key="{ticket.pk}:1"' in board and ticket.nik not in board
    assert client.get(reverse("queueing:display", args=["tidak-ada"])).status_code == 404


def test_statistics_page(desk, office, counters):
    actions.issue_ticket(office, Service.PEREKAMAN)
    actions.call_next(counters["loket1"])
    response = desk.get(reverse("queueing:statistics"), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200 and "Loket 1" in response.content.decode()
    assert desk.get(reverse("queueing:statistics") + "?tanggal=kemarin").status_code == 400


@pytest.fixture
def spv(client, supervisor):
    login_verified(client, supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def monday():
    return next_plain_weekday(0, at_least=1)


def test_invitation_plan_then_invite_then_letters(spv, office, make_resident):
    for n in range(3):
        make_resident(birth_date=f"198{n}-02-0{n + 1}")
    form = {"kelurahan": TANAMODINDI, "rw": "2", "rt": "3", "start": monday().isoformat(), "days": "3", "per_day": "40"}
    preview = spv.get(reverse("queueing:invite"), form)
    assert preview.status_code == 200 and "send-invitations" in preview.content.decode()
    assert not Invitation.objects.exists()
    response = spv.post(reverse("queueing:invite"), form)
    batch = Invitation.objects.first().batch
    assert response.status_code == 302 and response.url == reverse("queueing:batch", args=[batch])
    assert spv.get(response.url).status_code == 200
    pdf = spv.get(reverse("queueing:batch_letters", args=[batch]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_invitation_of_an_empty_rt_is_refused(spv, office):
    form = {"kelurahan": TANAMODINDI, "rw": "9", "rt": "9", "start": monday().isoformat(), "days": "3", "per_day": "40"}
    response = spv.post(reverse("queueing:invite"), form)
    assert response.status_code == 400 and "no wajib KTP resident left" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_form_errors(spv, office):
    response = spv.post(reverse("queueing:invite"), {"kelurahan": "72.71.02.1002", "rw": "-1", "rt": "", "start": "besok"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_operators_may_not_invite(desk):
    assert desk.get(reverse("queueing:invite")).status_code == 403


def test_recording_station_lists_who_was_invited_today(office_morning, client, office, operator, make_resident, supervisor):
    from adminduk.offices import actions as office_actions
    from adminduk.queueing import invitations

    office_actions.set_opening_hours(office, [(d, dt.time(0), dt.time(23, 59)) for d in range(7)])
    invited = make_resident(birth_date="1985-05-05")
    invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=timezone.localdate(), days=1)
    login_verified(client, operator)
    station = client.get(reverse("enrollment:station")).content.decode()
    assert reverse("queueing:invited_today") in station
    listing = client.get(reverse("queueing:invited_today")).content.decode()
    assert invited.nik in listing and invited.full_name in listing
