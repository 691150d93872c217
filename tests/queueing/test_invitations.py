"""RT invitations: who is invited, how they are spread, the letters, refusals."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from adminduk.audit.models import AuditEntry
from adminduk.enrollment.models import KtpRequest
from adminduk.offices import actions as office_actions
from adminduk.queueing import actions, invitations, letters
from adminduk.queueing.models import Invitation
from tests.appointments.conftest import next_plain_weekday
from tests.conftest import TANAMODINDI

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int) -> dt.date:
    return next_plain_weekday(weekday, at_least=1)


@pytest.fixture
def rt_residents(make_resident):
    """Five adults and a 10-year-old in RT 003 / RW 002 of Tanamodindi, one adult elsewhere."""
    adults = [make_resident(birth_date=f"19{70 + n}-01-1{n}") for n in range(5)]
    child = make_resident(birth_date="2016-04-04", occupation="pelajar", education="sd")
    other_rt = make_resident(rt="004")
    return {"adults": adults, "child": child, "other_rt": other_rt}


def test_lists_wajib_ktp_residents_of_the_rt_not_recorded_yet(office, rt_residents):
    recorded = rt_residents["adults"][0]
    KtpRequest.objects.create(nik=recorded.nik, resident=recorded, office=office, kecamatan_code="72.71.08", status="sent")
    rejected = rt_residents["adults"][1]
    KtpRequest.objects.create(nik=rejected.nik, resident=rejected, office=office, kecamatan_code="72.71.08", status="rejected")
    plan = invitations.plan(office, TANAMODINDI, "2", "3", start=next_weekday(0))
    niks = {r.nik for r in plan.candidates}
    assert niks == {r.nik for r in rt_residents["adults"][1:]}
    assert rt_residents["child"].nik not in niks and rt_residents["other_rt"].nik not in niks


def test_spread_within_capacity_over_the_day_including_the_evening(office, rt_residents):
    monday = next_weekday(0)
    # Two sets x 12 hours x 12.5 = 300 a day; at most 3 a day here, so 5 need two days.
    plan = invitations.plan(office, TANAMODINDI, "002", "003", start=monday, days=3, per_day=3)
    days = [p.date for p in plan.placements]
    assert days == [monday] * 3 + [monday + dt.timedelta(days=1)] * 2
    times = sorted(p.time for p in plan.placements if p.date == monday)
    assert times == [dt.time(10), dt.time(14), dt.time(18)]  # spread over the day, evening included
    assert plan.unplaced == 0


def test_capacity_of_the_day_is_never_exceeded(office, rt_residents, supervisor):
    monday = next_weekday(0)
    # One set left and service only 08:00-08:20 on Mondays: 4 recordings that day.
    office_actions.change_equipment_status(office.equipment.first(), "broken", "lensa retak")
    office_actions.set_opening_hours(office, [(0, dt.time(8), dt.time(8, 20))])
    assert invitations.day_capacity(office, monday) == 4
    plan = invitations.plan(office, TANAMODINDI, "2", "3", start=monday, days=1, per_day=100)
    assert len(plan.placements) == 4 and plan.unplaced == 1
    # Invitations already on the day count against it.
    invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=monday, days=1, per_day=3)
    plan = invitations.plan(office, TANAMODINDI, "2", "3", start=monday, days=1, per_day=100)
    assert len(plan.candidates) == 2 and len(plan.placements) == 1
    with pytest.raises(actions.QueueError, match="No recording capacity"):
        invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=monday, days=1, per_day=1)
        invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=monday, days=1, per_day=1)
    assert Invitation.objects.filter(date=monday).count() == 4


def test_a_closed_day_gets_nobody(office, rt_residents):
    monday = next_weekday(0)
    office_actions.add_closed_day(monday, "Cuti bersama", office=office)
    plan = invitations.plan(office, TANAMODINDI, "2", "3", start=monday, days=2)
    assert {p.date for p in plan.placements} == {monday + dt.timedelta(days=1)}


def test_invite_writes_a_batch_audits_it_and_does_not_invite_twice(office, rt_residents, supervisor):
    monday = next_weekday(0)
    batch, created, plan = invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=monday)
    assert len(created) == 5 and Invitation.objects.filter(batch=batch).count() == 5
    entry = AuditEntry.objects.get(action="create", object_type="invitation_batch", object_id=str(batch))
    assert entry.details["invited"] == 5 and entry.kecamatan_code == "72.71.08"
    with pytest.raises(actions.QueueError, match="no wajib KTP resident left"):
        invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=monday)
    assert Invitation.objects.count() == 5


def test_an_rt_without_residents_is_refused_and_stores_nothing(office, rt_residents, supervisor):
    with pytest.raises(actions.QueueError, match="RT 009 / RW 002") as refused:
        invitations.invite_rt(office, TANAMODINDI, "2", "9", actor=supervisor, start=next_weekday(0))
    assert refused.value.code == "empty_rt"
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.filter(object_type="invitation_batch").exists()


@pytest.mark.parametrize(
    ("kelurahan", "rw", "rt", "start", "message"),
    [
        ("72.71.08.9999", "2", "3", None, "Unknown kelurahan"),
        ("72.71.02.1002", "2", "3", None, "is not served by"),
        (TANAMODINDI, "x", "3", None, "RW must be a number"),
        (TANAMODINDI, "2", "0", None, "RT must be a number"),
        (TANAMODINDI, "2", "3", dt.date(2020, 1, 1), "cannot be in the past"),
    ],
)
def test_bad_input_is_refused(office, rt_residents, kelurahan, rw, rt, start, message):
    with pytest.raises(actions.QueueError, match=message):
        invitations.invite_rt(office, kelurahan, rw, rt, start=start)
    assert not Invitation.objects.exists()


def test_letters_have_one_page_per_invitation(office, rt_residents, supervisor):
    batch, created, _plan = invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=next_weekday(0))
    rows = Invitation.objects.filter(batch=batch).select_related("resident", "kelurahan", "office")
    pdf = letters.invitation_letters(rows)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == len(created) == 5


def test_invited_on_lists_the_day(office_morning, office, rt_residents, supervisor):
    today = timezone.localdate()
    office_actions.set_opening_hours(office, [(d, dt.time(0), dt.time(23, 59)) for d in range(7)])
    invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=today, days=1, per_day=2)
    assert invitations.invited_on(office, today).count() == 2


def test_invited_residents_with_a_phone_get_a_message(office, make_resident, supervisor, django_capture_on_commit_callbacks, settings, tmp_path):
    from adminduk.messaging.models import Message

    settings.DATA_DIR = tmp_path
    with_phone = make_resident(birth_date="1975-06-06")
    type(with_phone).objects.filter(pk=with_phone.pk).update(phone="+6281234567890")
    without = make_resident(birth_date="1976-07-07")
    with django_capture_on_commit_callbacks(execute=True):
        batch, created, _plan = invitations.invite_rt(office, TANAMODINDI, "2", "3", actor=supervisor, start=next_weekday(0))
    message = Message.objects.get(resident=with_phone)
    assert message.kind == "booking_confirmed" and message.status == "sent", (message.status, message.error)
    assert office.name in message.text
    sent = invitations.messages_of(Invitation.objects.filter(batch=batch))
    assert sent[with_phone.pk] == message and without.pk not in sent
