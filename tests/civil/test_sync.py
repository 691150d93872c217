"""A counter application taken on an offline node travels to the central through the node's
exactly-once outbox: one event packet for the application, one per document, applied once per
packet UUID; the application keeps its UUID."""

import pytest
from django.db import transaction

from adminduk.civil import actions, events
from adminduk.civil.choices import Channel, Requirement, Status
from adminduk.civil.models import Application, ApplicationDocument
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import InboxPacket, OutboxPacket

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)
from .conftest import birth_data, form_data, pdf_bytes

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def test_counter_application_on_a_node_reaches_the_central_once(node, sample_family, witnesses, settings, django_capture_on_commit_callbacks, make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), username="op.node")
    from adminduk.enrollment import sealing

    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = sealing.public_key_b64(sealing.central_public_key())
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    data = form_data("akta_kelahiran", birth_data(sample_family, witnesses))
    # The node's own database: what it stored is rolled back here, as if it were another
    # machine; the sealed packets it put in its outbox are what travels.
    try:
        with transaction.atomic():
            application = actions.submit("akta_kelahiran", data, office=node.station.office, channel=Channel.COUNTER, actor=operator)
            actions.add_document(application, Requirement.BIRTH_LETTER, pdf_bytes(), "lahir.pdf", actor=operator)
            application.refresh_from_db()
            assert application.event_pending
            bodies = [bytes(p.body) for p in OutboxPacket.objects.order_by("created_at")]
            assert [p.kind for p in OutboxPacket.objects.all()] == [events.KIND_CIVIL_EVENT] * 2
            application_id = application.pk
            raise RolledBack
    except RolledBack:
        pass
    assert not Application.objects.exists()
    settings.ROLE = "central"
    for _ in range(2):  # delivered again after a lost acknowledgement
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(node.station, bodies)
    assert set(InboxPacket.objects.values_list("state", flat=True)) == {InboxPacket.State.PROCESSED}
    central = Application.objects.get()
    assert central.pk == application_id and central.office == node.station.office and central.channel == Channel.COUNTER
    assert central.status == Status.SUBMITTED and central.created_by == operator
    assert ApplicationDocument.objects.get().requirement == Requirement.BIRTH_LETTER
    assert central.missing == ["family_card", "parents_ktp", "marriage"]
    assert [e.action for e in central.events.all()] == ["submitted", "received", "document_added"]


def test_decisions_are_taken_at_the_central(apply, sample_family, witnesses, settings, verifier):
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses))
    settings.ROLE = "node"
    with pytest.raises(actions.CivilError, match="decided at the central"):
        actions.reject(application, reason="x", actor=verifier)


def test_the_decision_on_a_counter_application_travels_back_in_the_pull(node, apply, sample_family, witnesses, settings, verifier):
    from adminduk.sync import changes

    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = -5  # every change is old enough to be sent
    application = apply("akta_kelahiran", birth_data(sample_family, witnesses), docs=False)
    assert application.office == node.station.office and application.channel == Channel.COUNTER
    first = changes.build_changes(node.station, since="")
    assert [row["id"] for row in first["civil"]] == [str(application.pk)] and first["civil"][0]["status"] == Status.SUBMITTED
    again = changes.build_changes(node.station, since=first["cursor"])
    assert again["civil"] == []  # nothing new after the cursor
    actions.request_documents(application, ["family_card"], note="Foto KK kurang jelas", actor=verifier)
    later = changes.build_changes(node.station, since=again["cursor"])
    (row,) = later["civil"]
    assert row["status"] == Status.NEEDS_DOCUMENTS and row["note_to_applicant"] == "Foto KK kurang jelas" and "family_card" in row["missing"]
    assert "data" not in row  # the application's data never goes down to a node


def test_the_node_keeps_its_own_change_until_the_central_shows_it(apply, sample_family, witnesses, verifier):
    from adminduk.civil import sync as civil_sync

    application = apply("akta_kelahiran", birth_data(sample_family, witnesses), docs=False)
    actions.add_document(application, Requirement.BIRTH_LETTER, pdf_bytes(), "lahir.pdf")
    Application.objects.filter(pk=application.pk).update(event_pending=True)
    central_before = civil_sync.row_of(Application.objects.get(pk=application.pk)) | {"missing": ["birth_letter", "family_card"]}
    assert civil_sync.apply([central_before]) == {}  # the birth letter the node added is not at the central yet
    assert Application.objects.get(pk=application.pk).event_pending
    decided = central_before | {"status": Status.REJECTED, "decision_reason": "Data tidak sesuai", "decided_at": "2026-12-03T10:00:00+08:00", "missing": []}
    other = decided | {"id": "00000000-0000-0000-0000-000000000001"}  # taken elsewhere: not this node's
    assert civil_sync.apply([decided, other]) == {"civil_applications": 1}
    local = Application.objects.get(pk=application.pk)
    assert local.status == Status.REJECTED and local.decision_reason == "Data tidak sesuai" and not local.event_pending
    assert not Application.objects.filter(pk=other["id"]).exists()
