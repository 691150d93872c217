"""A resident's own data, for the download right of UU PDP (art. 7): the registry record, every
KK they are on as the KK shows it, their history, requests, bookings, applications, documents
issued, cards, messages, consents, rights requests and the tracker's staff reads. Nothing about
anyone else: other KK members appear only with the columns a printed KK shows, and records that
name other people (an application's form, a document's printed data) appear as their metadata.
As JSON (`data_of`) and as a readable PDF (`pdf_of`, reportlab)."""

import datetime as dt
import io
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.population.models import Family, FamilyMember, Resident

from . import tracker
from .models import CorrectionRequest, Objection

FORMAT_VERSION = 1
# Columns never handed out: secrets, binary content, internal links.
NEVER = {"content", "evidence", "code_hash", "token_hash", "payload", "data", "password", "gateway_id", "actor_username"}
# What a printed KK shows of each member (DOMAIN.md, "Family card").
KK_MEMBER_FIELDS = [
    "full_name", "nik", "sex", "birth_place", "birth_date", "religion", "education", "occupation", "blood_type",
    "marital_status", "marriage_date", "divorce_date", "citizenship", "passport_number", "kitap_number", "father_name", "mother_name",
]  # fmt: skip


def _value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    return value


def row(obj, fields: list[str] | None = None) -> dict:
    """The object's own columns (foreign keys as their id), choice codes with their label."""
    out = {}
    for field in obj._meta.concrete_fields:
        if field.name in NEVER or (fields is not None and field.name not in fields):
            continue
        if isinstance(field, models.BinaryField):
            continue
        if field.is_relation and field.related_model is not None and field.related_model._meta.label == "accounts.User":
            continue  # which operator acted is not handed out (offices and roles are)
        value = _value(field.value_from_object(obj))
        name = field.attname if field.is_relation else field.name
        out[name] = value
        if field.choices and value not in (None, ""):
            out[f"{field.name}_label"] = str(dict(field.flatchoices).get(field.value_from_object(obj), value))
    return out


def _family(family: Family) -> dict:
    header = row(family, ["kk_number", "rw", "rt", "address", "postal_code", "issued_on", "status", "kelurahan"])
    header["kelurahan_name"] = family.kelurahan.name
    header["kecamatan_name"] = family.kelurahan.kecamatan.name
    members = []
    for member in FamilyMember.objects.filter(family=family).select_related("resident").order_by("relationship", "resident__birth_date"):
        shown = row(member.resident, KK_MEMBER_FIELDS)
        shown["relationship"] = member.relationship
        shown["relationship_label"] = member.get_relationship_display()
        members.append(shown)
    header["members"] = members
    return header


def data_of(resident: Resident, now: dt.datetime | None = None) -> dict:
    from adminduk.appointments.models import Booking
    from adminduk.civil.models import Application
    from adminduk.documents.models import IssuedDocument
    from adminduk.enrollment.models import KtpRequest, KtpRequestEvent
    from adminduk.messaging.models import Message, MessagingConsent
    from adminduk.printing.models import Card

    now = now or timezone.now()
    resident = Resident.objects.select_related("kelurahan__kecamatan__regency").get(pk=resident.pk)
    nik = resident.nik
    record = row(resident)
    record.update(kelurahan_name=resident.kelurahan.name, kecamatan_name=resident.kelurahan.kecamatan.name,
                  kabupaten_kota_name=resident.kelurahan.kecamatan.regency.name)
    families = Family.objects.filter(members__resident=resident).select_related("kelurahan__kecamatan").order_by("-issued_on")
    requests = list(KtpRequest.objects.filter(nik=nik).order_by("-created_at"))
    applications = Application.objects.filter(models.Q(applicant_nik=nik) | models.Q(subject_nik=nik)).order_by("-submitted_at")
    scope = tracker.Scope.of(resident, now)
    # Reads of the record and the KK, and reads that showed the resident among others (a name
    # search's results, a list): everything the tracker lists.
    staff = tracker.staff_entries(resident, scope=scope).select_related("office").order_by("-at", "-id")[:5000]
    return {
        "format": FORMAT_VERSION,
        "generated_at": now.isoformat(),
        "resident": record,
        "history": [row(e) for e in resident.events.order_by("recorded_at", "id")],
        "family_cards": [_family(f) for f in families],
        "ktp_requests": [
            {**row(r), "events": [row(e) for e in KtpRequestEvent.objects.filter(request=r).order_by("at", "id")]} for r in requests
        ],
        "bookings": [row(b) for b in Booking.objects.filter(nik=nik).order_by("-created_at")],
        "civil_applications": [
            {**row(a), "documents": [row(d) for d in a.documents.defer("content")]} for a in applications
        ],
        "documents_issued": [row(d) for d in IssuedDocument.objects.filter(nik=nik).order_by("-issued_at")],
        "cards": [row(c) for c in Card.objects.filter(nik=nik)],
        "messages": [row(m) for m in Message.objects.filter(resident=resident).order_by("-created_at")],
        "messaging_consents": [row(c) for c in MessagingConsent.objects.filter(resident=resident)],
        "correction_requests": [row(c) for c in CorrectionRequest.objects.filter(nik=nik).defer("evidence")],
        "objections": [row(o) for o in Objection.objects.filter(nik=nik)],
        "staff_reads_last_six_months": [
            {"at": e.at.isoformat(), "action": e.action, "record": e.object_type, "office": e.office.name if e.office_id else "",
             "role": e.actor_role, "purpose": e.purpose or "", "shown_among_others": not tracker.is_about(e, scope)}
            for e in staff
        ],
    }


def pdf_of(data: dict) -> bytes:
    """The same data as a readable A4 PDF: one titled table per section."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                            title=_("My data"), author="Dinas Kependudukan dan Pencatatan Sipil")
    story = [Paragraph(_("My data held by the Dinas Dukcapil"), styles["Title"]),
             Paragraph(_("Generated at %(at)s for NIK %(nik)s.") % {"at": data["generated_at"][:16].replace("T", " "), "nik": data["resident"]["nik"]}, styles["BodyText"]),
             Spacer(1, 4 * mm)]

    def cell(value):
        from xml.sax.saxutils import escape

        return Paragraph(escape("" if value is None else str(value)), small)

    def table(pairs):
        t = Table([[cell(k), cell(v)] for k, v in pairs], colWidths=[55 * mm, 125 * mm])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
        return t

    def section(title, items):
        story.append(Paragraph(title, styles["Heading2"]))
        if not items:
            story.append(Paragraph(_("None."), styles["BodyText"]))
        for item in items:
            flat = [(k, v) for k, v in item.items() if not isinstance(v, list)]
            story.append(table(flat))
            for key, value in item.items():
                if isinstance(value, list) and value:
                    for sub in value:
                        story.append(table([(f"{key}: {k}", v) for k, v in sub.items()]))
            story.append(Spacer(1, 3 * mm))

    section(_("Registry record"), [data["resident"]])
    section(_("Family card (KK)"), data["family_cards"])
    section(_("History"), data["history"])
    section(_("e-KTP requests"), data["ktp_requests"])
    section(_("Appointments"), data["bookings"])
    section(_("Civil registration applications"), data["civil_applications"])
    section(_("Documents issued"), data["documents_issued"])
    section(_("KTP-el cards"), data["cards"])
    section(_("Messages"), data["messages"])
    section(_("Consent to messages"), data["messaging_consents"])
    section(_("Correction requests"), data["correction_requests"])
    section(_("Objections"), data["objections"])
    section(_("Reads by staff in the last six months"), data["staff_reads_last_six_months"])
    doc.build(story)
    return out.getvalue()
