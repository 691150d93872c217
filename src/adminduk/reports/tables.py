"""A dashboard table: what the page shows, what CSV and XLSX export, and what a chart draws."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Said instead of the table when there is nothing to show (never a row of zeros).
    empty: str = ""
    note: str = ""

    @property
    def has_data(self) -> bool:
        return bool(self.rows)

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """(text, is a number) per cell, formatted once in Python rather than by a template
        filter per cell (the page's largest cost after its queries)."""
        return [[display(value) for value in row] for row in self.rows]


def display(value) -> tuple[str, bool]:
    """Dates as d-m-Y, numbers in the active locale's format (grouped), nothing as a dash."""
    if value is None or value == "":
        return "–", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y"), False
    if isinstance(value, float):
        return formats.number_format(value, 1, use_l10n=True), True
    if isinstance(value, int):
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True), True
    return str(value), False
