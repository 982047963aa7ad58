"""Realisation as reported: a line without a realised amount is not reported, never a zero.

Every rate the portal shows comes from here with its base: how many lines and how much of the budget have a
realised amount (coverage), the rate on those lines, and the rate on the whole budget beside it. The date the
realisation is reported as of ("posisi per") is kept with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The aggregate columns a query adds for one group of lines (`realisasi` NULL: not reported).
AGGREGATES = """sum(anggaran) AS planned, sum(realisasi) AS realised, count(*) AS lines,
    count(realisasi) AS reported, coalesce(sum(anggaran) FILTER (WHERE realisasi IS NOT NULL), 0) AS planned_reported,
    list(DISTINCT posisi_realisasi) FILTER (WHERE realisasi IS NOT NULL AND posisi_realisasi IS NOT NULL) AS dates,
    count(*) FILTER (WHERE realisasi IS NOT NULL AND posisi_realisasi IS NULL) AS undated"""


def _pct(part, whole) -> float | None:
    if part is None or not whole:
        return None
    return part / whole * 100


@dataclass
class Realisation:
    """Budgeted and realised amounts of a group of lines, with what was reported."""

    planned: int = 0
    realised: int | None = None  # None: no line of the group reports a realised amount
    lines: int = 0
    reported: int = 0
    planned_reported: int = 0  # the budget of the lines that report a realised amount
    dates: list[dt.date] = field(default_factory=list)  # "posisi per" of the reported lines
    undated: int = 0  # reported lines that state no date

    @classmethod
    def of(cls, row: dict) -> Realisation:
        reported = int(row["reported"] or 0)
        return cls(planned=int(row["planned"] or 0), realised=int(row["realised"]) if reported else None,
                   lines=int(row["lines"] or 0), reported=reported, planned_reported=int(row["planned_reported"] or 0),
                   dates=sorted(row.get("dates") or []), undated=int(row.get("undated") or 0))

    @property
    def reports(self) -> bool:
        return self.reported > 0

    @property
    def rate(self) -> float | None:
        """Realised over the budget of the lines that report: what was spent (or collected) where it is known."""
        return _pct(self.realised, self.planned_reported)

    @property
    def rate_all(self) -> float | None:
        """Realised over the whole budget, unreported lines included: a floor, not the rate."""
        return _pct(self.realised, self.planned)

    @property
    def cover(self) -> float | None:
        """Share of the budget (in rupiah) whose lines report a realised amount."""
        return _pct(self.planned_reported, self.planned) if self.reports else None


def merged(groups: list[Realisation]) -> Realisation:
    """Several groups as one (a table's rows): their sums, reporting dates and undated lines."""
    reported = [g for g in groups if g.reports]
    return Realisation(planned=sum(g.planned for g in groups),
                       realised=sum(g.realised for g in reported) if reported else None,
                       lines=sum(g.lines for g in groups), reported=sum(g.reported for g in groups),
                       planned_reported=sum(g.planned_reported for g in groups),
                       dates=sorted({d for g in groups for d in g.dates}), undated=sum(g.undated for g in groups))
