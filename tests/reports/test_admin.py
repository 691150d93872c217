"""The summary tables in the admin name a status, never show its code: the codes are English
words ("recorded", "printed") and an Indonesian page must not show them."""

import re
import uuid

import pytest

from adminduk.enrollment.statuses import RequestStatus
from adminduk.reports.models import ResidentFact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [RequestStatus.RECORDED, RequestStatus.PRINTED, RequestStatus.PICKED_UP])
def test_a_resident_fact_page_names_its_status_in_indonesian(admin_client, status):
    fact = ResidentFact.objects.create(resident_id=uuid.uuid4(), kelurahan_id="72.71.08.1001", kecamatan_code="72.71.08", counted=True, status=status)
    page = admin_client.get(f"/admin/reports/residentfact/{fact.pk}/change/").content.decode()
    listing = admin_client.get("/admin/reports/residentfact/").content.decode()
    with_indonesian = {RequestStatus.RECORDED: "direkam", RequestStatus.PRINTED: "dicetak", RequestStatus.PICKED_UP: "diambil"}[status]
    for html in (page, listing):
        text = re.sub(r"<[^>]*>", " ", html)
        assert with_indonesian in text.lower()
        assert not re.search(rf"\b{status.value}\b", text)


def test_every_summary_cell_page_names_its_status_in_indonesian(admin_client):
    import datetime as dt

    from adminduk.reports.models import BacklogCell, CoverageCell, ThroughputCell

    cells = [
        CoverageCell.objects.create(kecamatan_code="72.71.08", kelurahan_id="72.71.08.1001", status=RequestStatus.RECORDED, n=3),
        BacklogCell.objects.create(kecamatan_code="72.71.08", status=RequestStatus.RECORDED, since=dt.date(2026, 11, 30), n=2),
        ThroughputCell.objects.create(day=dt.date(2026, 11, 30), kecamatan_code="72.71.08", kind=ThroughputCell.Kind.RECORDED, n=5),
    ]
    for cell in cells:
        meta = cell._meta
        for url in (f"/admin/reports/{meta.model_name}/{cell.pk}/change/", f"/admin/reports/{meta.model_name}/"):
            text = re.sub(r"<[^>]*>", " ", admin_client.get(url).content.decode())  # what a reader sees, not link targets
            assert "direkam" in text.lower(), url
            assert "recorded" not in text.lower(), url
