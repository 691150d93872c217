"""Indonesian everywhere in the Indonesian UI.

Every operator page (and the Django admin's index, changelists and change pages) is rendered in
Indonesian, the default, for a user who may open it, over seeded data: a family, a recording
with its timeline, an open recording session, an adjudication case, audit entries, sync state.
No msgid of adminduk's catalogue whose Indonesian translation differs from it may appear as
visible text (text, titles, placeholders, labels, button values). Every model has a translated
verbose_name and verbose_name_plural, and every field a translated verbose_name.

The checker is proven able to fail: the same pages asked for in English are full of hits."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

import adminduk
from tests.conftest import login_verified

pytestmark = pytest.mark.django_db

CATALOGUE = Path(adminduk.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.mo"
# Too short or too common to tell English from Indonesian on their own; longer texts that
# contain them are still checked.
MIN_LENGTH = 3


def translated_msgids() -> dict[str, str]:
    """msgid → Indonesian, for every entry whose Indonesian differs from the English source."""
    with CATALOGUE.open("rb") as stream:
        catalog = gettext.GNUTranslations(stream)._catalog  # noqa: SLF001 - the parsed .mo
    found = {}
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not value or len(msgid) < MIN_LENGTH:
            continue
        if value.strip().lower() != msgid.strip().lower():
            found[msgid] = value
    return found


class VisibleText(HTMLParser):
    """Text nodes plus the attributes a user reads (title, placeholder, aria-label, alt, button
    values); not scripts, styles or hidden inputs."""

    # Not alt: Django's admin hard-codes alt="Search" on its search icon (an upstream string
    # shown only when the image fails to load).
    ATTRIBUTES = {"title", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._skip += 1
        if attrs.get("lang") not in (None, "id"):
            return  # the language switch names each language in that language ("English")
        for name in self.ATTRIBUTES & attrs.keys():
            self.chunks.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def visible_chunks(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


def _pattern(msgid: str) -> re.Pattern:
    """A msgid as a case-insensitive pattern; %(name)s / %s / {name} placeholders match anything."""
    parts = re.split(r"%\([^)]*\)[sdrf]|%[sdrf]|\{[a-z_]*\}", " ".join(msgid.split()))
    body = ".+?".join(re.escape(p) for p in parts)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


class Checker:
    def __init__(self):
        self.msgids = translated_msgids()
        self.patterns = {m: _pattern(m) for m in self.msgids}

    def untranslated(self, html: str) -> set[str]:
        hits = set()
        for chunk in visible_chunks(html):
            bare = chunk.strip(" :*·").lower()
            for msgid, pattern in self.patterns.items():
                if bare == " ".join(msgid.split()).lower().strip(" :*·"):
                    hits.add(msgid)
                elif len(msgid.split()) >= 3 and pattern.search(chunk):
                    hits.add(msgid)
        return hits


@pytest.fixture(scope="module")
def checker():
    return Checker()


# --- seeded data ------------------------------------------------------------------------------


@pytest.fixture
def seeded(settings, tmp_path, sample_family, make_office, make_staff, django_user_model):
    """A family, a finished recording, an open session, an adjudication case, audit entries."""
    from adminduk.biometrics.gallery import reset_matcher
    from adminduk.enrollment import recording
    from adminduk.enrollment.slots import SLOTS
    from adminduk.processing.models import Adjudication
    from tests.processing.helpers import make_station
    from tests.processing.helpers import record as record_packet

    settings.DATA_DIR = tmp_path
    reset_matcher()
    mantikulore, palu_barat = make_office("72.71.08"), make_office("72.71.02")
    make_office("dinas")
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), username="op.uji")
    head, wife = sample_family["head"], sample_family["wife"]
    # A finished recording (timeline) and one left open on the station page.
    session = recording.start_session(head.nik, user=operator)
    recording.confirm_demographics(session, {}, actor=operator)
    for slot in SLOTS:
        recording.capture(session, slot.name, actor=operator)
    recording.submit(session, actor=operator)
    open_session = recording.start_session(wife.nik, user=operator)
    # The same person under two NIKs: an adjudication case.
    from adminduk.accounts.models import Station

    station_a = Station.objects.filter(office=mantikulore).first() or make_station(mantikulore)
    station_b = make_station(palu_barat)
    record_packet(station_a, "person-a", seed=1)
    record_packet(station_b, "person-a", seed=2, nik="7271025705900003", office="palu-palu-barat", kecamatan_code="72.71.02")
    from adminduk.reports import summary

    summary.rebuild()  # the dashboard shows figures, not only "not built yet"
    admin_user = make_staff("dinas_admin", username="admin.uji")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    # A resident's objection to a read and a correction request (privacy), and a withholding.
    import datetime as dt

    from django.utils import timezone

    from adminduk.audit.actions import record as audit_record
    from adminduk.messaging import consent
    from adminduk.privacy import actions as privacy
    from tests.civil.conftest import png_bytes

    read = audit_record(None, "view", actor=operator, object_type="resident", object_id=head.nik, kecamatan_code="72.71.08", purpose="recording")
    objection = privacy.object_to(head, entry_id=read.pk, reason="Saya tidak mengenali akses ini.")
    correction = privacy.request_correction(head, field="full_name", requested_value="BUDI SANTOSO PUTRA", explanation="", evidence=png_bytes(), evidence_name="akta.png")
    privacy.withhold(category="court_order", covers_from=timezone.now() - dt.timedelta(days=1), until=timezone.now() + dt.timedelta(days=3),
                     legal_basis="PN Palu 1/2026", actor=admin_user)
    consent.give(head, via="counter")
    yield {
        "objection": objection,
        "correction": correction,
        "operator": operator,
        "admin": admin_user,
        "supervisor": make_staff("supervisor", username="spv.uji"),
        "head": head,
        "family": sample_family["family"],
        "session": open_session,
        "case": Adjudication.objects.first(),
    }
    reset_matcher()


def operator_pages(data) -> list[tuple[str, str]]:
    """(user key, url) for every operator page, each opened by a user who may open it."""
    head, family = data["head"], data["family"]
    pages = [
        ("operator", reverse("web:home")),
        ("operator", reverse("web:resident_search") + f"?nik={head.nik}"),
        ("operator", reverse("web:resident_search") + "?nik=1234"),
        ("operator", reverse("web:resident_detail", args=[head.nik])),
        ("operator", reverse("web:family_detail", args=[family.kk_number])),
        ("admin", reverse("web:resident_edit", args=[head.nik])),
        ("admin", reverse("web:resident_export")),
        ("supervisor", reverse("audit:log")),
        ("operator", reverse("enrollment:station")),
        ("operator", reverse("enrollment:session", args=[data["session"].pk])),
        ("supervisor", reverse("processing:case_list")),
        ("supervisor", reverse("sync:central_overview")),
        ("supervisor", reverse("planning:planner")),
        ("supervisor", reverse("reports:dashboard")),
        ("supervisor", reverse("reports:dashboard") + "?dari=kemarin"),  # 400 with the reason
        ("operator", "/halaman-yang-tidak-ada/"),
        ("operator", reverse("web:resident_export")),  # 403 for an operator
        ("supervisor", reverse("privacy:cases")),
        ("supervisor", reverse("privacy:objection", args=[data["objection"].pk])),
        ("supervisor", reverse("privacy:correction", args=[data["correction"].pk])),
        ("admin", reverse("privacy:withholdings")),
    ]
    if data["case"] is not None:
        pages.append(("supervisor", reverse("processing:case_detail", args=[data["case"].pk])))
    return pages


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:  # noqa: SLF001 - every registered model
        if not model.__module__.startswith("adminduk."):
            continue  # third-party admins (django-otp, django-axes, auth groups) bring their own strings
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return pages


def render_all(client_factory, data, *, language: str | None = None) -> dict[str, str]:
    pages = {}
    for who, url in operator_pages(data):
        client = client_factory(data[who], language)
        pages[url] = client.get(url).content.decode()
    client = client_factory(None, language)
    pages["/login/"] = client.get(reverse("web:login")).content.decode()
    client = client_factory(data["admin"], language)
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


@pytest.fixture
def client_factory():
    from django.test import Client

    def make(user, language):
        client = Client()
        if language:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        if user is not None:
            login_verified(client, user)
        return client

    return make


def test_no_untranslated_catalogue_string_on_any_page_in_indonesian(seeded, client_factory, checker):
    pages = render_all(client_factory, seeded)
    found = {url: sorted(hits) for url, html in pages.items() if (hits := checker.untranslated(html))}
    assert found == {}, "English on Indonesian pages:\n" + "\n".join(f"{url}: {hits}" for url, hits in found.items())


def test_control_the_checker_finds_english_on_the_same_pages_in_english(seeded, client_factory, checker):
    pages = render_all(client_factory, seeded, language="en")
    hits = set().union(*(checker.untranslated(html) for html in pages.values()))
    assert {"Back to the home page", "Search residents", "Log out"} <= hits
    assert len(hits) > 50


def test_control_a_single_english_sentence_is_caught(checker):
    assert checker.untranslated("<p>Kembali ke <b>beranda</b></p><button title='Log out'>x</button>") == {"Log out"}
    assert checker.untranslated("<p>Then: back to the home page, please.</p>") == {"Back to the home page"}
    assert checker.untranslated("<p>Kembali ke beranda</p><script>var t = 'Log out';</script>") == set()


def test_every_model_and_field_has_a_translated_name():
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("adminduk."):
            continue
        meta = model._meta
        for attr in ("verbose_name", "verbose_name_plural"):
            if attr not in meta.original_attrs or not isinstance(getattr(meta, attr), Promise):
                missing.append(f"{meta.label}.Meta.{attr}")
        for field in meta.local_fields + list(meta.local_many_to_many):
            # A primary key named id reads "ID" in both languages.
            if field.name != "id" and not isinstance(field.verbose_name, Promise):
                missing.append(f"{meta.label}.{field.name}")
    assert missing == []
    with translation.override("id"):
        from adminduk.processing.models import RequestDemographics

        assert "demographicss" not in str(RequestDemographics._meta.verbose_name_plural)
