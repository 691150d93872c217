"""The demo's privacy data: demo residents' trackers hold the demo staff's reads, a withheld
police read, a consent, and an objection and a correction waiting for the supervisor."""

import pytest

from adminduk.core.demo import ensure_demo_accounts
from adminduk.offices.demo import create_demo_offices
from adminduk.population.generator import generate_population
from adminduk.portal.demo import demo_residents
from adminduk.privacy import tracker
from adminduk.privacy.demo import seed_privacy
from adminduk.privacy.models import CorrectionRequest, Objection, Withholding
from adminduk.privacy.policy import purpose_required

pytestmark = pytest.mark.django_db


def test_demo_residents_have_tracker_entries_and_the_supervisor_has_cases(palu_regions, settings, tmp_path):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    create_demo_offices("72.71")
    generate_population("72.71", 600, seed=2026)
    ensure_demo_accounts()
    seed_privacy()
    seed_privacy()  # twice: nothing more
    first, *others = demo_residents()
    lines = tracker.tracker_for(first).lines
    purposes = {line.purpose_code for line in lines}
    assert purposes >= {"recording", "complaint", "application", "pickup"} and "police_investigation" not in purposes  # withheld
    assert "messaging_consent" in {line.object_type for line in lines}  # consent taken at the counter
    assert any("Mantikulore" in line.office for line in lines) and any("Dinas" in line.office for line in lines)
    assert Withholding.objects.count() == 1 and Objection.objects.count() == 1 and CorrectionRequest.objects.count() == 1
    assert all(tracker.tracker_for(r).lines for r in others)

    class Verifier:
        role = "verifier"

    assert purpose_required(Verifier())
