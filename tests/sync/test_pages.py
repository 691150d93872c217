"""The node's sync page and the central's overview of nodes."""

import pytest
from django.urls import reverse

from adminduk.sync import outbox
from adminduk.sync.models import OutboxPacket

pytestmark = pytest.mark.django_db(transaction=True)


def test_node_page_shows_backlog_link_and_rejections_with_reasons(node, staff_client):
    outbox.enqueue(node.packet())
    rejected = outbox.enqueue(node.packet())
    OutboxPacket.objects.filter(pk=rejected.pk).update(state="rejected", rejection_code="bad_signature", rejection_reason="signature does not match")
    client = staff_client("kecamatan_operator", offices=("72.71.08",))
    page = client.get(reverse("sync:node_status")).content.decode()
    assert 'data-testid="backlog">1<' in page
    assert "bad_signature" in page and "signature does not match" in page
    node.client.sync(pull=False)
    page = client.get(reverse("sync:node_status"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="backlog">0<' in page and "<html" not in page


def test_node_page_needs_staff(client, db):
    response = client.get(reverse("sync:node_status"))
    assert response.status_code == 302


def test_central_overview_per_office(node, staff_client):
    for _ in range(3):
        outbox.enqueue(node.packet())
    node.client.sync(pull=False)
    admin = staff_client("dinas_admin")
    page = admin.get(reverse("sync:central_overview")).content.decode()
    assert "palu-mantikulore" in page and ">3<" in page


def test_central_overview_refused_without_permission(staff_client, db):
    operator = staff_client("kecamatan_operator", offices=("72.71.08",))
    assert operator.get(reverse("sync:central_overview")).status_code == 403
