"""Fiscal years: the partition keys of datasets split by year, and which year a file belongs to."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

FIRST_YEAR = 2015
TIMEZONE = ZoneInfo("Asia/Jakarta")


def fiscal_years(today: dt.date | None = None) -> list[str]:
    """Every fiscal year a file may be for: from FIRST_YEAR up to next year (the draft budget, RAPBD,
    arrives before January). The Dagster partitions are built from the same rule."""
    today = today or dt.datetime.now(TIMEZONE).date()
    return [str(year) for year in range(FIRST_YEAR, today.year + 2)]


def choose_partition(years: Counter, keys: list[str]) -> str:
    """The fiscal-year partition a file belongs to: its commonest year, else the newest key.
    Rows of other years are then reported by the partition check, so nothing is silently split."""
    for year, _ in years.most_common():
        if str(year) in keys:
            return str(year)
    return keys[-1]
