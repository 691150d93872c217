"""One civil application in a real browser, from the resident's phone (390x844) to the issued
PDF: the resident signs in to the portal, applies for an akta kelahiran with scans, the
verifier approves it at the office, and the QR code decoded from the issued PDF opens the
public verification page, which says the document is valid."""


import pytest

from adminduk.civil.models import Application
from tests.civil.conftest import birth_data, pdf_bytes, png_bytes
from tests.portal.conftest import code_for, family_with_phones, outbox  # noqa: F401  (fixtures)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_akta_kelahiran_from_the_phone_to_the_verified_pdf(browser, live_server, family_with_phones, make_resident, make_office, make_staff):  # noqa: F811
    from adminduk.documents import pdfcheck
    from adminduk.documents.verification import verify_token

    make_office("72.71.08")
    witnesses = [make_resident(full_name="SAKSI SATU", sex="L", birth_date="1975-01-01"), make_resident(full_name="SAKSI DUA", sex="L", birth_date="1976-02-02")]
    head = family_with_phones["head"]
    data = birth_data(family_with_phones, witnesses)
    phone = browser.new_context(locale="id-ID", base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto("/portal/")
    page.fill("input[name=nik]", head.nik)
    page.click("button[type=submit].button")
    page.fill("input[name=code]", code_for(head.phone))
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/portal/beranda/")
    page.click("#civil-link")
    page.click("a.kind-link[href$='jenis=akta_kelahiran']")
    for name in ("kk_number", "child_name", "birth_date", "birth_place", "mother_nik", "father_nik", "witness1_nik", "witness1_name", "witness2_nik", "witness2_name"):
        page.fill(f"[name={name}]", data[name])
    page.select_option("[name=child_sex]", "P")
    scans = {"birth_letter": ("lahir.pdf", "application/pdf", pdf_bytes()), "family_card": ("kk.png", "image/png", png_bytes()),
             "parents_ktp": ("ktp.png", "image/png", png_bytes()), "marriage": ("nikah.pdf", "application/pdf", pdf_bytes())}
    for code, (name, mime, content) in scans.items():
        page.set_input_files(f"#doc_{code}", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#status")
    assert page.inner_text("#status") == "diajukan, sedang diperiksa"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling on the phone
    application = Application.objects.get()
    assert application.channel == "portal" and application.missing == []

    verifier = make_staff("verifier", offices=("dinas",), password="kata-sandi-uji-2026")
    office = browser.new_context(locale="id-ID", base_url=live_server.url)
    office.set_default_timeout(15_000)
    desk = office.new_page()
    log_in(desk, verifier, "kata-sandi-uji-2026")
    desk.goto("/layanan-sipil/")
    desk.click(f"a[href='/layanan-sipil/{application.pk}/']")
    desk.click("#approve")
    desk.wait_for_selector("a.issued-pdf")
    hrefs = [desk.locator("a.issued-pdf").nth(i).get_attribute("href") for i in range(desk.locator("a.issued-pdf").count())]
    assert len(hrefs) == 2  # the akta kelahiran and the family's new KK
    response = office.request.get(hrefs[0])
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    token, _content = pdfcheck.read(response.body())  # the QR code, decoded from the rendered page
    application.refresh_from_db()
    akta = application.result["documents"][0]
    assert verify_token(token).status == "valid" and verify_token(token).document.number == akta["number"]

    page.goto(f"/verifikasi/{token}/")  # what scanning the QR code with the phone opens
    text = page.inner_text("main")
    assert akta["number"] in text and "PUTRI SANTOSO" in text.upper()
    page.goto(f"/portal/layanan/{application.pk}/")
    assert page.inner_text("#status") == "disetujui, dokumen diterbitkan"
    office.close()
    phone.close()
    assert not violations, violations
