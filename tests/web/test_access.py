"""Who may open the operator pages: deny by default, second factor, role and jurisdiction."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from adminduk.accounts.access import ACCESS_ATTRIBUTE
from adminduk.audit.models import AuditEntry

from .conftest import PALU_TIMUR

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "logout"}
SAMPLE_ARGS = {"nik": "7271081708900001", "kk_number": "7271080102100001"}


def web_patterns() -> list[URLPattern]:
    for resolver in get_resolver().url_patterns:
        if getattr(resolver, "namespace", None) == "web":
            return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("the web URLconf is not included")


def web_urls() -> list[tuple[str, str]]:
    urls = []
    for pattern in web_patterns():
        if pattern.name in PUBLIC:
            continue
        kwargs = {name: SAMPLE_ARGS[name] for name in pattern.pattern.converters}
        urls.append((pattern.name, reverse(f"web:{pattern.name}", kwargs=kwargs)))
    return urls


def test_every_web_view_declares_who_may_use_it():
    undeclared = [p.name for p in web_patterns() if not getattr(p.callback, ACCESS_ATTRIBUTE, None)]
    assert undeclared == []


@pytest.mark.parametrize(("name", "url"), web_urls())
def test_anonymous_is_sent_to_login(client, name, url):
    response = client.get(url)
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_login_page_is_public_and_uses_our_layout(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="otp_token"' in body
    assert "web/adminduk.css" in body and "django_htmx/htmx-2.min.js" in body


def test_password_only_session_is_refused(client, make_staff, sample_family):
    client.force_login(make_staff("kecamatan_operator", offices=("72.71.08",)))  # never passed the second factor
    assert client.get(reverse("web:resident_detail", args=[sample_family["head"].nik])).status_code == 403


def test_resident_account_is_refused(client, sample_family, django_user_model):
    from tests.conftest import login_verified

    user = django_user_model.objects.create_user("warga", password="kata-sandi-uji-2026", role="resident")
    login_verified(client, user)
    assert client.get(reverse("web:home")).status_code == 403
    assert client.get(reverse("web:resident_search"), {"nik": sample_family["head"].nik}).status_code == 403


def test_role_without_registry_access_sees_no_search_or_figures(staff_client, sample_family):
    client = staff_client("print_operator", offices=("72.71.08",))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert 'name="nik"' not in response.content.decode()
    assert client.get(reverse("web:resident_search"), {"nik": sample_family["head"].nik}).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=client.user).exists()


def test_records_outside_the_jurisdiction_look_unknown(staff_client, sample_family):
    client = staff_client("kecamatan_operator", offices=(PALU_TIMUR,))
    head = sample_family["head"]
    search = client.get(reverse("web:resident_search"), {"nik": head.nik})
    assert search.status_code == 200
    assert head.full_name not in search.content.decode()
    assert client.get(reverse("web:resident_detail", args=[head.nik])).status_code == 404
    assert client.get(reverse("web:family_detail", args=[sample_family["family"].kk_number])).status_code == 404


def test_dinas_staff_see_the_whole_kota(staff_client, sample_family):
    client = staff_client("dinas_admin", offices=("dinas",))
    response = client.get(reverse("web:resident_detail", args=[sample_family["head"].nik]))
    assert response.status_code == 200


def test_logout_is_a_post_and_ends_the_session(operator_client):
    assert operator_client.get(reverse("web:home")).status_code == 200
    response = operator_client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert operator_client.get(reverse("web:home")).status_code == 302
