"""A dashboard table: what the page shows, what CSV and XLSX export, and what a chart draws."""

from dataclasses import dataclass, field


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
