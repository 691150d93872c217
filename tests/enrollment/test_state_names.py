"""In Indonesian, a packet in the outbox and a packet delivered to the central have different
names everywhere: 'terkirim' is only ever delivery."""

from django.utils import translation

from adminduk.enrollment.models import RecordingSession
from adminduk.enrollment.statuses import RequestStatus
from adminduk.sync.models import OutboxPacket


def test_outbox_and_delivery_are_named_apart():
    with translation.override("id"):
        outbox = [
            OutboxPacket.State.PENDING.label, RecordingSession.State.SUBMITTED.label, RequestStatus.RECORDED.label,
            translation.gettext("Submitted"), translation.gettext("Submit recording"), translation.gettext("Review and submit"),
            translation.gettext("waiting to be sent"),
            translation.gettext("Recording submitted: packet %(packet)s is in the outbox, request status %(status)s."),
        ]
        delivered = [OutboxPacket.State.DELIVERED.label, RequestStatus.SENT.label]
        outbox, delivered = [str(s).lower() for s in outbox], [str(s).lower() for s in delivered]
    assert all("terkirim" not in label and "dikirim:" not in label for label in outbox), outbox
    assert all("terkirim ke pusat" in label for label in delivered), delivered
    assert "kotak keluar" in str(outbox[0]) and len(set(outbox[:2]) & set(delivered)) == 0
