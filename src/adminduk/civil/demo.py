"""Demo applications at Kantor Camat Mantikulore (the demo node's office), in different states:
an akta kelahiran past the service standard waiting for a decision, an akta kematian approved
(its akta and the family's new KK issued), a KIA from the resident portal waiting for the
child's photo, and a KK correction rejected with a reason. Scans are synthetic images."""

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from adminduk.accounts.models import User
from adminduk.offices.models import Office
from adminduk.population import rules as population_rules
from adminduk.population.models import Family, FamilyMember

from . import actions
from .choices import Channel, Kind, Requirement
from .forms import FORMS, jsonable
from .models import Application

OFFICE = "palu-mantikulore"
KECAMATAN = "72.71.08"


def scan(title: str) -> bytes:
    """A synthetic 'scan': a pale page with the document's title (never a real document)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (620, 877), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 590, 847), outline=(60, 60, 60), width=3)
    draw.text((60, 80), title.upper(), fill=(20, 20, 20))
    draw.text((60, 120), "CONTOH DEMO - DATA SINTETIS", fill=(160, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _submit(kind, data, *, office, channel, actor, skip=(), hours_ago=0):
    form = FORMS[kind](data={k: v for k, v in data.items() if v != ""})
    if not form.is_valid():
        raise ValueError(f"demo {kind} application: {form.errors.as_text()}")
    application = actions.submit(kind, jsonable(form.cleaned_data), office=office, channel=channel, actor=actor,
                                 submitted_at=timezone.now() - dt.timedelta(hours=hours_ago) if hours_ago else None)
    for requirement in actions.missing_documents(application):
        if requirement not in skip:
            actions.add_document(application, requirement, scan(str(Requirement(requirement).label)), f"{requirement}.png", actor=actor)
    application.refresh_from_db()
    return application


def _families():
    return Family.objects.filter(status=Family.Status.ACTIVE, kelurahan__kecamatan_id=KECAMATAN).order_by("kk_number")


def _couple_family(exclude=()):
    today = timezone.localdate()
    for family in _families().exclude(pk__in=exclude)[:400]:
        members = {m.relationship: m.resident for m in family.members.select_related("resident")}
        head, wife = members.get(1), members.get(3)
        if head and wife and head.sex == "L" and population_rules.age_on(wife.birth_date, today) < 42:
            return family, head, wife
    return None, None, None


def _elder(exclude=()):
    today = timezone.localdate()
    for member in FamilyMember.objects.filter(family__in=_families().exclude(pk__in=exclude), relationship__in=[1, 2, 3]).select_related("resident", "family")[:2000]:
        if population_rules.age_on(member.resident.birth_date, today) >= 70 and member.family.members.count() > 1:
            return member
    return None


@transaction.atomic
def seed_civil() -> list[Application]:
    """Idempotent: nothing is added once the office has applications."""
    office = Office.objects.filter(code=OFFICE).first()
    if office is None or Application.objects.filter(office=office).exists():
        return []
    operator = User.objects.filter(username="op.mantikulore").first()
    verifier = User.objects.filter(username="verifier").first()
    made, used = [], []
    today = timezone.localdate()
    family, head, wife = _couple_family()
    if family is not None:
        used.append(family.pk)
        # Two adults of the kecamatan from other KKs (a tiny demo may have fewer).
        witnesses = list(
            FamilyMember.objects.filter(family__in=_families().exclude(pk=family.pk), resident__life_status="hidup",
                                        resident__birth_date__lte=today - dt.timedelta(days=366 * 25))
            .select_related("resident").order_by("family__kk_number", "resident__nik")[:2]
        )
        witnesses = [m.resident for m in witnesses]
        if len(witnesses) == 2:
            made.append(_submit(Kind.AKTA_KELAHIRAN, {
                "applicant_nik": head.nik, "kk_number": family.kk_number, "child_name": "BAYI DEMO", "child_sex": "P",
                "birth_date": (today - dt.timedelta(days=6)).isoformat(), "birth_time": "07:30", "birth_place": "PALU", "relationship": "4",
                "mother_nik": wife.nik, "father_nik": head.nik, "marriage_date": "", "witness1_nik": witnesses[0].nik,
                "witness1_name": witnesses[0].full_name, "witness2_nik": witnesses[1].nik, "witness2_name": witnesses[1].full_name,
            }, office=office, channel=Channel.COUNTER, actor=operator, hours_ago=30))
    elder = _elder(exclude=used)
    if elder is not None and verifier is not None:
        used.append(elder.family_id)
        reporter = next(m.resident for m in elder.family.members.select_related("resident") if m.resident_id != elder.resident_id)
        application = _submit(Kind.AKTA_KEMATIAN, {
            "applicant_nik": reporter.nik, "deceased_nik": elder.resident.nik, "died_on": (today - dt.timedelta(days=4)).isoformat(),
            "death_place": "RSUD UNDATA PALU", "cause": "sakit", "reporter_relationship": "keluarga",
        }, office=office, channel=Channel.COUNTER, actor=operator)
        made.append(actions.approve(application, actor=verifier))
    kia = _portal_kia(office, verifier, exclude=used)
    if kia is not None:
        made.append(kia)
    correct_family = _families().exclude(pk__in=used).first()
    if correct_family is not None and verifier is not None:
        member = correct_family.members.select_related("resident").first().resident
        application = _submit(Kind.KK_CORRECT, {
            "applicant_nik": member.nik, "kk_number": correct_family.kk_number, "member_nik": member.nik, "field": "birth_place",
            "new_value": "DONGGALA", "reason": "tempat lahir salah tulis",
        }, office=office, channel=Channel.COUNTER, actor=operator)
        made.append(actions.reject(application, reason="Bukti (ijazah) tidak menunjukkan tempat lahir yang diminta.", actor=verifier))
    return made


def _portal_parent(exclude):
    """A parent in Mantikulore with a phone on file (so they can sign in to the portal) whose KK
    has a child of 5 to 17: the demo residents the portal prints first, else the first such."""
    from adminduk.population.models import Resident
    from adminduk.portal.demo import demo_residents

    today = timezone.localdate()
    candidates = list(demo_residents()) + list(
        Resident.objects.filter(life_status="hidup", kelurahan__kecamatan_id=KECAMATAN, memberships__relationship__in=[1, 2, 3],
                                memberships__family__status=Family.Status.ACTIVE).exclude(phone="").order_by("nik")[:300]
    )
    for resident in candidates:
        membership = resident.current_membership
        if membership is None or membership.family_id in exclude:
            continue
        for member in membership.family.members.select_related("resident"):
            child = member.resident
            band = population_rules.kia_eligibility(birth_date=child.birth_date, marital_status=child.marital_status, on=today, citizenship=child.citizenship)
            if band is not None and band.photo_required and child.life_status == "hidup":
                return resident, child
    return None, None


def _portal_kia(office, verifier, exclude):
    """A KIA asked from the portal by a parent for their child of 5 to 17, without the photo:
    the verifier asks for it, and the portal shows it as missing."""
    from adminduk.portal.accounts import resident_account

    resident, child = _portal_parent(exclude)
    if resident is None:
        return None
    application = _submit(Kind.KIA, {"applicant_nik": resident.nik, "child_nik": child.nik}, office=None, channel=Channel.PORTAL,
                          actor=resident_account(resident), skip={Requirement.CHILD_PHOTO})
    if verifier is not None:
        application = actions.request_documents(application, [Requirement.CHILD_PHOTO], note="Unggah pas foto anak berlatar merah.", actor=verifier)
    return application


def demo_lines() -> list[str]:
    """What the demo prints about civil applications: who to sign in as to see them."""
    kia = Application.objects.filter(kind=Kind.KIA, channel=Channel.PORTAL).order_by("submitted_at").first()
    lines = ["  Civil registration: log in as verifier (queue, decisions) or op.mantikulore (counter applications) at /layanan-sipil/"]
    if kia is not None:
        lines.append(f"    portal: sign in as {kia.applicant_nik} to see the KIA application that waits for the child's photo")
    return lines + [""]
