"""Each node signs documents with its own key; the central registers it from the node's signed
channel and publishes it, so a document issued offline verifies everywhere."""

import pytest
from django.db import transaction

from adminduk.accounts.models import Station
from adminduk.documents import issuing, keys, numbers, verification
from adminduk.documents.models import IssuedDocument, SigningKey
from adminduk.sync.ingest import ingest_batch
from adminduk.sync.models import OutboxPacket

pytestmark = pytest.mark.django_db


def issue(office, **payload):
    with transaction.atomic():
        number = numbers.next_number("akta_kelahiran", office)
        payload = {"nik": "7271084101260001", "nama": "Putri Lestari"} | payload
        return issuing.issue_document("akta_kelahiran", number, payload, repr(sorted(payload.items())).encode(), office=office)


def test_a_document_issued_offline_verifies_at_the_central_after_its_packets_arrive(make_office, as_node, django_capture_on_commit_callbacks):
    office = make_office("72.71.08")
    numbers.ensure_node_blocks(office)
    with as_node(office.code):
        document = issue(office)
        assert verification.verify_token(document.token).status == "valid"  # the node checks its own at once
        node_key = SigningKey.objects.get(role="node")
        bodies = [bytes(p.body) for p in OutboxPacket.objects.order_by("created_at")]
        station = Station.objects.get(office=office)
    # Simulate the central's own database: it has neither the node's key nor the document yet.
    IssuedDocument.objects.all().delete()
    SigningKey.objects.all().delete()
    keys.clear_cache()
    assert verification.verify_token(document.token).status == "invalid"
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(station, bodies)
    central_copy = IssuedDocument.objects.get(number=document.number)
    assert SigningKey.objects.get(key_id=node_key.key_id).office == office
    assert central_copy.key_id == node_key.key_id
    verdict = verification.verify_token(document.token)
    assert verdict.status == "valid" and verdict.document == central_copy
    assert node_key.key_id in {k["key_id"] for k in keys.key_list()["keys"]}


def test_a_revoked_key_verifies_nothing_and_another_key_is_not_this_one(make_office, as_node):
    office = make_office("dinas")
    document = issue(office)
    assert verification.verify_token(document.token).ok
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from adminduk.documents import signing

    forged = signing.sign_claims(Ed25519PrivateKey.generate(), kind=document.kind, number=document.number, version=1,
                                 content_hash_hex=document.content_hash)
    assert verification.verify_token(forged).status == "invalid"
    keys.revoke_key(SigningKey.objects.get(key_id=document.key_id), reason="lost laptop")
    assert verification.verify_token(document.token).status == "invalid"
