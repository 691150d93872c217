from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from adminduk.core.admin import BadRequestOnInvalidFormMixin

from . import actions, stations
from .forms import AdminLoginForm
from .models import Certification, OfficeAssignment, Station, User

# The admin, like every staff page, needs the second factor (django-otp's documented switch).
admin.site.__class__ = OTPAdminSite
# Its login checks the code through the same form as the operator login, so a wrong code on the
# admin login is counted for lockout and audited too (django-otp's own admin form does neither).
admin.site.login_form = AdminLoginForm
admin.site.login_template = "accounts/admin_login.html"


class OfficeAssignmentInline(admin.TabularInline):
    model = OfficeAssignment
    extra = 0
    autocomplete_fields = ["office"]


class CertificationInline(admin.TabularInline):
    model = Certification
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["kind", "certificate_number", "trained_on", "valid_until", "issued_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # added on the Certification page, through actions.certify


@admin.register(User)
class UserAdmin(BadRequestOnInvalidFormMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "assignments__office"]
    # Access follows the role (accounts.permissions), not Django's groups and model permissions,
    # whose names are stored in English: they stay off the form.
    fieldsets = tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f not in ("groups", "user_permissions"))})
        for name, options in DjangoUserAdmin.fieldsets
    ) + ((_("adminduk"), {"fields": ("role", "resident_nik")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("adminduk"), {"fields": ("role",)}),)
    inlines = [OfficeAssignmentInline, CertificationInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log keeps pointing at the account


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["user", "kind", "certificate_number", "trained_on", "valid_until"]


@admin.register(Certification)
class CertificationAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    form = CertificationForm
    list_display = ["user", "kind", "certificate_number", "trained_on", "valid_until", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["user__username", "certificate_number"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # a certificate is never edited; a renewal is a new certificate

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = actions.certify(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk
        obj._state.adding = False


class StationForm(forms.ModelForm):
    revoke_reason = forms.CharField(
        label=_("revoke with reason"), required=False, max_length=300, help_text=_("Fill in to revoke this station's key.")
    )

    class Meta:
        model = Station
        fields = ["office", "name", "kind", "public_key"]

    def clean_public_key(self):
        key = self.cleaned_data["public_key"].strip()
        if self.instance._state.adding:
            stations.decode_public_key(key)
        return key


@admin.register(Station)
class StationAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    form = StationForm
    list_display = ["name", "office", "kind", "fingerprint", "registered_at", "revoked_at"]
    list_filter = ["kind", "office", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "fingerprint"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["fingerprint", "registered_at", "registered_by"]
        return ["office", "name", "kind", "public_key", "fingerprint", "registered_at", "registered_by", "revoked_at", "revoked_by", "revocation_reason"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so packets it signed stay attributable

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = stations.register_station(
                office=data["office"], name=data["name"], kind=data["kind"], public_key=data["public_key"], actor=request.user
            )
            obj.pk = created.pk
            obj._state.adding = False
        elif data.get("revoke_reason"):
            stations.revoke_station(obj, reason=data["revoke_reason"], actor=request.user)
