"""A print job's photo, signature and chip templates are sealed at rest under the
installation's own key (printing.media): the database holds none of them in the clear, on
the central or on a node that pulled the job, and a box moved to another job or opened under
another key does not open."""

import base64
import json

import pytest
from django.db import connection

from adminduk.printing import media
from adminduk.printing import sync as printing_sync
from adminduk.printing.models import PrintJob

pytestmark = pytest.mark.django_db


def stored_row(job) -> bytes:
    """Every column of the job's row as the database holds it, concatenated."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM printing_printjob WHERE id = %s", [job.pk.hex if connection.vendor == "sqlite" else job.pk])
        row = cursor.fetchone()
    return b"|".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)


def secrets_of(job) -> list[bytes]:
    photo, signature = bytes(job.photo), bytes(job.signature)
    templates = [base64.b64decode(t) for t in job.chip_templates.values()]
    return [photo[:64], photo[-64:], signature[:64], *[t[:32] for t in templates], *[t.encode() for t in job.chip_templates.values()]]


def test_the_central_keeps_the_card_media_sealed(print_ready, dinas, mantikulore):
    job = PrintJob.objects.get(request=print_ready())
    assert bytes(job.photo).startswith(b"\xff\xd8") and len(job.chip_templates) == 2
    raw = stored_row(job)
    assert all(secret and secret not in raw for secret in secrets_of(job))
    assert b"\xff\xd8\xff" not in raw and b"finger_R1" not in raw
    # The checker is able to fail: the same data unsealed would be found.
    plain = json.dumps({"photo": base64.b64encode(bytes(job.photo)).decode()}).encode() + bytes(job.photo)
    assert secrets_of(job)[0] in plain


def test_sealed_media_open_only_for_their_job_and_key(print_ready, dinas, mantikulore, settings, tmp_path):
    job = PrintJob.objects.get(request=print_ready())
    other = PrintJob.objects.get(request=print_ready())
    with pytest.raises(media.MediaError):
        media.open_sealed(other.pk, job.media)  # the job's id is bound to its box
    settings.ADMINDUK_KEY_DIR = tmp_path / "another-installation"
    with pytest.raises(media.MediaError):
        media.open_sealed(job.pk, job.media)


def test_a_node_seals_the_jobs_it_pulls_under_its_own_key(print_ready, dinas, mantikulore, settings, tmp_path):
    job = PrintJob.objects.get(request=print_ready())
    row = printing_sync._row("jobs", job)  # what the pull carries (over the authenticated channel)
    photo, templates = bytes(job.photo), dict(job.chip_templates)
    PrintJob.objects.all().delete()
    settings.ROLE = "node"
    settings.ADMINDUK_KEY_DIR = tmp_path / "node-keys"
    printing_sync.apply({"jobs": [row]})
    pulled = PrintJob.objects.get(pk=job.pk)
    assert bytes(pulled.photo) == photo and pulled.chip_templates == templates
    raw = stored_row(pulled)
    assert photo[:64] not in raw and b"\xff\xd8\xff" not in raw and b"finger_R1" not in raw
    assert (tmp_path / "node-keys" / media.KEY_FILE).stat().st_mode & 0o077 == 0
