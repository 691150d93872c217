"""django-otp's middleware with the lookup of every request compiled once (core.compiled): the
TOTP device named in the session, loaded as django-otp loads it, which then checks that it is
the user's and confirmed. Other device kinds go through django-otp unchanged."""

from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.core.compiled import CompiledQuery

TOTP_LABEL = "otp_totp.totpdevice"

_DEVICE = CompiledQuery(TOTPDevice, lambda pk: TOTPDevice.objects.filter(pk=pk)[:1], [TOTPDevice._meta.pk], ["int"])


class OTPMiddleware(DjangoOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label != TOTP_LABEL or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        return _DEVICE.first(int(device_id))
