"""The station pages through the test client: refusals are shown with their message and store
nothing; captures and exceptions swap one slot card; submit shows the request status."""

import pytest
from django.urls import reverse

from adminduk.enrollment.models import KtpRequest, RecordingSession
from adminduk.enrollment.slots import SLOTS
from adminduk.sync.models import OutboxPacket
from tests.conftest import login_verified
from tests.e2e.conftest import current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def op_client(client, operator):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login_verified(client, operator)


def test_uncertified_operator_sees_why(client, make_staff, palu_regions):
    user = make_staff("kecamatan_operator", offices=("72.71.08",))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_verified(client, user)
    response = client.get(reverse("enrollment:station"))
    assert response.status_code == 403 and "no current perekaman" in response.content.decode()
    assert client.post(reverse("enrollment:call"), {"nik": "7271085705900001"}).status_code == 403
    assert not RecordingSession.objects.exists()


@pytest.mark.parametrize(
    ("nik", "message"), [("12345", "exactly 16 digits"), ("7271085705909999", "No resident with NIK")]
)
def test_call_refusals_are_shown(op_client, nik, message):
    response = op_client.post(reverse("enrollment:call"), {"nik": nik})
    assert response.status_code == 200 and message in response.content.decode()
    assert not RecordingSession.objects.exists()


def test_full_recording_through_the_pages(op_client, adult, supervisor):
    response = op_client.post(reverse("enrollment:call"), {"nik": adult.nik})
    session = RecordingSession.objects.get()
    assert response.url == reverse("enrollment:session", args=[session.pk])
    page = op_client.get(response.url).content.decode()
    assert adult.full_name in page and "Confirm data" in page
    # A change without a reason is refused and changes nothing.
    data = {f: getattr(adult, f) for f in ("full_name", "birth_place", "sex", "blood_type", "religion", "marital_status", "occupation", "address", "rw", "rt")}
    data["birth_date"] = adult.birth_date.isoformat()
    response = op_client.post(reverse("enrollment:confirm_data", args=[session.pk]), {**data, "birth_place": "DONGGALA"})
    assert "Say why" in response.content.decode()
    response = op_client.post(reverse("enrollment:confirm_data", args=[session.pk]), {**data, "birth_place": "DONGGALA", "reason": "per akta"})
    assert response.status_code == 302
    # htmx capture of one slot returns the card and the review panel out of band.
    response = op_client.post(reverse("enrollment:capture", args=[session.pk, "face"]), {"condition": "blurred"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="slot-face"' in body and "blurred" in body and "data:image/jpeg;base64," in body and 'hx-swap-oob="true"' in body
    # An exception with a wrong code from the supervisor is refused; the right one approves.
    url = reverse("enrollment:exception", args=[session.pk, "finger_L5"])
    bad = op_client.post(url, {"code": "amputation", "supervisor": supervisor.username, "password": "kata-sandi-uji-2026", "otp_token": "000000"}, HTTP_HX_REQUEST="true")
    assert "Supervisor approval failed" in bad.content.decode()
    good = op_client.post(url, {"code": "amputation", "supervisor": supervisor.username, "password": "kata-sandi-uji-2026", "otp_token": current_code(supervisor)}, HTTP_HX_REQUEST="true")
    assert "approved by" in good.content.decode()
    op_client.post(reverse("enrollment:capture_remaining", args=[session.pk]))
    # The blurred face blocks the submission.
    response = op_client.post(reverse("enrollment:submit", args=[session.pk]))
    assert "Failed the quality check: face photo" in response.content.decode() and not OutboxPacket.objects.exists()
    op_client.post(reverse("enrollment:capture", args=[session.pk, "face"]))
    response = op_client.post(reverse("enrollment:submit", args=[session.pk]))
    assert response.status_code == 302
    page = op_client.get(response.url).content.decode()
    assert "BIO_CAPTURED" in page and str(session.packet_id) in page
    assert KtpRequest.objects.get().status == "recorded" and OutboxPacket.objects.count() == 1
    assert len(SLOTS) == 14


def test_resident_history_include_shows_the_request(adult, record_resident):
    from django.template import Context, Template

    record_resident(adult)
    html = Template("{% load enrollment_tags %}{% ktp_requests resident %}").render(Context({"resident": adult}))
    assert "BIO_CAPTURED" in html and "recorded" in html


def test_other_operators_session_is_not_found(client, adult, operator, make_staff, record_resident):
    from adminduk.enrollment import recording

    session = recording.start_session(adult.nik, user=operator)
    other = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    login_verified(client, other)
    assert client.get(reverse("enrollment:session", args=[session.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as in production (this was a 500)
def test_capture_on_a_cancelled_session_is_refused_with_its_reason(op_client, adult):
    op_client.post(reverse("enrollment:call"), {"nik": adult.nik})
    session = RecordingSession.objects.get()
    op_client.post(reverse("enrollment:cancel", args=[session.pk]), {"reason": "salah panggil"})
    response = op_client.post(reverse("enrollment:capture", args=[session.pk, "face"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "already cancelled" in response.content.decode()
    assert not session.captures.exists()
