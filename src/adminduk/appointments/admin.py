"""Admin pages: booking settings and blocked time of an office (written through
appointments.actions, so capacity follows at once); slots and bookings read-only."""

from django.contrib import admin

from . import actions
from .models import BlockedTime, Booking, BookingSettings, Slot


@admin.register(BookingSettings)
class BookingSettingsAdmin(admin.ModelAdmin):
    list_display = ["office", "minutes_per_recording", "slot_minutes", "change_cutoff_minutes", "horizon_days"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in actions.SETTINGS_FIELDS if name in form.cleaned_data}
        actions.set_booking_settings(form.cleaned_data["office"] if not change else obj.office, actor=request.user, request=request, **data)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlockedTime)
class BlockedTimeAdmin(admin.ModelAdmin):
    list_display = ["office", "starts_at", "ends_at", "reason"]
    list_filter = ["office"]

    def save_model(self, request, obj, form, change):
        created = actions.add_blocked_time(obj.office, obj.starts_at, obj.ends_at, obj.reason, actor=request.user, request=request)
        obj.pk = created.pk

    def delete_model(self, request, obj):
        actions.remove_blocked_time(obj, actor=request.user, request=request)

    def has_change_permission(self, request, obj=None):
        return obj is None  # add or remove; a change is a removal and a new entry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(ReadOnly):
    list_display = ["office", "service", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["office", "date"]


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["nik", "office", "slot", "status", "channel", "over_capacity"]
    list_filter = ["status", "over_capacity", "office"]
    search_fields = ["nik"]
    raw_id_fields = ["resident", "slot"]
