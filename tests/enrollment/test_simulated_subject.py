"""The simulator can present "the same person as NIK X" (demo and training): set before the
first capture, audited, refused with a message for a bad NIK, after a capture and with real
devices; the captures then are X's, so the central finds the duplicate. Messages show once."""

import numpy as np
import pytest
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.biometrics import templates
from adminduk.enrollment import packets, recording, sealing
from adminduk.enrollment.devices.base import Camera, DeviceError
from adminduk.enrollment.devices.simulator import latent_template
from adminduk.enrollment.models import RecordingSession
from tests.conftest import login_verified

pytestmark = pytest.mark.django_db


class WiredCamera(Camera):
    """Stands for a real camera: not the simulator."""

    def capture(self, subject, position, **options):
        raise DeviceError("no camera attached")


@pytest.fixture
def op_client(client, operator):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login_verified(client, operator)


@pytest.fixture
def other(make_resident):
    return make_resident(full_name="RINA MARLINA", birth_date="1991-06-18", sex="P")


def session_of(op_client, resident) -> RecordingSession:
    op_client.post(reverse("enrollment:call"), {"nik": resident.nik})
    return RecordingSession.objects.get(nik=resident.nik, state="open")


def face_template(session) -> np.ndarray:
    """Open the sealed face capture with the central's key, as the central does."""
    sealed = session.captures.get(slot="face").sealed
    plain = sealing.open_sealed(sealed, sealing.central_private_key(), aad=packets.part_aad(session.packet_id, "face"))
    payload = packets.decode_capture(plain)
    return templates.decode(payload.template)


def test_the_devices_present_the_same_person_as_another_nik(op_client, adult, other, operator):
    session = session_of(op_client, adult)
    page = op_client.get(reverse("enrollment:session", args=[session.pk])).content.decode()
    assert 'id="simulated-nik"' in page
    response = op_client.post(reverse("enrollment:simulated_subject", args=[session.pk]), {"nik": other.nik})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.device_subject == other.nik and session.subject == other.nik
    page = op_client.get(response.url).content.decode()
    assert page.count(f"The simulator now presents the same person as NIK {other.nik}.") == 1
    assert 'id="simulated-as"' in page
    entry = AuditEntry.objects.filter(object_type="recording_session", object_id=str(session.pk), action="update").get()
    assert entry.details == {"simulated_subject": other.nik} and entry.actor == operator

    recording.capture(session, "face", actor=operator)
    template = face_template(session)
    assert float(template @ latent_template(other.nik, "face", "frontal")) > 0.8
    assert abs(float(template @ latent_template(adult.nik, "face", "frontal"))) < 0.4
    # After the first capture the choice is closed: one recording is one person.
    response = op_client.post(reverse("enrollment:simulated_subject", args=[session.pk]), {"nik": ""}, follow=True)
    assert "before the first capture" in response.content.decode()
    assert RecordingSession.objects.get(pk=session.pk).device_subject == other.nik
    assert 'id="simulated-nik"' not in response.content.decode()


@pytest.mark.parametrize(("nik", "message"), [("12345", "exactly 16 digits"), ("7271080005900001", "")])
def test_a_bad_nik_is_refused_and_changes_nothing(op_client, adult, nik, message):
    session = session_of(op_client, adult)
    response = op_client.post(reverse("enrollment:simulated_subject", args=[session.pk]), {"nik": nik}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode() and 'class="alert alert-error"' in response.content.decode()
    assert RecordingSession.objects.get(pk=session.pk).device_subject == ""


def test_the_own_nik_or_nothing_means_the_called_resident(op_client, adult, other):
    session = session_of(op_client, adult)
    url = reverse("enrollment:simulated_subject", args=[session.pk])
    op_client.post(url, {"nik": other.nik})
    op_client.post(url, {"nik": adult.nik})
    assert RecordingSession.objects.get(pk=session.pk).device_subject == ""
    op_client.post(url, {"nik": other.nik})
    response = op_client.post(url, {}, follow=True)
    assert RecordingSession.objects.get(pk=session.pk).device_subject == ""
    assert "presents the called resident again" in response.content.decode()


def test_real_devices_cannot_present_another_person(op_client, adult, other, settings):
    settings.ADMINDUK_DEVICE_ADAPTERS = {**settings.ADMINDUK_DEVICE_ADAPTERS, "face": f"{__name__}.WiredCamera"}
    session = session_of(op_client, adult)
    page = op_client.get(reverse("enrollment:session", args=[session.pk])).content.decode()
    assert 'id="simulated-nik"' not in page
    response = op_client.post(reverse("enrollment:simulated_subject", args=[session.pk]), {"nik": other.nik}, follow=True)
    assert "these are real devices" in response.content.decode()
    assert RecordingSession.objects.get(pk=session.pk).device_subject == ""


def test_another_operators_session_is_not_found(client, adult, other, operator, make_staff):
    session = recording.start_session(adult.nik, user=operator)
    intruder = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), username="operator.lain")
    login_verified(client, intruder)
    response = client.post(reverse("enrollment:simulated_subject", args=[session.pk]), {"nik": other.nik})
    assert response.status_code == 404
    assert RecordingSession.objects.get(pk=session.pk).device_subject == ""


def test_confirmation_messages_appear_once(op_client, adult):
    session = session_of(op_client, adult)
    data = {f: getattr(adult, f) for f in ("full_name", "birth_place", "sex", "blood_type", "religion", "marital_status", "occupation", "address", "rw", "rt")}
    data["birth_date"] = adult.birth_date.isoformat()
    response = op_client.post(reverse("enrollment:confirm_data", args=[session.pk]), data, follow=True)
    assert response.content.decode().count("Data confirmed.") == 1


def test_captured_jpeg2000_is_shown_to_browsers_as_png():
    import io

    from PIL import Image

    from adminduk.enrollment import previews
    from adminduk.enrollment.devices.simulator import SimulatedCamera

    capture = SimulatedCamera().capture("7271085705900001")
    assert capture.image_format == "jp2"
    body, content_type = previews.for_browser(capture.image, "jp2")
    assert content_type == "image/png" and Image.open(io.BytesIO(body)).size == (capture.width, capture.height)
    assert previews.for_browser(b"\x89PNG...", "PNG") == (b"\x89PNG...", "image/png")
    with pytest.raises(ValueError):
        previews.for_browser(b"not an image", "jp2")
