"""The dashboard's filters (dates, kecamatan, kelurahan) read from a query string and checked
against the user's jurisdiction. Bad input is a BadFilter (400 with its message); an area outside
the jurisdiction is OutOfScope (404: the page does not say whether it exists)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts.scoping import Scope
from adminduk.regions.models import Kecamatan, Kelurahan

DEFAULT_DAYS = 14
MAX_DAYS = 366


class BadFilter(ValueError):
    pass


class OutOfScope(LookupError):
    pass


@dataclass(frozen=True)
class Filters:
    date_from: dt.date
    date_to: dt.date
    kecamatan_codes: tuple[str, ...]  # what the page covers: the chosen one, or all in scope
    kecamatan: str = ""
    kelurahan: str = ""
    deadline: dt.date | None = None

    def query(self) -> str:
        from urllib.parse import urlencode

        values = {"dari": self.date_from.isoformat(), "sampai": self.date_to.isoformat(), "kecamatan": self.kecamatan, "kelurahan": self.kelurahan}
        if self.deadline:
            values["tenggat"] = self.deadline.isoformat()
        return urlencode({k: v for k, v in values.items() if v})


def _date(raw: str, label: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(_("%(field)s: %(value)s is not a date (YYYY-MM-DD).") % {"field": label, "value": raw[:40]}) from None


def kecamatan_in_scope(scope: Scope) -> list[Kecamatan]:
    rows = Kecamatan.objects.order_by("code")
    if scope.is_empty:
        return []
    if scope.regency_codes:
        return list(rows.filter(regency_id__in=sorted(scope.regency_codes)) | rows.filter(code__in=sorted(scope.kecamatan_codes)))
    return list(rows.filter(code__in=sorted(scope.kecamatan_codes)))


def parse(params, scope: Scope, *, today: dt.date | None = None) -> Filters:
    today = today or timezone.localdate()
    date_to = _date(params.get("sampai", ""), _("To")) or today
    date_from = _date(params.get("dari", ""), _("From")) or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    deadline = _date(params.get("tenggat", ""), _("Deadline"))
    if date_from > date_to:
        raise BadFilter(_("The start date is after the end date."))
    if (date_to - date_from).days >= MAX_DAYS:
        raise BadFilter(_("Choose at most %(days)s days.") % {"days": MAX_DAYS})
    allowed = [k.code for k in kecamatan_in_scope(scope)]
    kecamatan = (params.get("kecamatan") or "").strip()
    kelurahan = (params.get("kelurahan") or "").strip()
    if kelurahan:
        row = Kelurahan.objects.filter(code=kelurahan).values_list("kecamatan_id", flat=True).first()
        if row is None:
            raise BadFilter(_("Unknown kelurahan/desa: %(code)s.") % {"code": kelurahan[:20]})
        if kecamatan and kecamatan != row:
            raise BadFilter(_("Kelurahan/desa %(kelurahan)s is not in kecamatan %(kecamatan)s.") % {"kelurahan": kelurahan[:20], "kecamatan": kecamatan[:20]})
        kecamatan = row
    if kecamatan:
        if not Kecamatan.objects.filter(code=kecamatan).exists():
            raise BadFilter(_("Unknown kecamatan: %(code)s.") % {"code": kecamatan[:20]})
        if kecamatan not in allowed:
            raise OutOfScope(kecamatan)
    return Filters(date_from, date_to, (kecamatan,) if kecamatan else tuple(allowed), kecamatan, kelurahan, deadline)
