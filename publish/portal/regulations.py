"""The regulation register: filters by jenis, status and year, a page per regulation with its amendment and
revocation links in both directions, and the budget lines (a budget's dasar_hukum) that cite it."""

from __future__ import annotations

from publish.portal import data
from publish.portal.context import Site
from publish.portal.i18n import LANGS, both
from publish.portal.render import Page
from publish.portal.urls import slug
from publish.portal.views import REGULATIONS, View

PER_PAGE = 50
RELATIONS = [("mengubah", "amends"), ("diubah_oleh", "amended_by"), ("mencabut", "revokes"),
             ("dicabut_oleh", "revoked_by")]
# The inverse of each relation, so a link stated on one side shows on both pages.
INVERSE = {"mengubah": "diubah_oleh", "diubah_oleh": "mengubah", "mencabut": "dicabut_oleh",
           "dicabut_oleh": "mencabut"}


def label(row: dict) -> str:
    """A short human name: 'Peraturan Daerah 5/2023'."""
    return f"{row['jenis']} {row['nomor']}/{row['tahun']}"


def register(site: Site, view: View) -> list[dict]:
    """Every regulation of the view's latest live release, newest first. `links` holds the relations a row
    states (its own columns); `derived` the ones only the other side states (an earlier amendment names this
    regulation in its `mengubah`, while `diubah_oleh` holds the latest). The pages show both, each named as
    what it is, so a page never says more than the data."""
    key = ("regulations", view.dataset.id)
    if key in site.cache:
        return site.cache[key]
    path = site.parquet(view.dataset.id)
    order = "SELECT * FROM t ORDER BY tahun DESC, tanggal_penetapan DESC NULLS LAST, id"
    rows = data.query(path, order, select=view.select) if path else []
    by_id = {r["id"]: r for r in rows}
    for r in rows:  # what the row itself states, exactly as in the data
        r["links"] = {rel: [r[rel]] if r.get(rel) else [] for rel, _ in RELATIONS}
        r["derived"] = {rel: [] for rel, _ in RELATIONS}
    for r in rows:  # what other rows state about it, shown apart and named as theirs
        for rel, _ in RELATIONS:
            other = by_id.get(r.get(rel) or "")
            back = INVERSE[rel]
            if other is not None and r["id"] not in other["links"][back] and r["id"] not in other["derived"][back]:
                other["derived"][back].append(r["id"])
    site.cache[key] = rows
    return rows


def _facets(rows: list[dict], root: str) -> list[dict]:
    def options(key, prefix, label):
        values = sorted({r[key] for r in rows if r.get(key) is not None}, key=lambda v: (str(v)),
                        reverse=(key == "tahun"))
        return [{"value": v, "route": f"{root}{prefix}/{slug(v)}/", "label": label(v),
                 "count": sum(1 for r in rows if r.get(key) == v)} for v in values]

    return [
        {"key": "jenis", "field": "jenis", "options": options("jenis", "jenis", lambda v: {"id": v, "en": v})},
        {"key": "status", "field": "status", "options": options("status", "status", lambda v: both(f"status_{v}"))},
        {"key": "year", "field": "tahun", "options": options("tahun", "tahun", lambda v: {"id": str(v), "en": str(v)})},
    ]


def _citations(budgets: list) -> dict[str, list[dict]]:
    """Regulation id -> the (year, stage) budget snapshots whose lines cite it, over every budget given."""
    cited: dict[str, list[dict]] = {}
    for budget in budgets:
        for st in budget.stages:
            for b in st.basis:
                cited.setdefault(b["id"], []).append({"year": st.year, "stage": st.stage, "route": st.route,
                                                      "lines": b["lines"], "planned": b["planned"],
                                                      "scope": budget.scope})
    return cited


def pages(site: Site, view: View, budgets: list) -> list[Page]:
    """The register of one dataset declaring the regulations view, and the budgets whose legal basis cites it."""
    root = view.route
    rows = register(site, view)
    facets = _facets(rows, root)
    known = {r["id"] for r in rows}
    title = both("reg_title")
    if root != REGULATIONS.section:
        title = {lang: f"{title[lang]}: {view.dataset.declaration.title[lang]}" for lang in LANGS}
    crumbs = [(title, root)]
    labels = {r["id"]: label(r) for r in rows}
    common = {"facets": facets, "known": known, "labels": labels, "relations": RELATIONS, "root": root,
              "dataset": view.dataset}
    out = []
    chunks = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)] or [[]]
    routes = [root] + [f"{root}halaman/{n}/" for n in range(2, len(chunks) + 1)]
    for n, (chunk, route) in enumerate(zip(chunks, routes), start=1):
        heading = title if n == 1 else {lang: f"{title[lang]} ({both('page_n', n=n)[lang]})" for lang in LANGS}
        out.append(Page(route, "regulations.html", heading,
                        {**common, "rows": chunk, "total": len(rows), "active": None,
                         "pager": list(zip(range(1, len(chunks) + 1), routes)) if len(chunks) > 1 else []},
                        crumbs=crumbs if n > 1 else [], section=REGULATIONS.section))
    for facet in facets:
        for opt in facet["options"]:
            match = [r for r in rows if r.get(facet["field"]) == opt["value"]]
            heading = {lang: f"{title[lang]}: {opt['label'][lang]}" for lang in LANGS}
            out.append(Page(opt["route"], "regulations.html", heading,
                            {**common, "rows": match, "total": len(match), "active": {"facet": facet, "opt": opt},
                             "pager": []}, crumbs=crumbs, section=REGULATIONS.section))
    cited = _citations(budgets)
    for r in rows:
        heading = {"id": f"{r['jenis']} Nomor {r['nomor']} Tahun {r['tahun']}",
                   "en": f"{r['jenis']} No. {r['nomor']} of {r['tahun']}"}
        out.append(Page(f"{root}{r['id']}/", "regulation.html", heading,
                        {**common, "r": r, "cited": cited.get(r["id"], [])}, crumbs=crumbs,
                        section=REGULATIONS.section, indexed=True, description={"id": r["judul"], "en": r["judul"]}))
    return out
