from django.db import models
from django.utils.translation import gettext_lazy as _

from . import codes


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    is_historical = models.BooleanField(_("historical"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self):
        return f"{self.code} {self.name}"


class Regency(models.Model):
    """Kabupaten (codes 01-69) or kota (71-99)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("province"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_kota(self) -> bool:
        return codes.is_kota(self.code)


class Kecamatan(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="kecamatan_set", verbose_name=_("regency"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def nik_prefix(self) -> str:
        return codes.compact(self.code)


class Kelurahan(models.Model):
    """Kelurahan (code 1xxx), desa (2xxx) or desa adat (3xxx)."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan_set", verbose_name=_("kecamatan"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan/desa")
        verbose_name_plural = _("kelurahan/desa")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def kind(self) -> str:
        return codes.village_kind(self.code)


class RukunWarga(models.Model):
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="rw_set", verbose_name=_("kelurahan/desa"))
    number = models.CharField(_("RW"), max_length=3)

    class Meta:
        ordering = ["kelurahan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "number"], name="unique_rw_per_kelurahan"),
        ]
        verbose_name = _("RW")
        verbose_name_plural = _("RW")

    def __str__(self):
        return f"RW {self.number} {self.kelurahan.name}"


class RukunTetangga(models.Model):
    rw = models.ForeignKey(RukunWarga, on_delete=models.PROTECT, related_name="rt_set", verbose_name=_("RW"))
    number = models.CharField(_("RT"), max_length=3)

    class Meta:
        ordering = ["rw", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rw", "number"], name="unique_rt_per_rw"),
        ]
        verbose_name = _("RT")
        verbose_name_plural = _("RT")

    def __str__(self):
        return f"RT {self.number}/RW {self.rw.number}"
