"""The budget explorer's pages: an overview across years and stages, a page per (year, stage) with revenue by
source, spending by agency, urusan and account, and financing, and drill-down pages from urusan to programme,
kegiatan and sub kegiatan, and per agency. Every figure comes from publish.portal.budget."""

from __future__ import annotations

import re
from dataclasses import dataclass

from publish.portal import regulations
from publish.portal.budget import ACCOUNTS, DRILL, LEVELS, Budget, Group, Stage
from publish.portal.context import Site
from publish.portal.realisation import merged
from publish.portal.regional import region_table
from publish.portal.i18n import LANGS, both
from publish.portal.render import Page
from publish.portal.views import BUDGET, REGULATIONS, View, of_kind, referenced

CHART_ROWS = 15  # bars drawn per chart; the table below always lists every row
# The word for a realisation rate of each account: revenue is collected, spending spent, financing realised.
RATE_WORD = {"4": "rate_collected", "5": "rate_spent", "6.1": "rate_realised", "6.2": "rate_realised"}
ACCOUNT_WORD = {"4": "revenue", "5": "spending", "6.1": "financing_in", "6.2": "financing_out"}
GLOSSARY_KEY = {"4": "pendapatan", "5": "belanja", "6.1": "pembiayaan", "6.2": "pembiayaan"}
LEVEL_TERM = {"skpd": "skpd", "urusan": "urusan", "program": "program", "kegiatan": "kegiatan",
              "sub_kegiatan": "sub_kegiatan", "kelompok": "kode_rekening", "jenis": "kode_rekening"}


def pct_change(after: int | None, before: int | None) -> float | None:
    """after against before, in percent (a comparison of two snapshots, never their sum)."""
    if after is None or not before:
        return None
    return (after - before) / before * 100


# What the explorer's and the home page's templates need to name and compare accounts.
WORDS = {"accounts": ACCOUNTS, "account_word": ACCOUNT_WORD, "rate_word": RATE_WORD, "glossary_key": GLOSSARY_KEY,
         "levels": LEVELS, "level_term": LEVEL_TERM, "pct_change": pct_change, "merged": merged}


@dataclass
class Table:
    """One breakdown shown as a chart, a table and a sentence: the groups of `level` of one account."""

    anchor: str  # the section's id, unique on its page
    heading: str  # i18n key
    account: str
    level: str
    groups: list[Group]
    scope: str  # the figures' scope inside the page's, e.g. "rek=5" or "rek=5;kode_skpd=..."
    links: dict  # group code -> route of its page
    chart: bool = True

    @property
    def rate_word(self) -> str:
        return RATE_WORD[self.account]

    @property
    def reports(self) -> bool:
        return any(g.figures.reports for g in self.groups)


def _routable(code: str | None) -> bool:
    """A code that can be a folder name as it is (1.02.02, X.XX.01): its group gets a page."""
    return bool(code) and re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.-]*", code) is not None


def _links(st: Stage, level: str, groups: list[Group]) -> dict:
    if level not in DRILL:
        return {}
    return {g.code: st.page(level, g.code) for g in groups if _routable(g.code)}


def _table(budget: Budget, st: Stage, anchor: str, heading: str, account: str, level: str, *,
           parent: str | None = None, within: tuple[str, str] | None = None, scope: str = "",
           chart: bool = True) -> Table | None:
    groups = budget.groups(st, account, level, parent=parent, within=within)
    if not groups:
        return None
    return Table(anchor, heading, account, level, groups, ";".join(x for x in (f"rek={account}", scope) if x),
                 _links(st, level, groups), chart)


def stage_tables(budget: Budget, st: Stage) -> dict[str, list[Table]]:
    """The breakdowns of one stage page, by account: revenue by source, spending by agency, urusan and account,
    financing receipts and outlays."""
    spec = {"4": [("rev-kelompok", "rev_by_kelompok", "kelompok"), ("rev-jenis", "rev_by_jenis", "jenis")],
            "5": [("skpd", "by_skpd", "skpd"), ("urusan", "by_urusan", "urusan"),
                  ("kelompok", "by_kelompok", "kelompok"), ("jenis", "by_jenis", "jenis")],
            "6.1": [("fin-in", "fin_in_by_jenis", "jenis")], "6.2": [("fin-out", "fin_out_by_jenis", "jenis")]}
    out = {}
    for account, tables in spec.items():
        made = [_table(budget, st, anchor, heading, account, level) for anchor, heading, level in tables]
        out[account] = [t for t in made if t]
    return out


def _stage_title(budget: Budget, st: Stage, root_title: dict) -> dict:
    vocabulary = budget.site.vocabulary
    return {lang: f"{root_title[lang]}: {st.year}, {vocabulary.stage_label(st.stage, lang)}" for lang in LANGS}


