"""Indonesian phone numbers: parsed and checked with Google's libphonenumber (``phonenumbers``),
stored in E.164 (``+6281234567890``)."""

import phonenumbers
from django.utils.translation import gettext as _


class InvalidPhone(ValueError):
    """The text is not a usable mobile number; the message says why, in the user's language."""


def normalise(raw: str) -> str:
    """``0812-3456-7890``, ``62812...`` or ``+62 812...`` → ``+6281234567890``. Only mobile
    numbers can receive SMS or WhatsApp messages."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(_("No phone number given."))
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(_("%(phone)s is not a phone number.") % {"phone": raw[:20]}) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(_("%(phone)s is not a valid phone number.") % {"phone": raw[:20]})
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone(_("%(phone)s is not a mobile number.") % {"phone": raw[:20]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(phone: str) -> str:
    """``+6281234567890`` → ``0812****7890``: enough for a resident to recognise their number."""
    if not phone:
        return ""
    local = "0" + phone[3:] if phone.startswith("+62") else phone
    if len(local) < 8:
        return "*" * len(local)
    return local[:4] + "*" * (len(local) - 8) + local[-4:]
