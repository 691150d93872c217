from django.core.exceptions import ValidationError


class CivilError(ValidationError):
    """Refused input or a step not allowed now; the message is for the operator or applicant.
    Nothing was changed."""
