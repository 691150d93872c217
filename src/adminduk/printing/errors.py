from django.core.exceptions import ValidationError


class PrintingError(ValidationError):
    """Refused input or a step not allowed now; `message` is for the operator. Nothing was changed."""
