"""The full rebuild on PostgreSQL as set-based SQL (a national registry is rebuilt in one pass
instead of a Python loop). Computes exactly what summary.facts_for computes row by row;
tests/reports/test_summary.py compares the two on PostgreSQL."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population.choices import Citizenship, LifeStatus, MaritalStatus
from adminduk.population.rules import WAJIB_KTP_AGE

from . import stages

# 17th birthday; PostgreSQL turns 29 February + 17 years into 28 February, population.rules
# (and the law's "turns 17") into 1 March.
WAJIB_FROM = f"""
CASE
  WHEN r.life_status <> %(hidup)s OR (r.citizenship <> %(wni)s AND r.kitap_number = '') THEN NULL
  WHEN r.marital_status <> %(belum_kawin)s THEN r.birth_date
  WHEN extract(month FROM r.birth_date) = 2 AND extract(day FROM r.birth_date) = 29
       AND extract(day FROM (r.birth_date + interval '{WAJIB_KTP_AGE} years')) = 28
    THEN ((r.birth_date + interval '{WAJIB_KTP_AGE} years')::date + 1)
  ELSE (r.birth_date + interval '{WAJIB_KTP_AGE} years')::date
END"""

FACTS_SQL = f"""
INSERT INTO reports_residentfact (resident_id, kelurahan_id, kecamatan_code, wajib_from, counted, status, since)
SELECT f.id, f.kelurahan_id, f.kecamatan_id, f.wajib_from, COALESCE(f.wajib_from <= %(today)s, FALSE), COALESCE(c.status, ''), c.since
FROM (
  SELECT r.id, r.kelurahan_id, k.kecamatan_id, {WAJIB_FROM} AS wajib_from
  FROM population_resident r JOIN regions_kelurahan k ON k.code = r.kelurahan_id
) f
LEFT JOIN (
  SELECT DISTINCT ON (q.res_id) q.res_id, q.status,
         CASE WHEN q.rank = 2 THEN (q.updated_at AT TIME ZONE %(tz)s)::date END AS since
  FROM (
    SELECT COALESCE(kr.resident_id, rn.id) AS res_id, kr.status, kr.updated_at,
           CASE WHEN kr.status = ANY(%(open)s) THEN 2 WHEN kr.status = %(picked_up)s THEN 1 ELSE 0 END AS rank
    FROM enrollment_ktprequest kr LEFT JOIN population_resident rn ON kr.resident_id IS NULL AND rn.nik = kr.nik
  ) q
  WHERE q.res_id IS NOT NULL
  ORDER BY q.res_id, q.rank DESC
) c ON c.res_id = f.id
"""

COVERAGE_SQL = """
INSERT INTO reports_coveragecell (kelurahan_id, kecamatan_code, status, n)
SELECT kelurahan_id, kecamatan_code, status, count(*) FROM reports_residentfact WHERE counted GROUP BY 1, 2, 3
"""

BACKLOG_SQL = """
INSERT INTO reports_backlogcell (kecamatan_code, status, since, n)
SELECT kecamatan_code, status, since, count(*) FROM reports_residentfact
WHERE status = ANY(%(open)s) AND since IS NOT NULL GROUP BY 1, 2, 3
"""


def rebuild_facts_and_cells(today: dt.date) -> dict:
    """Fill ResidentFact, CoverageCell and BacklogCell (emptied by the caller)."""
    params = {
        "today": today, "tz": timezone.get_current_timezone_name(), "open": stages.OPEN_STATUSES, "picked_up": S.PICKED_UP.value,
        "hidup": LifeStatus.HIDUP.value, "wni": Citizenship.WNI.value, "belum_kawin": MaritalStatus.BELUM_KAWIN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, params)
        residents = cursor.rowcount
        cursor.execute(COVERAGE_SQL)
        coverage = cursor.rowcount
        cursor.execute(BACKLOG_SQL, params)
        backlog = cursor.rowcount
    return {"residents": residents, "coverage_cells": coverage, "backlog_cells": backlog}
