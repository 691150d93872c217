"""The node applies the central's booking rules (latest change time, slot length, minutes per
recording, horizon), which reach it in the pull's master snapshot, never its own defaults."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.appointments import actions as booking_actions
from adminduk.appointments import capacity, rules
from adminduk.appointments.models import BookingSettings, Slot
from adminduk.offices.models import Office
from adminduk.sync import changes
from adminduk.sync.models import NodeState

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)
from .test_booking_sync import on_the_node

pytestmark = pytest.mark.django_db


def slot_starting_in(office, minutes: int) -> Slot:
    start = timezone.now() + dt.timedelta(minutes=minutes)
    office = Office.objects.get(pk=office.pk)  # as a page on the node reads it
    return Slot(office=office, service="perekaman", date=start.date(), starts_at=start, ends_at=start + dt.timedelta(minutes=30), capacity=5)


def test_the_central_booking_settings_reach_the_node_and_rule_there(node, office, settings):
    booking_actions.set_booking_settings(office, change_cutoff_minutes=30, slot_minutes=30, minutes_per_recording=8, horizon_days=14)
    page = changes.build_changes(node.station, since="")
    assert page["master"]["booking_settings"][office.code] == {
        "minutes_per_recording": 8, "slot_minutes": 30, "change_cutoff_minutes": 30, "horizon_days": 14}
    # The node had its own (default) rules until now.
    BookingSettings.objects.filter(office=office).delete()
    on_the_node(node, settings)
    slot = slot_starting_in(office, 60)
    with pytest.raises(rules.BookingRefused, match="120"):
        rules.check_changeable(slot)  # the default: changes close 120 minutes before
    counts = changes.apply_page(page)
    assert counts["booking_settings"] >= 1
    conf = capacity.settings_for(office, fresh=True)
    assert (conf.change_cutoff_minutes, conf.slot_minutes, conf.minutes_per_recording, conf.horizon_days) == (30, 30, 8, 14)
    rules.check_changeable(slot_starting_in(office, 60))  # an hour ahead is still open under the central's 30 minutes
    with pytest.raises(rules.BookingRefused, match="30 minutes"):
        rules.check_changeable(slot_starting_in(office, 20))


def test_an_office_back_on_the_defaults_at_the_central_drops_the_nodes_own_rules(node, office, settings):
    BookingSettings.objects.filter(office=office).delete()
    page = changes.build_changes(node.station, since="")
    assert page["master"]["booking_settings"][office.code] is None
    on_the_node(node, settings)
    BookingSettings.objects.create(office=office, change_cutoff_minutes=5)  # set locally on the node
    changes.apply_page(page)
    assert not BookingSettings.objects.filter(office=office).exists()
    assert capacity.settings_for(office, fresh=True).change_cutoff_minutes == BookingSettings.DEFAULT_CHANGE_CUTOFF_MINUTES
    assert NodeState.objects.get(pk=1).master_digest == page["master_digest"]
