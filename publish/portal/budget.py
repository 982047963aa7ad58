"""Budget figures of the explorer: revenue, spending and financing of each (year, stage), by account level, agency,
urusan, programme, kegiatan and sub kegiatan, computed with DuckDB on the latest release's Parquet file.

Accounts are never mixed: revenue (4), spending (5), financing receipts (6.1) and outlays (6.2) are each summed on
their own. Stages (murni, pergeseran, perubahan) are separate snapshots of the same budget: every figure is
computed within one (year, stage) and no number adds two stages together. Realisation is as reported
(publish.portal.realisation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from publish.portal import data
from publish.portal.context import Site
from publish.portal.realisation import AGGREGATES, Realisation
from publish.portal.views import View

DEFAULT_ORDER = ["murni", "pergeseran", "perubahan"]
ACCOUNTS = ("4", "5", "6.1", "6.2")  # revenue, spending, financing receipts, financing outlays: never added
ACCOUNT_SQL = "CASE WHEN starts_with(kode_rekening, '6') THEN left(kode_rekening, 3) ELSE left(kode_rekening, 1) END"
LEAF = """NOT EXISTS (SELECT 1 FROM t AS child WHERE child.tahun = t.tahun AND child.tahap = t.tahap
          AND child.kode_skpd IS NOT DISTINCT FROM t.kode_skpd
          AND child.kode_sub_kegiatan IS NOT DISTINCT FROM t.kode_sub_kegiatan
          AND starts_with(child.kode_rekening, t.kode_rekening || '.'))"""


@dataclass(frozen=True)
class Level:
    """A way to break a budget down: the SQL of a group's code and name, the level above it (for drill-down
    pages) and the one below, and the key that filters a group in the figures' scope (`rek`: an account-code
    prefix; otherwise the role column itself)."""

    key: str
    code: str
    name: str | None  # None: the group is an account-code level, named from accounts.json or the data
    parent: str | None = None  # SQL of the code of the group above
    child: str | None = None  # the level a group's page lists
    scope: str = "rek"


LEVELS = {level.key: level for level in (
    Level("skpd", "kode_skpd", "any_value(nama_skpd)", scope="kode_skpd"),
    Level("urusan", "kode_urusan", "any_value(nama_urusan)", child="program", scope="kode_urusan"),
    Level("program", "kode_program", "any_value(nama_program)", "any_value(kode_urusan)", "kegiatan",
          scope="kode_program"),
    Level("kegiatan", "kode_kegiatan", "any_value(nama_kegiatan)", "any_value(kode_program)", "sub_kegiatan",
          scope="kode_kegiatan"),
    Level("sub_kegiatan", "kode_sub_kegiatan", "any_value(nama_sub_kegiatan)", "any_value(kode_kegiatan)",
          scope="kode_sub_kegiatan"),
    Level("kelompok", r"regexp_extract(kode_rekening, '^[0-9]\.[0-9]')", None),
    Level("jenis", r"regexp_extract(kode_rekening, '^[0-9]\.[0-9]\.[0-9]{2}')", None,
          r"any_value(regexp_extract(kode_rekening, '^[0-9]\.[0-9]'))"),
)}
DRILL = ("urusan", "program", "kegiatan", "skpd")  # levels whose groups get a page of their own


@dataclass
class Group:
    """One group of lines of one stage (an agency, a programme, an account code...) and its figures."""

    code: str | None
    label: dict
    figures: Realisation
    parent: str | None = None
    share: float | None = None  # of the breakdown's total budget


@dataclass
class Stage:
    """One (year, stage) snapshot: its totals per account, the regulations its lines cite."""

    year: int
    stage: str
    root: str  # the explorer's route: anggaran/, or anggaran/<dataset>/ for a second budget
    accounts: dict = field(default_factory=dict)  # '4', '5', '6.1', '6.2' -> Realisation
    basis: list = field(default_factory=list)  # [{id, lines, planned spending}] regulations cited by dasar_hukum

    @property
    def route(self) -> str:
        return f"{self.root}{self.year}/{self.stage}/"

    @property
    def reports(self) -> bool:
        """Some line of the stage reports a realised amount."""
        return any(a.reports for a in self.accounts.values())

    def page(self, level: str, code: str) -> str:
        return f"{self.route}{level}/{code}/"


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

    @property
    def version(self) -> str | None:
        latest = self.dataset.latest
        return latest.version if latest else None

    @property
    def scope(self) -> str:
        """The figures' outermost scope: which dataset and version they are computed from."""
        return f"ds={self.dataset.id};v={self.version}"

    def _q(self, sql: str, params=None) -> list[dict]:
        return data.query(self.path, sql, params, self.view.select)

    @cached_property
    def stages(self) -> list[Stage]:
        """Every (year, stage) present, years descending, stages in budget order."""
        if not self.available:
            return []
        rows = self._q(f"SELECT tahun, tahap, {ACCOUNT_SQL} AS akun, {AGGREGATES} FROM t WHERE {self.leaf} "
                       "GROUP BY ALL")
        found: dict[tuple, Stage] = {}
        for r in rows:
            st = found.setdefault((r["tahun"], r["tahap"]), Stage(r["tahun"], r["tahap"], self.view.route))
            if r["akun"] in ACCOUNTS:
                st.accounts[r["akun"]] = Realisation.of(r)
        # Revenue and spending lines may cite the same regulation: count lines, but total spending only.
        basis = self._q(f"""SELECT tahun, tahap, dasar_hukum AS id, count(*) AS lines,
                                   sum(anggaran) FILTER (WHERE starts_with(kode_rekening, '5')) AS planned
                            FROM t WHERE dasar_hukum IS NOT NULL AND {self.leaf} GROUP BY ALL ORDER BY id""")
        for b in basis:
            st = found.get((b["tahun"], b["tahap"]))
            if st:
                st.basis.append({"id": b["id"], "lines": b["lines"], "planned": int(b["planned"] or 0)})
        rank = {s: i for i, s in enumerate(self.order)}
        return sorted(found.values(), key=lambda s: (-s.year, rank.get(s.stage, 99), s.stage))

    @property
    def latest_year(self) -> int | None:
        return self.stages[0].year if self.stages else None

    @property
    def latest_stage(self) -> Stage | None:
        """The newest snapshot: the last stage of the newest year."""
        return self.year_stages(self.latest_year)[-1] if self.stages else None

    def present(self, account: str) -> bool:
        """Some stage has lines of the account."""
        return any(account in s.accounts for s in self.stages)

    @property
    def years(self) -> list[int]:
        return sorted({s.year for s in self.stages}, reverse=True)

    @property
    def stage_names(self) -> list[str]:
        rank = {s: i for i, s in enumerate(self.order)}
        return sorted({s.stage for s in self.stages}, key=lambda s: (rank.get(s, 99), s))

    def year_stages(self, year: int) -> list[Stage]:
        return [s for s in self.stages if s.year == year]

    def find(self, year: int, stage: str) -> Stage | None:
        return next((s for s in self.stages if s.year == year and s.stage == stage), None)

    def previous_year(self, st: Stage) -> Stage | None:
        """The same stage of the year before, when published (a comparison, never a sum)."""
        return self.find(st.year - 1, st.stage)

    @cached_property
    def data_names(self) -> dict:
        """Names of account codes as the data spells them: the upper levels when the file carries such lines."""
        rows = self._q("SELECT kode_rekening AS code, any_value(nama_rekening) AS name FROM t "
                       "WHERE length(kode_rekening) <= 6 GROUP BY 1")
        return {r["code"]: r["name"] for r in rows}

    def label(self, code: str | None) -> dict:
        if code is None:
            return {"id": "–", "en": "–"}
        known = self.dataset.accounts.get(code)
        from_data = self.data_names.get(code)
        if known:
            return {"id": from_data or known["id"], "en": known["en"]}
        return {"id": from_data or code, "en": from_data or code}

    def _grouped(self, account: str, level: str, within: str | None = None) -> dict[tuple, list[dict]]:
        """The lines of one account grouped by `level` in every stage (and by the group of level `within` they
        lie in): one query whatever the number of years and stages. (year, stage[, within code]) -> rows."""
        key = ("budget", self.dataset.id, account, level, within)
        if key in self.site.cache:
            return self.site.cache[key]
        lv = LEVELS[level]
        ctx = f"{LEVELS[within].code} AS ctx, " if within else ""
        rows = self._q(f"""
            SELECT tahun, tahap, {ctx}{lv.code} AS code, {lv.name or 'NULL'} AS name, {lv.parent or 'NULL'} AS parent,
                   {AGGREGATES}
            FROM t WHERE starts_with(kode_rekening, '{account}.') AND {self.leaf}
            GROUP BY ALL ORDER BY planned DESC, code""")
        out: dict[tuple, list[dict]] = {}
        for r in rows:
            out.setdefault((r["tahun"], r["tahap"], *((r["ctx"],) if within else ())), []).append(r)
        self.site.cache[key] = out
        return out

    def groups(self, st: Stage, account: str, level: str, parent: str | None = None,
               within: tuple[str, str] | None = None) -> list[Group]:
        """The groups of `level` of one stage and account, largest budget first; only those under `parent` (a
        code of the level above) or inside `within` (a (level, code) such as an agency)."""
        ctx = (within[1],) if within else ()
        rows = self._grouped(account, level, within[0] if within else None).get((st.year, st.stage, *ctx), [])
        if parent is not None:
            rows = [r for r in rows if r["parent"] == parent]
        named = LEVELS[level].name is not None
        out = []
        for r in rows:
            label = {"id": r["name"] or r["code"] or "–", "en": r["name"] or r["code"] or "–"} if named \
                else self.label(r["code"])
            out.append(Group(r["code"], label, Realisation.of(r), r["parent"]))
        total = sum(g.figures.planned for g in out)
        for g in out:
            g.share = g.figures.planned / total * 100 if total else None
        return out

    def group(self, st: Stage, account: str, level: str, code: str) -> Group | None:
        return next((g for g in self.groups(st, account, level) if g.code == code), None)
