"""How audit entries read on the pages: the record kinds and roles the log stores as codes,
in the user's language. Unknown codes (from a newer node, say) are shown as they are."""

from django.utils.translation import gettext_lazy as _

from adminduk.accounts.permissions import Role

OBJECT_TYPES = {
    "adjudication": _("adjudication case"),
    "adjudication_list": _("list of adjudication cases"),
    "audit_log": _("audit log"),
    "biometric_capture": _("biometric capture"),
    "biometric_exception": _("biometric exception"),
    "biometric_image": _("biometric image"),
    "blocked_time": _("blocked time"),
    "booking": _("booking"),
    "booking_settings": _("booking settings"),
    "certification": _("training certificate"),
    "counter": _("queue counter"),
    "family": _("family card (KK)"),
    "invitation": _("invitation"),
    "invitation_batch": _("RT invitation batch"),
    "ktp_request": _("e-KTP request"),
    "queue_ticket": _("queue ticket"),
    "recording": _("recording"),
    "recording_session": _("recording session"),
    "resident": _("resident"),
    "resident_list": _("list of residents"),
    "station": _("station"),
    "sync_pull": _("sync pull"),
    "user": _("user"),
}


def object_type_label(code: str) -> str:
    return str(OBJECT_TYPES.get(code, code))


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code
