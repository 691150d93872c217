"""A dashboard table as CSV or XLSX (openpyxl)."""

import datetime as dt
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from adminduk.core.csv_export import safe_cell, streaming_csv

from .tables import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value):
    return "" if value is None else value


def as_csv(table: Table, filename: str):
    return streaming_csv([table.columns, *[[_plain(v) for v in row] for row in table.rows]], filename)


def as_xlsx(table: Table, filename: str, *, subtitle: str = "") -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    if subtitle:
        sheet.append([subtitle])
    sheet.append(table.columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        # Text that would run as a formula is quoted like the CSV; numbers and dates stay typed.
        sheet.append([safe_cell(v) if isinstance(v, str) else (v if isinstance(v, int | float | dt.date) else _plain(v)) for v in row])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, min(40, len(str(column)) + 2))
    stream = io.BytesIO()
    book.save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
