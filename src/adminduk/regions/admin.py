from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import ReadOnlyAdmin

from .models import Kecamatan, Kelurahan, Province, Regency, RukunTetangga, RukunWarga


# Region codes come from the Kepmendagri list (`adminduk regions load`), never typed by hand.
@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "is_historical"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "regency"]
    search_fields = ["code", "name"]
    list_select_related = ["regency"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kecamatan", "village_kind"]
    search_fields = ["code", "name"]
    list_select_related = ["kecamatan"]

    @admin.display(description=_("kind"))
    def village_kind(self, kelurahan):
        return kelurahan.kind  # kelurahan, desa or desa adat: the Indonesian terms in both languages


@admin.register(RukunWarga)
class RukunWargaAdmin(ReadOnlyAdmin):
    list_display = ["kelurahan", "number"]
    search_fields = ["kelurahan__code", "kelurahan__name"]
    list_select_related = ["kelurahan"]


@admin.register(RukunTetangga)
class RukunTetanggaAdmin(ReadOnlyAdmin):
    list_display = ["rw", "number"]
    list_select_related = ["rw__kelurahan"]
