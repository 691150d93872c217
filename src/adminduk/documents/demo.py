"""Demo documents: a few issued documents of Mantikulore residents, as PDF files beside the
published key list, so a newcomer can verify them on the page and with `adminduk verify`:

  var/demo-documents/kk.pdf                    a current KK (valid)
  var/demo-documents/kk-superseded.pdf         the KK it replaced (superseded)
  var/demo-documents/akta-kelahiran.pdf        an akta kelahiran (valid)
  var/demo-documents/akta-kematian-revoked.pdf an akta kematian revoked with a reason
  var/demo-documents/kia.pdf                   a KIA at CR-80 (valid)
  var/demo-documents/adminduk-document-keys.json  the key list (adminduk documents export-keys)
  var/demo-documents/LINKS.txt                 each document's verification URL, and a
                                               download link with its PIN (sent through the
                                               messaging adapter's demo file)
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from adminduk.offices.models import Office
from adminduk.population.models import Family

from . import downloads, issuing, keys, payloads, rendering, services
from .models import IssuedDocument

DEMO_OFFICE = "palu-mantikulore"
DEMO_BASE_URL = "http://127.0.0.1:8000"


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo-documents"


def seed_documents(base_url: str = "") -> Path | None:
    """Idempotent: documents are issued once; the files are written again each time."""
    office = Office.objects.filter(code=DEMO_OFFICE).first()
    if office is None:
        return None
    base = (base_url or settings.ADMINDUK_PUBLIC_URL or DEMO_BASE_URL).rstrip("/")
    if not IssuedDocument.objects.filter(office=office, payload__demo=True).exists():
        _issue(office)
    out = demo_dir()
    out.mkdir(parents=True, exist_ok=True)
    lines = ["Demo documents (adminduk demo). Verify on the page, or offline:",
             f"  .venv/bin/adminduk verify {out / 'kk.pdf'} --keys {out / 'adminduk-document-keys.json'}", ""]
    for document in IssuedDocument.objects.filter(office=office, payload__demo=True).order_by("issued_at"):
        name = document.payload["demo_file"]
        document.token = None
        url = base + services.verify_url(document)
        (out / name).write_bytes(rendering.render_pdf(document, url))
        lines.append(f"{name:28} {document.state:10} {url}")
    (out / "adminduk-document-keys.json").write_bytes(keys.export_key_list())
    granted = _download_link(office, base)
    if granted:
        lines += ["", f"Download the current KK as its applicant: {granted[0]}  PIN {granted[1]}"]
    (out / "LINKS.txt").write_text("\n".join(lines) + "\n")
    for path in out.iterdir():
        path.chmod(0o600)  # data files are owner-only (LINKS.txt holds a PIN)
    out.chmod(0o700)
    return out


@transaction.atomic
def _issue(office) -> None:
    today = timezone.localdate()
    families = list(Family.objects.filter(status=Family.Status.ACTIVE, kelurahan__kecamatan_id=office.kecamatan_id)
                    .prefetch_related("members__resident").order_by("kk_number")[:3])
    if len(families) < 2:
        return
    first, second = families[0], families[1]

    def issue(kind, payload, name, **kwargs):
        return services.issue_rendered(kind, payload | {"demo": True, "demo_file": name}, office=office, **kwargs)

    old_kk = issue("kk", payloads.kk(first), "kk-superseded.pdf", number=first.kk_number)
    issue("kk", payloads.kk(first, issued_on=today), "kk.pdf", supersedes=old_kk)
    children = sorted((m.resident for m in second.members.all()), key=lambda r: r.birth_date, reverse=True)
    youngest, eldest = children[0], children[-1]
    issue("akta_kelahiran", payloads.akta_kelahiran(youngest, {"birth_order": 1}, office), "akta-kelahiran.pdf")
    issue("kia", payloads.kia(youngest, second, office)[0], "kia.pdf")
    death = issue("akta_kematian", payloads.akta_kematian(eldest, {"death_place": "Palu"}, None, office, died_on=today),
                  "akta-kematian-revoked.pdf")
    issuing.revoke_document(death, reason="Demo: dicabut, data kematian keliru")


def _download_link(office, base: str):
    document = IssuedDocument.objects.filter(office=office, payload__demo_file="kk.pdf").first()
    if document is None:
        return None
    granted = downloads.grant_download(document, phone="081234567890", link_base=base + "/verifikasi/unduh/")
    return base + f"/verifikasi/unduh/{granted.key}/", granted.pin
