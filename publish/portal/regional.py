"""Budget figures by region, for a workspace serving several regions (terbuka.json "regions"): each region's
totals of one (year, stage) per account, and their aggregate, which says how many of the listed regions it
covers. Figures are computed within one (year, stage) only: stages are never added together."""

from __future__ import annotations

from dataclasses import dataclass, field

from publish.portal import data
from publish.portal.budget import ACCOUNT_SQL, ACCOUNTS, Budget, Stage
from publish.portal.realisation import AGGREGATES, Realisation, merged
from publish.regions import REGION_FIELD, Region, served_regions


@dataclass
class RegionRow:
    """One region's totals of one stage; `accounts` is empty when the region has not sent that stage."""

    region: Region
    accounts: dict = field(default_factory=dict)  # '4', '5', '6.1', '6.2' -> Realisation

    @property
    def reported(self) -> bool:
        return bool(self.accounts)


@dataclass
class RegionTable:
    """The regions of one (year, stage): a row each (listed regions first, in their order), and the aggregate of
    the rows that reported, account by account."""

    rows: list[RegionRow]
    listed: int

    @property
    def reported(self) -> int:
        return sum(r.reported for r in self.rows)

    @property
    def accounts(self) -> list[str]:
        return [a for a in ACCOUNTS if any(a in r.accounts for r in self.rows)]

    @property
    def total(self) -> dict[str, Realisation]:
        """Per account, the sum over the regions that reported it (within this one stage)."""
        return {a: merged([r.accounts[a] for r in self.rows if a in r.accounts]) for a in self.accounts}


def by_region(budget: Budget) -> dict[tuple, dict[str, dict[str, Realisation]]]:
    """(year, stage) -> region code -> account -> figures, from one query over the release's Parquet file."""
    key = ("regions", budget.dataset.id)
    if key not in budget.site.cache:
        rows = data.query(budget.path, f"SELECT tahun, tahap, {REGION_FIELD} AS region, {ACCOUNT_SQL} AS akun, "
                                       f"{AGGREGATES} FROM t WHERE {budget.leaf} GROUP BY ALL", None, budget.view.select)
        out: dict[tuple, dict] = {}
        for r in rows:
            if r["akun"] in ACCOUNTS:
                out.setdefault((r["tahun"], r["tahap"]), {}).setdefault(r["region"], {})[r["akun"]] = Realisation.of(r)
        budget.site.cache[key] = out
    return budget.site.cache[key]


def region_table(budget: Budget, st: Stage) -> RegionTable | None:
    """The regions of one stage page; None for a workspace serving one region, or a budget without region codes.
    A region the data holds but terbuka.json does not list is shown too (by its code), so the aggregate is
    always the sum of the rows shown."""
    regions = served_regions(budget.site.config)
    if not regions or not budget.available or REGION_FIELD not in budget.dataset.declaration.field_names:
        return None
    found = by_region(budget).get((st.year, st.stage), {})
    rows = [RegionRow(r, found.get(r.kode, {})) for r in regions]
    listed = {r.kode for r in regions}
    rows += [RegionRow(Region(code or "", code or "–"), found[code]) for code in sorted(found, key=str)
             if code not in listed]
    return RegionTable(rows, len(regions))
