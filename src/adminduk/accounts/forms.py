"""Login with a password and, for every staff role, a TOTP code: the operator (and node) login
page and the Django admin's login share one check, so every factor is counted and audited alike."""

import django_otp
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import STAFF_ROLES


class SecondFactorMixin:
    """After the password (django-axes counts a wrong one), a staff account needs its TOTP code;
    a missing or wrong code is a failed login too: counted for lockout and audited."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
        help_text=_("The 6-digit code from your authenticator app (staff accounts)."),
    )

    second_factor_messages = {
        "no_device": _("This staff account has no second factor yet. Ask the Dinas admin to set one up."),
        "token_required": _("Enter the 6-digit verification code from your authenticator app."),
        "invalid_token": _("The verification code is wrong or has expired."),
    }

    def clean(self):
        data = super().clean()  # checks the password (django-axes counts failures)
        user = self.get_user()
        if user is None or user.role not in STAFF_ROLES:
            return data
        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is None:
            raise forms.ValidationError(self.second_factor_messages["no_device"], code="no_device")
        token = (data.get("otp_token") or "").strip()
        if not token:
            self._fail_second_factor("missing")
            raise forms.ValidationError(self.second_factor_messages["token_required"], code="token_required")
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is None:
            self._fail_second_factor("wrong")
            raise forms.ValidationError(self.second_factor_messages["invalid_token"], code="invalid_token")
        user.otp_device = verified  # django_otp marks the session verified on login
        return data

    def _fail_second_factor(self, why: str):
        # A wrong code counts as a failed login for lockout, exactly like a wrong password.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username"), "factor": "totp", "totp": why},
            request=self.request,
        )
        self.user_cache = None


class StaffLoginForm(SecondFactorMixin, AuthenticationForm):
    otp_token = SecondFactorMixin.otp_token
    error_messages = {**AuthenticationForm.error_messages, **SecondFactorMixin.second_factor_messages}


class AdminLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    """The Django admin's login: the staff flag (AdminAuthenticationForm) and the same code check."""

    otp_token = SecondFactorMixin.otp_token
    error_messages = {**AdminAuthenticationForm.error_messages, **SecondFactorMixin.second_factor_messages}
