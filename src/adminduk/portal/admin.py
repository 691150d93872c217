from django.contrib import admin

from .models import FailedCodeAttempt, PortalSession, SignInCode


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    """Code requests (the code itself is never stored): who asked, from where, whether it was used."""

    list_display = ["created_at", "nik", "ip_address", "expires_at", "used_at", "failed_attempts"]
    search_fields = ["nik"]
    exclude = ["code_hash"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "code_hash"]


@admin.register(FailedCodeAttempt)
class FailedCodeAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "nik", "ip_address"]
    search_fields = ["nik"]


@admin.register(PortalSession)
class PortalSessionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "last_seen_at", "ended_at", "ip_address"]
    search_fields = ["account__username"]
    exclude = ["token_hash"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]