def drill_pages(site: Site, budget: Budget, st: Stage, common: dict, crumbs: list) -> list[Page]:
    """Pages below a stage: each urusan (its programmes), programme (its kegiatan), kegiatan (its sub kegiatan),
    and each agency (its spending by programme and account, its revenue, its financing)."""
    out = []
    stage_crumbs = crumbs + [(_stage_title(budget, st, common["root_title"]), st.route)]
    chain = {"urusan": [], "program": ["urusan"], "kegiatan": ["urusan", "program"]}
    for level, above in chain.items():
        lv = LEVELS[level]
        for g in budget.groups(st, "5", level):
            if not _routable(g.code):
                continue
            page_crumbs = list(stage_crumbs)
            code = g.code
            ancestors = []
            parent = g.parent
            for up in reversed(above):  # the chain of groups above, for the breadcrumb
                found = budget.group(st, "5", up, parent) if parent else None
                if found is None:
                    break
                ancestors.insert(0, (up, found))
                parent = found.parent
            for up, found in ancestors:
                page_crumbs.append((_group_title(up, found), st.page(up, found.code)))
            child = _table(budget, st, lv.child, f"children_{lv.child}", "5", lv.child, parent=code,
                           scope=f"{lv.scope}={code}")
            title = _group_title(level, g)
            out.append(Page(st.page(level, code), "budget_drill.html", title,
                            {**common, "st": st, "level": level, "group": g, "scope": f"rek=5;{lv.scope}={code}",
                             "tables": {"5": [child] if child else []}, "ancestors": ancestors},
                            crumbs=page_crumbs, section=BUDGET.section, indexed=True,
                            description=_group_description(level, g, st, budget)))
    agencies: dict[str, Group] = {}
    totals = {account: budget.groups(st, account, "skpd") for account in ACCOUNTS}
    for account in ACCOUNTS:
        for g in totals[account]:
            agencies.setdefault(g.code, g)
    for code, g in sorted(agencies.items()):
        if not _routable(code):
            continue
        within, scope = ("skpd", code), f"kode_skpd={code}"
        tables = {
            "4": [t for t in (_table(budget, st, "rev-jenis", "rev_by_jenis", "4", "jenis", within=within,
                                     scope=scope),) if t],
            "5": [t for t in (_table(budget, st, "program", "by_program", "5", "program", within=within,
                                     scope=scope),
                              _table(budget, st, "jenis", "by_jenis", "5", "jenis", within=within, scope=scope)) if t],
            "6.1": [t for t in (_table(budget, st, "fin-in", "fin_in_by_jenis", "6.1", "jenis", within=within,
                                       scope=scope),) if t],
            "6.2": [t for t in (_table(budget, st, "fin-out", "fin_out_by_jenis", "6.2", "jenis", within=within,
                                       scope=scope),) if t],
        }
        mine = {account: next((x for x in totals[account] if x.code == code), None) for account in ACCOUNTS}
        title = _group_title("skpd", g)
        out.append(Page(st.page("skpd", code), "budget_drill.html", title,
                        {**common, "st": st, "level": "skpd", "group": g, "scope": f"kode_skpd={code}",
                         "tables": tables, "agency": {k: v for k, v in mine.items() if v}, "ancestors": []},
                        crumbs=stage_crumbs, section=BUDGET.section, indexed=True,
                        description=_group_description("skpd", g, st, budget)))
    return out


def _group_title(level: str, g: Group) -> dict:
    word = both(f"level_{level}")
    return {lang: f"{word[lang]} {g.label[lang]}" if level != "skpd" else g.label[lang] for lang in LANGS}


def _group_description(level: str, g: Group, st: Stage, budget: Budget) -> dict:
    stage = {lang: budget.site.vocabulary.stage_label(st.stage, lang) for lang in LANGS}
    return {lang: both("drill_description", what=g.label[lang], code=g.code or "", year=st.year,
                       stage=stage[lang])[lang] for lang in LANGS}


def pages(site: Site, budget: Budget, views: list[View]) -> list[Page]:
    """The explorer of one budget dataset: an overview at its root, a page per (year, stage), and the pages
    below each stage."""
    root = budget.view.route
    others = [v for v in of_kind(views, BUDGET) if v is not budget.view]
    register = register_of(budget, views)
    root_title = _title(budget, root)
    common = {"budget": budget, "others": others, "register": register, "root": root, "root_title": root_title,
              "regs": {r["id"]: regulations.label(r) for r in regulations.register(site, register)} if register else {},
              "chart_rows": CHART_ROWS, **WORDS}
    out = [Page(root, "budget_overview.html", root_title,
                {**common, "latest": budget.latest_stage, "yoy": year_on_year(budget)},
                section=BUDGET.section, indexed=True)]
    crumbs = [(root_title, root)]
    for st in budget.stages:
        compare = budget.year_stages(st.year)
        values = {**common, "st": st, "tables": stage_tables(budget, st), "compare": compare,
                  "compare_accounts": [a for a in ACCOUNTS if any(a in s.accounts for s in compare)],
                  "previous": budget.previous_year(st), "regions": region_table(budget, st)}
        out.append(Page(st.route, "budget.html", _stage_title(budget, st, root_title), values, crumbs=crumbs,
                        section=BUDGET.section, indexed=True))
        out += drill_pages(site, budget, st, common, crumbs)
    return out


def year_on_year(budget: Budget) -> dict[str, tuple[Stage, Stage]]:
    """Per account, the newest stage that has the same stage a year before: (that stage, the year before)."""
    out = {}
    for code in ACCOUNTS:
        for st in budget.stages:
            before = budget.previous_year(st)
            if st.accounts.get(code) and before and before.accounts.get(code):
                out[code] = (st, before)
                break
    return out


def register_of(budget: Budget, views: list[View]) -> View | None:
    """The regulation register the budget's legal basis (dasar_hukum) refers to, when one is declared."""
    return referenced(budget.view, "dasar_hukum", views, REGULATIONS)


def home_figures(budget: Budget) -> dict | None:
    """Key figures of the latest year for the home page: one card per stage."""
    if not budget.stages:
        return None
    year = budget.latest_year
    return {"year": year, "stages": budget.year_stages(year), "scope": budget.scope}


def _title(budget: Budget, root: str) -> dict:
    """'Penjelajah anggaran', and the dataset's title after it for a budget that is not the section's first."""
    title = both("budget_title")
    if root == BUDGET.section:
        return title
    return {lang: f"{title[lang]}: {budget.dataset.declaration.title[lang]}" for lang in LANGS}
