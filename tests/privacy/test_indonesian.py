"""The privacy pages in Indonesian by default (portal and staff), with the operator pages'
checker; the control: the same pages in English are caught. Plus the page that asks for a
purpose before a record opens."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.privacy.models import PrivacyPolicy
from tests.conftest import login_verified
from tests.portal.conftest import code_for
from tests.web.test_indonesian_everywhere import Checker

pytestmark = pytest.mark.django_db


def privacy_pages(family, operator, language=None) -> dict[str, str]:
    head = family["head"]
    staff = Client()
    login_verified(staff, operator)
    staff.get(reverse("web:resident_detail", args=[head.nik]) + "?tujuan=recording")
    entry = AuditEntry.objects.filter(subject_nik=head.nik, actor=operator).first()
    client = Client()
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        staff.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.post("/portal/", {"nik": head.nik})
    client.post("/portal/kode/", {"nik": head.nik, "code": code_for(head.phone)})
    pages = {
        "tracker": client.get(reverse("privacy_portal:tracker")).content.decode(),
        "object": client.get(reverse("privacy_portal:object", args=[entry.pk])).content.decode(),
        "object refused": client.post(reverse("privacy_portal:object", args=[entry.pk]), {"reason": ""}).content.decode(),
        "correction": client.get(reverse("privacy_portal:correction")).content.decode(),
    }
    upload = io.BytesIO(b"not a document")
    upload.name = "x.txt"
    pages["correction refused"] = client.post(reverse("privacy_portal:correction"), {"field": "full_name", "requested_value": "X", "evidence": upload}).content.decode()
    client.post(reverse("privacy_portal:object", args=[entry.pk]), {"reason": "Tidak kenal"})
    pages["rights"] = client.get(reverse("privacy_portal:rights")).content.decode()
    pages["tracker after"] = client.get(reverse("privacy_portal:tracker")).content.decode()
    PrivacyPolicy.objects.update_or_create(pk=1, defaults={"purpose_required_roles": ["kecamatan_operator"]})
    pages["ask purpose"] = staff.get(reverse("web:resident_detail", args=[head.nik])).content.decode()
    pages["search refused"] = staff.get(reverse("web:resident_search"), {"nik": head.nik}).content.decode()
    return pages


def test_privacy_pages_in_indonesian(family_with_phones, operator):
    checker = Checker()
    pages = privacy_pages(family_with_phones, operator)
    found = {name: sorted(hits) for name, html in pages.items() if (hits := checker.untranslated(html))}
    assert found == {}
    assert "Siapa yang melihat data saya" in pages["tracker"] and "Tujuan akses ini" in pages["ask purpose"]


def test_control_the_same_pages_in_english_are_caught(family_with_phones, operator):
    checker = Checker()
    pages = privacy_pages(family_with_phones, operator, language="en")
    assert all(checker.untranslated(html) for name, html in pages.items()), [n for n, h in pages.items() if not checker.untranslated(h)]
