"""The README's adjudication walk-through in a real browser, on the demo's data: at the node,
op.mantikulore records one resident, then calls a second one and lets the simulator present
the same person as the first NIK; the node delivers both packets; at the central the pipeline
opens an adjudication case, and `supervisor` resolves it.

Node and central share the test database and the live server; the packets travel through the
real sync client and API (tests/sync's in-process transport)."""

import pytest

from adminduk.accounts.models import User
from adminduk.biometrics.gallery import reset_matcher
from adminduk.core import demo
from adminduk.enrollment import synthetic
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.offices.models import Office
from adminduk.population.models import Resident
from adminduk.processing.models import Adjudication
from adminduk.sync import client as sync_client
from adminduk.sync.models import NodeState, OutboxPacket
from adminduk.sync.demo import DEMO_NODE_OFFICE
from tests.sync.conftest import DjangoTransport, register

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def deliver() -> None:
    """One round of the node's sync loop."""
    with sync_client.NodeClient(transport=DjangoTransport()) as client:
        client.sync(pull=False)


def test_the_demos_duplicate_is_recorded_at_the_node_and_resolved_at_the_central(page, browser, live_server, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "keys")
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = 0
    reset_matcher()
    demo.prepare_demo(residents=300)
    station, _ = register(Office.objects.get(code=DEMO_NODE_OFFICE), "node-mantikulore", key_dir=tmp_path / "keys")
    NodeState.objects.update_or_create(pk=1, defaults={"central_url": "http://central.test", "station_id": station.pk})
    accounts = {a.username: a for a in demo.DEMO_ACCOUNTS}
    operator = User.objects.get(username="op.mantikulore")
    first, second = demo.sample_niks(2)

    # The first recording, as the walk-through's first step did it; delivered and print ready.
    synthetic.record(Resident.objects.get(nik=first), operator)
    deliver()
    assert KtpRequest.objects.get(nik=first).status == S.PRINT_READY

    # At the node: the second resident, with the simulator presenting the first one.
    log_in(page, operator, accounts["op.mantikulore"].password)
    page.goto("/perekaman/")
    page.fill("#call-nik", second)
    page.click("form.search-form button[type=submit]")
    page.wait_for_url("**/perekaman/sesi/**")
    page.fill("#simulated-nik", "7271")  # a typo first: refused with the reason, nothing changes
    page.click("#simulated-apply")
    page.locator(".alert-error").first.wait_for()
    page.fill("#simulated-nik", first)
    page.click("#simulated-apply")
    page.locator("#simulated-as").wait_for()
    assert first in page.locator("#simulated-as").inner_text()
    assert page.locator("#messages, .alert-info", has_text=first).count() == 1  # the confirmation, once
    page.click("#confirm-data")
    page.locator("#data-confirmed").wait_for()
    page.click("#capture-remaining")
    page.locator("#slot-signature.slot-ok").wait_for()
    page.click("#submit-recording")
    page.locator("#submitted").wait_for()
    duplicate = KtpRequest.objects.get(nik=second)
    assert OutboxPacket.objects.get(pk=duplicate.packet_id).state == OutboxPacket.State.PENDING

    deliver()
    assert OutboxPacket.objects.get(pk=duplicate.packet_id).state == OutboxPacket.State.DELIVERED
    case = Adjudication.objects.get(request__nik=second)
    assert KtpRequest.objects.get(nik=second).status == S.DUPLICATE_SUSPECTED

    # At the central: the supervisor finds the case and rejects the new record.
    context = browser.new_context(locale="id-ID", base_url=live_server.url)
    central = context.new_page()
    try:
        log_in(central, User.objects.get(username="supervisor"), accounts["supervisor"].password)
        central.goto("/pemrosesan/adjudikasi/")
        central.click(f"text=NIK {second}")
        central.wait_for_selector("#decision-form")
        # The simulator's JPEG 2000 captures are shown (converted), so the two faces can be compared.
        for side in ("new", "match"):
            face = central.locator(f"img[src*='/{side}/face/']")
            face.scroll_into_view_if_needed()
            central.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=face.element_handle())
        central.check("input[value=reject_new]")
        central.fill("#id_reason", f"Orang yang sama dengan NIK {first}, direkam dengan simulator")
        central.click("#decision-form button[type=submit]")
        central.wait_for_selector("#request-status")
        central.wait_for_load_state("networkidle")
        assert central.locator(".alert").count() == 1  # the confirmation, once
    finally:
        context.close()
    case.refresh_from_db()
    assert KtpRequest.objects.get(nik=second).status == S.REJECTED
    assert KtpRequest.objects.get(nik=first).status == S.PRINT_READY
    reset_matcher()
