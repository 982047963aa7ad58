"""The budget explorer: anggaran vs realisasi by SKPD, urusan and type of spending, one page per year and stage.

Stages (murni, pergeseran, perubahan) are separate snapshots of the same budget: every figure here is
computed within one (year, stage) and no number ever adds two stages together."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from publish.portal import data, regulations
from publish.portal.context import Site
from publish.portal.i18n import LANGS, both
from publish.portal.render import Page
from publish.portal.views import BUDGET, REGULATIONS, View, of_kind, referenced

DEFAULT_ORDER = ["murni", "pergeseran", "perubahan"]
CHART_ROWS = 15  # bars drawn per chart; the table below always lists every row
BREAKDOWNS = {
    # key: (SQL for the group code, SQL for its name or None when the account-code names apply)
    "skpd": ("kode_skpd", "any_value(nama_skpd)"),
    "urusan": ("coalesce(kode_urusan, '-')", "any_value(nama_urusan)"),
    "kelompok": (r"regexp_extract(kode_rekening, '^\d\.\d')", None),
    "jenis": (r"regexp_extract(kode_rekening, '^\d\.\d\.\d{2}')", None),
}

LEAF = """NOT EXISTS (SELECT 1 FROM t AS child WHERE child.tahun = t.tahun AND child.tahap = t.tahap
          AND child.kode_skpd IS NOT DISTINCT FROM t.kode_skpd
          AND child.kode_sub_kegiatan IS NOT DISTINCT FROM t.kode_sub_kegiatan
          AND starts_with(child.kode_rekening, t.kode_rekening || '.'))"""


@dataclass
class Stage:
    """One (year, stage) snapshot and its totals by account level."""

    year: int
    stage: str
    root: str  # the explorer's route: anggaran/, or anggaran/<dataset>/ for a second budget
    akun: dict = field(default_factory=dict)  # '4', '5', '6.1', '6.2' -> {planned, realised}
    basis: list = field(default_factory=list)  # [{id, lines, planned spending}] regulations cited by dasar_hukum

    @property
    def route(self) -> str:
        return f"{self.root}{self.year}/{self.stage}/"


class Budget:
    """Aggregates of the latest live release of a dataset declaring the budget view, computed with DuckDB on
    its Parquet file (its columns read under the view's role names)."""

    def __init__(self, site: Site, view: View):
        self.site, self.view = site, view
        self.dataset = view.dataset
        self.path = site.parquet(view.dataset.id)
        spec = view.dataset.descriptor.get("terbuka:totals", {})
        # Only detail lines are summed, each once: the declared `where` (apbd: six-level codes). Without
        # one, a line counts only when no other line of its snapshot, SKPD and sub-kegiatan lies under
        # it, so subtotal rows (akun, kelompok, jenis, objek, rincian) are never added on top.
        self.leaf = spec.get("where") or LEAF
        self.order = spec.get("stageOrder") or DEFAULT_ORDER

    @property
    def available(self) -> bool:
        return self.path is not None

    def _q(self, sql: str, params=None) -> list[dict]:
        return data.query(self.path, sql, params, self.view.select)

    @cached_property
    def stages(self) -> list[Stage]:
        """Every (year, stage) present, years descending, stages in budget order."""
        if not self.available:
            return []
        rows = self._q(f"""
            SELECT tahun, tahap,
                   CASE WHEN kode_rekening LIKE '6%' THEN left(kode_rekening, 3)
                        ELSE left(kode_rekening, 1) END AS akun,
                   sum(anggaran) AS planned, sum(realisasi) AS realised, count(realisasi) AS reported
            FROM t WHERE {self.leaf} GROUP BY ALL""")
        found: dict[tuple, Stage] = {}
        for r in rows:
            st = found.setdefault((r["tahun"], r["tahap"]), Stage(r["tahun"], r["tahap"], self.view.route))
            st.akun[r["akun"]] = {"planned": int(r["planned"] or 0),
                                  "realised": int(r["realised"]) if r["reported"] else None}
        # Revenue and spending lines may cite the same regulation: count lines, but total spending only.
        basis = self._q(f"""SELECT tahun, tahap, dasar_hukum AS id, count(*) AS lines,
                                   sum(anggaran) FILTER (WHERE kode_rekening LIKE '5%') AS planned
                            FROM t WHERE dasar_hukum IS NOT NULL AND {self.leaf} GROUP BY ALL ORDER BY id""")
        for b in basis:
            st = found.get((b["tahun"], b["tahap"]))
            if st:
                st.basis.append({"id": b["id"], "lines": b["lines"], "planned": int(b["planned"] or 0)})
        for st in found.values():
            for key in ("4", "5", "6.1", "6.2"):
                st.akun.setdefault(key, {"planned": None, "realised": None})
        rank = {s: i for i, s in enumerate(self.order)}
        return sorted(found.values(), key=lambda s: (-s.year, rank.get(s.stage, 99), s.stage))

    @property
    def latest_year(self) -> int | None:
        return self.stages[0].year if self.stages else None

    def year_stages(self, year: int) -> list[Stage]:
        return [s for s in self.stages if s.year == year]

    @cached_property
    def data_names(self) -> dict:
        """Names of upper account levels when the file carries such lines."""
        rows = self._q("SELECT kode_rekening AS code, any_value(nama_rekening) AS name FROM t "
                       "WHERE length(kode_rekening) <= 6 GROUP BY 1")
        return {r["code"]: r["name"] for r in rows}

    def label(self, code: str) -> dict:
        known = self.dataset.accounts.get(code)
        from_data = self.data_names.get(code)
        if known:
            return {"id": from_data or known["id"], "en": known["en"]}
        return {"id": from_data or code, "en": from_data or code}

    @cached_property
    def _grouped(self) -> dict[tuple, list[dict]]:
        """Spending (akun 5) of every stage by every breakdown: one query per breakdown, whatever the number
        of years and stages, so a long budget history costs a few scans rather than a few per stage."""
        out: dict[tuple, list[dict]] = {}
        for key, (code_sql, label_sql) in BREAKDOWNS.items():
            rows = self._q(f"""
                SELECT tahun, tahap, {code_sql} AS code, {label_sql or 'NULL'} AS name, sum(anggaran) AS planned,
                       sum(realisasi) AS realised, count(realisasi) AS reported, count(*) AS lines
                FROM t WHERE kode_rekening LIKE '5%' AND {self.leaf}
                GROUP BY 1, 2, 3 ORDER BY 1, 2, planned DESC, code""")
            for r in rows:
                out.setdefault((r["tahun"], r["tahap"], key), []).append(r)
        return out

    def breakdown(self, stage: Stage, key: str) -> list[dict]:
        """Spending (akun 5) of one stage grouped by `key`, largest budget first."""
        rows = self._grouped.get((stage.year, stage.stage, key), [])
        named = BREAKDOWNS[key][1] is not None
        total = sum(int(r["planned"] or 0) for r in rows)
        out = []
        for r in rows:
            label = {"id": r["name"] or r["code"], "en": r["name"] or r["code"]} if named else self.label(r["code"])
            out.append({"code": r["code"], "label": label, "planned": int(r["planned"] or 0),
                        "realised": int(r["realised"]) if r["reported"] else None, "lines": r["lines"],
                        "share": (int(r["planned"] or 0) / total * 100) if total else None})
        return out


def home_figures(budget: Budget) -> dict | None:
    """Key figures of the latest year for the home page: one row per stage."""
    if not budget.stages:
        return None
    year = budget.latest_year
    return {"year": year, "stages": budget.year_stages(year)}


def pages(site: Site, budget: Budget, views: list[View]) -> list[Page]:
    """The explorer of one budget dataset: a page per (year, stage), the newest also at the explorer's root."""
    root = budget.view.route
    others = [v for v in of_kind(views, BUDGET) if v is not budget.view]
    register = register_of(budget, views)
    common = {"budget": budget, "others": others, "register": register,
              "regs": {r["id"]: regulations.label(r) for r in regulations.register(site, register)} if register else {}}
    if not budget.stages:
        return [Page(root, "budget.html", _title(budget, root), {**common, "st": None}, section=BUDGET.section)]
    out = []
    crumbs = [(_title(budget, root), root)]
    for i, st in enumerate(budget.stages):
        views_of = {key: budget.breakdown(st, key) for key in BREAKDOWNS}
        values = {**common, "st": st, "views": views_of, "chart_rows": CHART_ROWS,
                  "compare": budget.year_stages(st.year)}
        title = {lang: f"{_title(budget, root)[lang]}: {st.year}, {site.vocabulary.stage_label(st.stage, lang)}"
                 for lang in LANGS}
        out.append(Page(st.route, "budget.html", title, values, crumbs=crumbs, section=BUDGET.section, indexed=True))
        if i == 0:
            out.append(Page(root, "budget.html", _title(budget, root), values, section=BUDGET.section))
    return out


def register_of(budget: Budget, views: list[View]) -> View | None:
    """The regulation register the budget's legal basis (dasar_hukum) refers to, when one is declared."""
    return referenced(budget.view, "dasar_hukum", views, REGULATIONS)


def _title(budget: Budget, root: str) -> dict:
    """'Penjelajah anggaran', and the dataset's title after it for a budget that is not the section's first."""
    title = both("budget_title")
    if root == BUDGET.section:
        return title
    return {lang: f"{title[lang]}: {budget.dataset.declaration.title[lang]}" for lang in LANGS}
