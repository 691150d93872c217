"""Each role against each sensitive action: allowed ones succeed, the others are refused with
403 and leak nothing (not in pages, counts, search results, the API or exports). Kecamatan
staff are also tried against a resident of another kecamatan."""

import pytest
from django.urls import reverse

from adminduk.accounts import scoping
from adminduk.accounts.permissions import Permission
from adminduk.audit.models import AuditEntry
from adminduk.enrollment.models import RecordingSession
from adminduk.population.models import Resident, ResidentEvent

from ..conftest import login_verified

pytestmark = pytest.mark.django_db

MANTIKULORE, PALU_TIMUR = "72.71.08", "72.71.01"

# role, offices, certificates -> actions allowed on a Mantikulore resident.
ROLES = {
    "dinas_admin": (("dinas",), (), {"view", "search", "edit", "export", "read_audit"}),
    "supervisor": (("dinas",), (), {"view", "search", "edit", "approve", "export", "read_audit"}),
    "kecamatan_supervisor": (((MANTIKULORE,), (), {"view", "search", "edit", "approve", "export", "read_audit"})),
    "kecamatan_operator": ((MANTIKULORE,), ("recording",), {"view", "search", "edit", "record"}),
    "operator_elsewhere": ((PALU_TIMUR,), ("recording",), set()),  # same role, other kecamatan
    "print_operator": (("dinas",), ("printing",), {"print"}),
    "verifier": (("dinas",), (), {"view", "search", "approve"}),
    "resident": ((), (), set()),
}
ROLE_OF = {"kecamatan_supervisor": "supervisor", "operator_elsewhere": "kecamatan_operator"}
ACTIONS = ["view", "search", "edit", "record", "print", "approve", "export", "read_audit"]
PERMISSION_OF = {
    "view": Permission.VIEW_RESIDENT, "search": Permission.SEARCH_RESIDENT, "edit": Permission.EDIT_RESIDENT,
    "record": Permission.RECORD, "print": Permission.PRINT, "approve": Permission.APPROVE,
    "export": Permission.EXPORT, "read_audit": Permission.READ_AUDIT,
}  # fmt: skip


@pytest.fixture
def actor(request, client, make_staff, django_user_model, sample_family):
    name = request.param
    offices, certified, allowed = ROLES[name]
    role = ROLE_OF.get(name, name)
    if role == "resident":
        user = django_user_model.objects.create_user("warga", password="kata-sandi-uji-2026", role="resident")
    else:
        user = make_staff(role, offices=offices, certified=certified, username=name)
    login_verified(client, user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client, user, allowed, sample_family["head"]


def attempt(client, action: str, resident: Resident):
    """Do `action` on `resident` over HTTP; None where the action has no page yet (its rule is
    checked through scoping.authorize below)."""
    nik = resident.nik
    if action == "view":
        return client.get(reverse("web:resident_detail", args=[nik]))
    if action == "search":
        return client.get(reverse("web:resident_search"), {"nik": nik})
    if action == "edit":
        form = {f: getattr(resident, f) for f in ["full_name", "birth_place", "sex", "blood_type", "religion", "marital_status", "occupation", "education", "citizenship", "father_name", "mother_name", "rw", "rt", "address"]}
        form |= {"birth_date": resident.birth_date.isoformat(), "marriage_date": resident.marriage_date.isoformat() if resident.marriage_date else "", "kelurahan": resident.kelurahan_id, "occupation": "wiraswasta", "reason": "Pembaruan pekerjaan"}
        return client.post(reverse("web:resident_edit", args=[nik]), form)
    if action == "export":
        return client.get(reverse("web:resident_export"), {"kelurahan": resident.kelurahan_id})
    if action == "read_audit":
        return client.get(reverse("audit:log"))
    if action == "record":
        return client.post(reverse("enrollment:call"), {"nik": nik})
    if action == "approve":
        return client.get(reverse("processing:case_list"))
    return None  # printing has no page yet: its rule is checked through scoping.authorize


@pytest.mark.parametrize("actor", list(ROLES), indirect=True)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_against_action(actor, action):
    client, user, allowed, resident = actor
    expected = action in allowed
    decision = scoping.authorize(user, PERMISSION_OF[action], kecamatan_code=resident.kelurahan.kecamatan_id)
    assert bool(decision) == expected, decision.reason
    response = attempt(client, action, resident)
    if response is None:
        return
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    if expected:
        assert response.status_code in (200, 302), (action, response.status_code)
        if action in ("view", "search", "export"):
            assert resident.nik in body
        if action == "edit":
            assert Resident.objects.get(pk=resident.pk).occupation == "wiraswasta"
        if action == "record":
            assert RecordingSession.objects.filter(nik=resident.nik, operator=user).exists()
    else:
        # Role refused: 403. Same role outside the jurisdiction: answered as for an unknown
        # record (404, "not found" or an invalid kelurahan choice). Never the resident's data.
        assert response.status_code in (403, 404, 400, 200), (action, response.status_code)
        if response.status_code == 200:  # the NIK is answered as unknown, within the page
            assert (action, user.role) in {("search", "kecamatan_operator"), ("record", "kecamatan_operator")}
            assert "not found" in body.lower() or "no resident with nik" in body.lower(), body[-2000:]
        # (The NIK the user typed may be echoed back; the resident's data may not.)
        for secret in (resident.full_name, resident.mother_name, resident.address, resident.birth_date.strftime("%d-%m-%Y")):
            assert secret not in body, (action, secret)
        assert Resident.objects.get(pk=resident.pk).occupation == resident.occupation
        assert not ResidentEvent.objects.filter(resident=resident, kind="corrected").exists()
        assert not RecordingSession.objects.filter(nik=resident.nik).exists()


@pytest.mark.parametrize("actor", ["operator_elsewhere", "print_operator", "resident"], indirect=True)
def test_refused_users_see_nothing_through_the_api_and_home_counts(actor):
    client, user, _allowed, resident = actor
    api = client.get(f"/api/residents/{resident.nik}")
    assert api.status_code == 403 and resident.full_name not in api.content.decode()
    home = client.get(reverse("web:home"))
    if home.status_code == 200:  # staff: the figures count only their own jurisdiction
        assert "Living residents" not in home.content.decode() or home.context["figures"].residents_alive == 0


def test_role_refusal_is_audited(client, make_staff, sample_family):
    user = make_staff("print_operator", offices=("dinas",), certified=("printing",))
    login_verified(client, user)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("web:resident_export"), {"kelurahan": sample_family["head"].kelurahan_id}).status_code == 403
    assert AuditEntry.objects.filter(actor=user, action="denied").count() == 2
