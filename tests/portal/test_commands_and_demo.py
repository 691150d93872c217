"""The demo's resident accounts, `adminduk portal code NIK`, and no portal on a node."""

import io

import pytest
from django.core.management import CommandError, call_command

from adminduk.portal.demo import demo_lines, demo_residents
from tests.portal.conftest import code_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


def test_demo_residents_have_a_phone_and_a_resident_account(family_with_phones):
    from adminduk.accounts.models import User

    residents = demo_residents()
    assert residents and all(r.phone for r in residents)
    accounts = User.objects.filter(username__in=[f"warga-{r.nik}" for r in residents])
    assert accounts.count() == len(residents) and {a.role for a in accounts} == {"resident"}
    text = "\n".join(demo_lines("http://127.0.0.1:8000"))
    assert "http://127.0.0.1:8000/portal/" in text and residents[0].nik in text and "adminduk portal code NIK" in text


def test_portal_code_prints_the_newest_code(client, family_with_phones):
    head = family_with_phones["head"]
    client.post("/portal/", {"nik": head.nik})
    out = io.StringIO()
    call_command("portal", "code", head.nik, stdout=out)
    assert out.getvalue().split()[0] == code_for(head.phone)
    assert client.post("/portal/kode/", {"nik": head.nik, "code": out.getvalue().split()[0]}).status_code == 302


@pytest.mark.parametrize("nik, says", [("123", "16 digits"), ("7271080101900999", "no resident")])
def test_portal_code_refuses_bad_input_in_one_line(family_with_phones, nik, says):
    with pytest.raises(CommandError, match=says):
        call_command("portal", "code", nik)


def test_portal_code_needs_the_file_backend(family_with_phones, settings):
    settings.ADMINDUK_MESSAGING_BACKEND = "sms"
    with pytest.raises(CommandError, match="file messaging backend"):
        call_command("portal", "code", family_with_phones["head"].nik)


def test_a_node_serves_no_portal(client, settings, family_with_phones):
    settings.ROLE = "node"
    assert client.get("/portal/").status_code == 404
    assert client.post("/portal/", {"nik": family_with_phones["head"].nik}).status_code == 404
