"""The data tracker on a phone (390×844), in Indonesian: a resident signs in, sees that the
kecamatan office read their record and why, objects to the read; the Dinas supervisor answers
on the staff pages in another browser; the resident sees the answer in the portal."""

import pytest

from adminduk.audit.models import AuditEntry
from adminduk.privacy.models import Objection
from tests.portal.conftest import family_with_phones, outbox  # noqa: F401 - fixtures

from .conftest import log_in
from .test_portal_browser import PHONE, no_sideways_page_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Petugas Mantikulore membuka data Anda untuk menyiapkan perekaman e-KTP."


def test_object_to_a_read_and_see_the_supervisors_answer(browser, live_server, page, family_with_phones, make_staff):  # noqa: F811
    head = family_with_phones["head"]
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.mantikulore.uji")
    supervisor = make_staff("supervisor", offices=("dinas",), username="spv.dinas.uji")

    # The operator opens the resident's record, stating the purpose (as the search form asks).
    staff = browser.new_context(locale="id-ID", base_url=live_server.url)
    staff_page = staff.new_page()
    log_in(staff_page, operator, "kata-sandi-uji-2026")
    staff_page.goto(f"/penduduk/{head.nik}/?tujuan=recording")
    assert head.full_name in staff_page.content()
    staff.close()

    # The resident on a phone: the tracker names the office, the role and the purpose.
    page.set_viewport_size(PHONE)
    sign_in(page, head)
    page.click("#tracker-link")
    page.wait_for_url("**/portal/privasi/")
    line = page.locator(".tracker-line").first
    text = line.inner_text()
    assert "Kantor Camat Mantikulore" in text and "operator kecamatan" in text and "Tujuan: Perekaman KTP-el" in text
    assert "op.mantikulore.uji" not in page.content()
    assert no_sideways_page_scroll(page)
    line.locator(".object-link").click()
    page.wait_for_url("**/portal/privasi/keberatan/**")
    page.fill("#id_reason", "Saya tidak pernah datang ke kantor kecamatan.")
    page.click("#send-objection")
    page.wait_for_url("**/portal/privasi/hak/")
    assert page.locator(".objection .badge", has_text="menunggu jawaban").is_visible()
    assert no_sideways_page_scroll(page)
    objection = Objection.objects.get()
    assert objection.entry == AuditEntry.objects.get(subject_nik=head.nik, actor=operator)

    # The Dinas supervisor answers on the staff pages.
    spv = browser.new_context(locale="id-ID", base_url=live_server.url)
    spv_page = spv.new_page()
    log_in(spv_page, supervisor, "kata-sandi-uji-2026")
    spv_page.goto("/privasi/")
    spv_page.click(f"a.objection-case:has-text('{head.nik}')")
    spv_page.wait_for_url("**/privasi/keberatan/**")
    assert "op.mantikulore.uji" in spv_page.content()
    spv_page.fill("#id_answer", ANSWER)
    spv_page.click("#send-answer")
    spv_page.wait_for_url("**/privasi/")
    spv.close()

    # The resident sees the answer, on the requests page and beside the read in the tracker.
    page.reload()
    assert ANSWER in page.locator(".objection").inner_text()
    page.goto("/portal/privasi/")
    assert ANSWER in page.locator(f".tracker-line[data-entry='{objection.entry_id}']").inner_text()
    # The supervisor's opening and answering of the case are reads and changes too, listed with their purpose.
    assert "Dinas Dukcapil Kota Palu · supervisor" in page.locator(".tracker-line").first.inner_text()
    assert no_sideways_page_scroll(page)
