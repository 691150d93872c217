"""The demo seeds applications at Kantor Camat Mantikulore in every state: one past the service
standard waiting for the verifier, one approved with its documents, a portal KIA waiting for
the child's photo, one rejected with a reason. Seeding twice adds nothing."""

import pytest

from adminduk.accounts.models import User
from adminduk.civil import queries
from adminduk.civil.choices import Status
from adminduk.civil.demo import seed_civil
from adminduk.civil.models import Application
from adminduk.core.demo import ensure_demo_accounts
from adminduk.offices.demo import create_demo_offices
from adminduk.population.generator import generate_population

pytestmark = pytest.mark.django_db


def test_demo_seeds_applications_in_every_state(palu_regions, settings, tmp_path):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    create_demo_offices("72.71")
    generate_population("72.71", 3000, seed=2026)
    ensure_demo_accounts()
    made = seed_civil()
    assert seed_civil() == []
    states = {a.kind: a.status for a in made}
    assert states == {"akta_kelahiran": Status.SUBMITTED, "akta_kematian": Status.APPROVED, "kia": Status.NEEDS_DOCUMENTS, "kk_correct": Status.REJECTED}
    overdue = Application.objects.get(kind="akta_kelahiran")
    assert overdue.is_overdue() and overdue.missing == []
    assert Application.objects.get(kind="kia").channel == "portal" and Application.objects.get(kind="kia").missing == ["child_photo"]
    assert len(Application.objects.get(kind="akta_kematian").result["documents"]) == 2
    verifier = User.objects.get(username="verifier")
    assert {a.pk for a in queries.queue(verifier)} == {overdue.pk, Application.objects.get(kind="kia").pk}
