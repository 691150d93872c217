"""The codes the pipeline writes as the reason of a status change, as the pages show them in the
user's language. The journal keeps the codes (one language for the data); free-text reasons
(an operator's, a rejection's) are shown as written."""

from django.utils.translation import gettext_lazy as _

REASONS = {
    "unique": _("no duplicate found"),
    "same_nik": _("the same NIK is already recorded"),
    "demographic": _("similar name, birth date and mother's name"),
    "biometric": _("similar biometrics"),
}


def reason_label(reason: str) -> str:
    """"unique" → its label; "biometric, demographic" → both labels; other text unchanged."""
    codes = [part.strip() for part in reason.split(",")]
    if codes and all(code in REASONS for code in codes):
        return "; ".join(str(REASONS[code]) for code in codes)
    return reason
