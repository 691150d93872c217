"""The privacy side of the demo: the demo residents' data trackers hold reads by the demo's own
staff (with office, role and purpose), one of them withheld as a police investigation, the
first resident consents to reminders, and the supervisor finds an objection and a correction
request waiting. The Dinas' policy asks verifiers for a purpose before they search."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from adminduk.accounts.models import User
from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry
from adminduk.messaging import consent
from adminduk.portal.demo import demo_residents

from . import actions
from .models import CorrectionRequest, Objection, PrivacyPolicy, Withholding

READS = [
    # (username, object, purpose)
    ("op.mantikulore", "resident", "recording"),
    ("spv.mantikulore", "family", "complaint"),
    ("verifier", "resident", "application"),
    ("printer", "resident", "pickup"),
]


def _scan() -> tuple[bytes, str]:
    from adminduk.civil.demo import scan

    return scan("Akta kelahiran (contoh)"), "akta.png"


@transaction.atomic
def seed_privacy() -> None:
    PrivacyPolicy.objects.get_or_create(pk=1, defaults={"purpose_required_roles": ["verifier"]})
    residents = demo_residents()
    if not residents or AuditEntry.objects.filter(subject_nik=residents[0].nik, actor_role__in=["kecamatan_operator", "supervisor"]).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in READS] + ["supervisor", "admin"])}
    for resident in residents:
        membership = resident.current_membership
        kecamatan = resident.kelurahan_id[:8]
        for username, kind, purpose in READS:
            if kind == "family" and membership is None:
                continue
            object_id = membership.family.kk_number if kind == "family" else resident.nik
            record(None, "view", actor=users[username], object_type=kind, object_id=object_id, kecamatan_code=kecamatan, purpose=purpose,
                   details={"demo": True})
    first = residents[0]
    # A police investigation read, withheld from the tracker for 60 days (a Dinas decision).
    record(None, "view", actor=users["supervisor"], object_type="resident", object_id=first.nik, kecamatan_code=first.kelurahan_id[:8],
           purpose="police_investigation", details={"demo": True})
    now = timezone.now()
    if not Withholding.objects.exists():
        actions.withhold(category="police_investigation", subject_nik=first.nik, covers_from=now - dt.timedelta(days=1),
                         until=now + dt.timedelta(days=60), legal_basis="Surat Polresta Palu B/0123/XII/2026 (contoh demo)", actor=users["admin"])
    consent.give(first, via="counter", actor=users["op.mantikulore"])
    if len(residents) > 1 and not Objection.objects.exists():
        second = residents[1]
        read = AuditEntry.objects.filter(subject_nik=second.nik, actor=users["printer"]).first()
        if read is not None:
            actions.object_to(second, entry_id=read.pk, reason="Saya belum pernah mengambil kartu; siapa yang membuka data saya?")
    if len(residents) > 2 and not CorrectionRequest.objects.exists():
        content, name = _scan()
        actions.request_correction(residents[2], field="full_name", requested_value=residents[2].full_name + " PUTRA",
                                   explanation="Nama di akta kelahiran lebih panjang (contoh demo).", evidence=content, evidence_name=name)


def demo_lines() -> list[str]:
    residents = demo_residents()
    lines = ["  Data protection (UU PDP): residents see who read their data at /portal/privasi/ (sign in as above);"]
    lines.append("    supervisor handles objections and corrections at /privasi/, admin sets withholdings at /privasi/penahanan/")
    if residents:
        lines.append(f"    {residents[0].nik} has a withheld police read and consented to reminders; verifiers must state a purpose to search")
    return lines + [""]
