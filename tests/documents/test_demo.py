"""The demo seeds a few issued documents (valid, superseded, revoked) as PDF files with the key
list and a download link, and `adminduk verify` reads them as the README says."""

import pytest
from django.core.management import call_command

from adminduk.documents.demo import seed_documents
from adminduk.documents.models import IssuedDocument
from adminduk.offices.demo import create_demo_offices
from adminduk.population.generator import generate_population

pytestmark = pytest.mark.django_db

EXPECTED = {"kk.pdf": "VALID", "kk-superseded.pdf": "SUPERSEDED", "akta-kelahiran.pdf": "VALID",
            "akta-kematian-revoked.pdf": "REVOKED", "kia.pdf": "VALID"}


def test_demo_documents_verify_as_the_readme_says(palu_regions, settings, tmp_path, capsys, django_capture_on_commit_callbacks):
    settings.DATA_DIR = tmp_path
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")
    create_demo_offices("72.71")
    generate_population("72.71", 120, seed=2026)
    with django_capture_on_commit_callbacks(execute=True):
        out = seed_documents()
    seed_documents()  # idempotent: the same documents, files written again
    assert IssuedDocument.objects.filter(payload__demo=True).count() == 5
    for name, verdict in EXPECTED.items():
        try:
            call_command("verify", str(out / name), "--keys", str(out / "adminduk-document-keys.json"))
        except SystemExit:
            pass
        assert capsys.readouterr().out.startswith(verdict), name
    links = (out / "LINKS.txt").read_text()
    assert "PIN" in links and "/verifikasi/unduh/" in links and (tmp_path / "messages.jsonl").exists()
