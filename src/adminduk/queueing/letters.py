"""Invitation letters as one PDF (reportlab), one A4 page per invited resident, in the
language active when it is made (Indonesian by default)."""

import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas


def _lines(invitation) -> list[tuple[str, str]]:
    resident = invitation.resident
    return [
        (_("Name"), resident.full_name),
        (_("NIK"), resident.nik),
        (_("Address"), f"{resident.address}, RT {invitation.rt} / RW {invitation.rw}, {invitation.kelurahan.name}"),
        (_("Day and date"), formats.date_format(invitation.date, "l, j F Y")),
        (_("Time"), invitation.time.strftime("%H:%M")),
        (_("Place"), f"{invitation.office.name}{', ' + invitation.office.address if invitation.office.address else ''}"),
    ]


def invitation_letters(invitations) -> bytes:
    """The letters of `invitations` (with resident, kelurahan and office loaded)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Invitation for e-KTP recording"))
    width, height = A4
    for invitation in invitations:
        y = height - 25 * mm
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawCentredString(width / 2, y, invitation.office.name.upper())
        y -= 7 * mm
        pdf.setFont("Helvetica", 10)
        if invitation.office.address:
            pdf.drawCentredString(width / 2, y, invitation.office.address)
        y -= 5 * mm
        pdf.line(20 * mm, y, width - 20 * mm, y)
        y -= 14 * mm
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawCentredString(width / 2, y, _("Invitation for e-KTP recording"))
        y -= 14 * mm
        pdf.setFont("Helvetica", 11)
        pdf.drawString(20 * mm, y, _("We invite you to come for the recording of your e-KTP (KTP-el):"))
        y -= 10 * mm
        for label, value in _lines(invitation):
            pdf.setFont("Helvetica-Bold", 11)
            pdf.drawString(25 * mm, y, label)
            pdf.setFont("Helvetica", 11)
            pdf.drawString(65 * mm, y, f": {value}")
            y -= 7 * mm
        y -= 6 * mm
        for text in (
            _("Bring your Kartu Keluarga (KK). The recording takes photo, fingerprints, irises and signature."),
            _("Show this letter at the front desk: you are called before walk-in residents."),
            _("Cannot come at this time? The office also serves in the evening; ask for another day."),
        ):
            pdf.drawString(20 * mm, y, text)
            y -= 7 * mm
        pdf.setFont("Helvetica", 8)
        pdf.drawString(20 * mm, 15 * mm, f"{_('Invitation')} {invitation.pk}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
