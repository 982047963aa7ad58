"""The performance page: target vs realisation of each agency's indicators, per year and per OPD."""

from __future__ import annotations

from publish.portal import data
from publish.portal.context import Site
from publish.portal.i18n import LANGS, both
from publish.portal.render import Page
from publish.portal.views import PERFORMANCE, View

CAP = 150.0  # bars stop here so one outlier does not flatten the rest


def _achievement(row: dict) -> float | None:
    if row.get("capaian") is not None:
        return float(row["capaian"])
    if row.get("realisasi") is not None and row.get("target"):
        return float(row["realisasi"]) / float(row["target"]) * 100
    return None


def indicators(site: Site, view: View) -> list[dict]:
    path = site.parquet(view.dataset.id)
    if path is None:
        return []
    rows = data.query(path, "SELECT * FROM t ORDER BY tahun DESC, kode_skpd, kode_indikator", select=view.select)
    for r in rows:
        r["achievement"] = _achievement(r)
        r["width"] = min(r["achievement"] or 0.0, CAP) / CAP * 100
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Per OPD: indicator count, how many met their target, mean achievement."""
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r["kode_skpd"], {"code": r["kode_skpd"], "name": r["nama_skpd"] or r["kode_skpd"],
                                               "rows": []})
        g["rows"].append(r)
    out = []
    for g in groups.values():
        known = [r["achievement"] for r in g["rows"] if r["achievement"] is not None]
        avg = sum(known) / len(known) if known else None
        out.append({**g, "n": len(g["rows"]), "met": sum(1 for a in known if a >= 100), "avg": avg,
                    "width": min(avg or 0.0, CAP) / CAP * 100})
    return sorted(out, key=lambda g: g["code"])


def overall(rows: list[dict]) -> dict:
    """Indicators, how many met their target and the mean achievement, over every indicator given (not a mean
    of the agencies' means)."""
    known = [r["achievement"] for r in rows if r["achievement"] is not None]
    return {"n": len(rows), "met": sum(1 for a in known if a >= 100), "avg": sum(known) / len(known) if known else None}


def pages(site: Site, view: View) -> list[Page]:
    """The performance pages of one dataset declaring the view: a page per year, and per agency and year."""
    root = view.route
    title = both("perf_title")
    if root != PERFORMANCE.section:
        title = {lang: f"{title[lang]}: {view.dataset.declaration.title[lang]}" for lang in LANGS}
    latest = view.dataset.latest
    common = {"root": root, "dataset": view.dataset, "version": latest.version if latest else None}
    rows = indicators(site, view)
    years = sorted({r["tahun"] for r in rows}, reverse=True)
    if not years:
        return [Page(root, "performance.html", title, {**common, "year": None, "years": [], "opds": []},
                     section=PERFORMANCE.section)]
    out = []
    crumbs = [(title, root)]
    for i, year in enumerate(years):
        mine = [r for r in rows if r["tahun"] == year]
        opds = summarise(mine)
        values = {**common, "year": year, "years": years, "opds": opds, "cap": CAP, "totals": overall(mine)}
        heading = {lang: f"{title[lang]} {year}" for lang in LANGS}
        out.append(Page(f"{root}{year}/", "performance.html", heading, values, crumbs=crumbs,
                        section=PERFORMANCE.section, indexed=True))
        if i == 0:
            out.append(Page(root, "performance.html", title, values, section=PERFORMANCE.section))
        for opd in opds:
            out.append(Page(f"{root}{year}/{opd['code']}/", "performance_opd.html",
                            {lang: f"{opd['name']} — {year}" for lang in LANGS},
                            {**common, "year": year, "opd": opd, "cap": CAP},
                            crumbs=crumbs + [({"id": str(year), "en": str(year)}, f"{root}{year}/")],
                            section=PERFORMANCE.section, indexed=True))
    return out
