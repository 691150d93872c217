"""Offices in the Django admin. Every save goes through offices.actions, so the admin refuses
exactly what the actions refuse and equipment changes land in the equipment history."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import AuditedReadsAdmin, BadRequestOnInvalidFormMixin, ReadOnlyAdmin

from . import actions, rules
from .choices import EquipmentStatus
from .models import ClosedDay, Equipment, EquipmentStatusChange, Office, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        periods = [
            (form.cleaned_data["weekday"], form.cleaned_data["opens"], form.cleaned_data["closes"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and {"weekday", "opens", "closes"} <= form.cleaned_data.keys()
        ]
        errors = rules.period_errors(periods)
        if errors:
            raise ValidationError(errors)


OpeningHoursInline.formset = OpeningHoursFormSet


@admin.register(Office)
class OfficeAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "kecamatan", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["kecamatan"]
    autocomplete_fields = ["regency", "kecamatan"]
    inlines = [OpeningHoursInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: assignments, equipment history and audit point at it

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in actions.OFFICE_FIELDS if name in form.cleaned_data}
        if change:
            actions.update_office(obj, data)
        else:
            created = actions.create_office(**data)
            obj.pk = created.pk
            obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        # Replace the week as a whole, so overlaps are judged across every row at once.
        if formset.model is OpeningHours:
            office = form.instance
            periods = [
                (f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"])
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            actions.set_opening_hours(office, periods)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)


@admin.register(ClosedDay)
class ClosedDayAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    list_display = ["date", "office", "regency", "reason"]
    list_filter = ["office"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in actions.CLOSED_DAY_FIELDS}
        if change:
            actions.update_closed_day(obj, data)
        else:
            created = actions.add_closed_day(data["date"], data["reason"], office=data["office"], regency=data["regency"])
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        actions.remove_closed_day(obj)


class EquipmentStatusChangeInline(admin.TabularInline):
    model = EquipmentStatusChange
    fk_name = "equipment"
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "from_office", "to_office", "changed_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EquipmentForm(forms.ModelForm):
    """Status and office are changed with a reason, which the history keeps."""

    reason = forms.CharField(label=_("reason"), required=False, max_length=300)

    class Meta:
        model = Equipment
        fields = ["office", "kind", "serial_number", "label", "status"]

    def clean(self):
        data = super().clean()
        if self.instance._state.adding:
            error = rules.initial_status_error(data.get("status", EquipmentStatus.ACTIVE))
            if error:
                self.add_error("status", error)
            return data
        if {"status", "office"} & set(self.changed_data) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why; the reason is kept in the equipment's history."))
        if "status" in self.changed_data and "office" in self.changed_data:
            self.add_error("office", _("Change the status and the office in two steps."))
        if "status" in self.changed_data:
            error = rules.status_change_error(self.initial["status"], data.get("status"))
            if error:
                self.add_error("status", error)
        return data


@admin.register(Equipment)
class EquipmentAdmin(BadRequestOnInvalidFormMixin, admin.ModelAdmin):
    form = EquipmentForm
    list_display = ["serial_number", "label", "kind", "office", "status", "updated_at"]
    list_filter = ["kind", "status", "office"]
    search_fields = ["serial_number", "label"]
    list_select_related = ["office"]
    inlines = [EquipmentStatusChangeInline]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "serial_number"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: the history stays

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        reason = data.get("reason", "")
        if not change:
            created = actions.add_equipment(
                data["office"], data["kind"], data["serial_number"], label=data.get("label", ""),
                status=data["status"], actor=request.user, reason=reason,
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        stored = Equipment.objects.get(pk=obj.pk)
        if "status" in form.changed_data:
            actions.change_equipment_status(stored, data["status"], reason, actor=request.user)
        if "office" in form.changed_data:
            actions.move_equipment(stored, data["office"], reason, actor=request.user)
        if "label" in form.changed_data:
            actions.relabel_equipment(stored, data["label"])


@admin.register(EquipmentStatusChange)
class EquipmentStatusChangeAdmin(AuditedReadsAdmin, ReadOnlyAdmin):
    list_display = ["equipment", "changed_at", "from_status", "to_status", "from_office", "to_office", "changed_by"]
    list_filter = ["to_status"]
    list_select_related = ["equipment", "from_office", "to_office", "changed_by"]
    audit_object_type = "equipment_status_change"  # a journal: its reads are audited like the others
