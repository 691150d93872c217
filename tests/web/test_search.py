"""NIK search: each kind of invalid NIK says why, unknown and found NIKs, htmx fragments."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from adminduk.audit.models import AuditEntry
from adminduk.population import rules

pytestmark = pytest.mark.django_db

SEARCH = reverse("web:resident_search")
HTMX = {"HTTP_HX_REQUEST": "true"}

# One NIK for every way a NIK can be wrong (rules.parse_nik error codes).
INVALID_NIKS = {
    "length": "727108170890001",
    "non_digit": "72710817080A0001",
    "province_zero": "0071081708900001",
    "province_unknown": "9971081708900001",
    "day_zero": "7271084008900001",
    "day_range": "7271083508900001",
    "month": "7271081713900001",
    "impossible_date": "7271083102900001",
    "serial_zero": "7271081708900000",
}


def rule_message(nik: str, language: str) -> str:
    with translation.override(language):
        with pytest.raises(rules.NumberError) as error:
            rules.parse_nik(nik)
    return error.value.message


@pytest.mark.parametrize(("code", "nik"), INVALID_NIKS.items())
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_invalid_nik_shows_the_rule_message(operator_client, code, nik, headers):
    with pytest.raises(rules.NumberError) as error:
        rules.parse_nik(nik)
    assert error.value.code == code  # the sample NIK really exercises this rule
    response = operator_client.get(SEARCH, {"nik": nik}, HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 200
    assert escape(rule_message(nik, "en")) in response.content.decode()
    assert 'class="alert alert-error"' in response.content.decode()


def test_invalid_nik_message_is_translated(operator_client):
    response = operator_client.get(SEARCH, {"nik": INVALID_NIKS["length"]})  # default language: Indonesian
    indonesian = rule_message(INVALID_NIKS["length"], "id")
    assert indonesian != rule_message(INVALID_NIKS["length"], "en")
    assert escape(indonesian) in response.content.decode()


def test_exact_length_message(operator_client):
    response = operator_client.get(SEARCH, {"nik": "727108170890001"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "NIK must have exactly 16 digits; got 15." in response.content.decode()


def test_valid_unknown_nik_is_reported_not_found(operator_client, palu_regions):
    response = operator_client.get(SEARCH, {"nik": "7271081708900001"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "NIK 7271081708900001 is valid but no resident with it is registered in your area." in response.content.decode()
    entry = AuditEntry.objects.get(action="search")
    assert entry.object_id == "7271081708900001" and entry.details == {"found": False}


def test_found_resident_shows_a_card_linking_to_the_details(operator_client, sample_family):
    head, family = sample_family["head"], sample_family["family"]
    response = operator_client.get(SEARCH, {"nik": head.nik}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert head.full_name in body
    assert reverse("web:resident_detail", args=[head.nik]) in body
    assert reverse("web:family_detail", args=[family.kk_number]) in body
    assert "Mantikulore" in body and "Tanamodindi" in body
    entry = AuditEntry.objects.get(action="search")
    assert (entry.object_id, entry.kecamatan_code, entry.actor) == (head.nik, "72.71.08", operator_client.user)


def test_htmx_gets_a_fragment_and_a_plain_request_the_whole_page(operator_client, sample_family):
    nik = sample_family["head"].nik
    fragment = operator_client.get(SEARCH, {"nik": nik}, **HTMX)
    page = operator_client.get(SEARCH, {"nik": nik})
    assert "<html" not in fragment.content.decode() and 'class="card result-card"' in fragment.content.decode()
    assert "<html" in page.content.decode() and 'class="card result-card"' in page.content.decode()
    assert f'value="{nik}"' in page.content.decode()  # the form keeps what was searched
    for response in (fragment, page):
        assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(operator_client, sample_family):
    response = operator_client.get(
        SEARCH, {"nik": sample_family["head"].nik}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.content.decode()


def test_empty_search_shows_the_form_without_a_message(operator_client):
    response = operator_client.get(SEARCH)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="nik"' in body and "alert" not in body
    assert not AuditEntry.objects.filter(action="search").exists()


def test_home_search_form_works_with_and_without_javascript(operator_client, palu_regions):
    body = operator_client.get(reverse("web:home")).content.decode()
    assert f'action="{SEARCH}"' in body and 'method="get"' in body  # plain form
    assert f'hx-get="{SEARCH}"' in body and 'hx-target="#search-result"' in body
    assert 'id="search-result"' in body
    assert "X-CSRFToken" in body  # hx-headers on <body>
