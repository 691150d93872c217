"""Admin building blocks shared by every app."""

from django.contrib import admin


class BadRequestOnInvalidFormMixin:
    """A rejected admin form answers 400 instead of 200, so clients and tests see the refusal."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and getattr(response, "context_data", None):
            adminform = response.context_data.get("adminform")
            if adminform is not None and adminform.form.errors:
                response.status_code = 400
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """For history and reference data that nobody edits by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
