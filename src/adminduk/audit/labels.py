"""How audit entries read on the pages: the record kinds and roles the log stores as codes,
in the user's language. Unknown codes (from a newer node, say) are shown as they are."""

from django.utils.translation import gettext_lazy as _

from adminduk.accounts.permissions import Role

OBJECT_TYPES = {
    "withholding_list": _("list of withholdings"),
    "withholding": _("withholding of tracker entries"),
    "rights_requests": _("data rights requests"),
    "privacy_case_list": _("list of data protection cases"),
    "objection": _("objection to a read"),
    "messaging_consent": _("consent to messages"),
    "correction_request": _("correction request"),
    "correction_evidence": _("evidence of a correction request"),
    "adjudication": _("adjudication case"),
    "adjudication_list": _("list of adjudication cases"),
    "audit_log": _("audit log"),
    "audit_mention_list": _("list of residents shown by audit entries"),
    "biometric_capture": _("biometric capture"),
    "biometric_exception": _("biometric exception"),
    "biometric_image": _("biometric image"),
    "blangko_count": _("blangko count"),
    "blangko_movement": _("blangko movement"),
    "blocked_time": _("blocked time"),
    "booking": _("booking"),
    "booking_settings": _("booking settings"),
    "card": _("KTP-el card"),
    "certification": _("training certificate"),
    "civil_application": _("civil registration application"),
    "civil_application_event": _("civil application history"),
    "civil_application_list": _("list of civil registration applications"),
    "civil_document": _("application document"),
    "civil_queue": _("civil registration queue"),
    "counter": _("queue counter"),
    "dashboard": _("dashboard figures"),
    "document": _("issued document"),
    "document_download": _("document download"),
    "document_key": _("document signing key"),
    "family": _("family card (KK)"),
    "handover": _("card handover"),
    "invitation": _("invitation"),
    "invitation_batch": _("RT invitation batch"),
    "ktp_request": _("e-KTP request"),
    "message": _("message to a resident"),
    "number_block": _("number block"),
    "portal_code": _("portal sign-in code"),
    "portal_session": _("portal session"),
    "portal_wrong_code": _("wrong portal code"),
    "print_batch": _("print batch"),
    "print_job": _("print job"),
    "print_queue": _("print queue"),
    "print_quota": _("print quota"),
    "queue_ticket": _("queue ticket"),
    "recording": _("recording"),
    "recording_session": _("recording session"),
    "resident": _("resident"),
    "resident_list": _("list of residents"),
    "shipment": _("card shipment"),
    "shipment_discrepancy": _("shipment discrepancy"),
    "station": _("station"),
    "stock_count": _("blangko count"),
    "suket": _("surat keterangan (suket)"),
    "sync_pull": _("sync pull"),
    "user": _("user"),
}


def object_type_label(code: str) -> str:
    if code not in OBJECT_TYPES and code.endswith("_list") and code[:-5] in OBJECT_TYPES:
        return str(_("list: %(what)s") % {"what": OBJECT_TYPES[code[:-5]]})  # an admin list page
    return str(OBJECT_TYPES.get(code, code))


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code
