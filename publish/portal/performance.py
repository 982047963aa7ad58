"""The performance page: target vs realisation of each agency's indicators, per year and per OPD."""

from __future__ import annotations

from publish.portal import data
from publish.portal.context import Site
from publish.portal.i18n import both
from publish.portal.render import Page

DATASET = "kinerja"
CAP = 150.0  # bars stop here so one outlier does not flatten the rest


def _achievement(row: dict) -> float | None:
    if row.get("capaian") is not None:
        return float(row["capaian"])
    if row.get("realisasi") is not None and row.get("target"):
        return float(row["realisasi"]) / float(row["target"]) * 100
    return None


def indicators(site: Site) -> list[dict]:
    path = site.parquet(DATASET)
    if path is None:
        return []
    rows = data.query(path, "SELECT * FROM t ORDER BY tahun DESC, kode_skpd, kode_indikator")
    for r in rows:
        r["achievement"] = _achievement(r)
        r["width"] = min(r["achievement"] or 0.0, CAP) / CAP * 100
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Per OPD: indicator count, how many met their target, mean achievement."""
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r["kode_skpd"], {"code": r["kode_skpd"], "name": r["nama_skpd"], "rows": []})
        g["rows"].append(r)
    out = []
    for g in groups.values():
        known = [r["achievement"] for r in g["rows"] if r["achievement"] is not None]
        avg = sum(known) / len(known) if known else None
        out.append({**g, "n": len(g["rows"]), "met": sum(1 for a in known if a >= 100), "avg": avg,
                    "width": min(avg or 0.0, CAP) / CAP * 100})
    return sorted(out, key=lambda g: g["code"])


def pages(site: Site) -> list[Page]:
    rows = indicators(site)
    years = sorted({r["tahun"] for r in rows}, reverse=True)
    if not years:
        return [Page("kinerja/", "performance.html", "perf_title", {"year": None, "years": [], "opds": []},
                     section="kinerja/")]
    out = []
    crumbs = [("perf_title", "kinerja/")]
    for i, year in enumerate(years):
        opds = summarise([r for r in rows if r["tahun"] == year])
        values = {"year": year, "years": years, "opds": opds, "cap": CAP}
        title = {lang: f"{both('perf_title')[lang]} {year}" for lang in ("id", "en")}
        out.append(Page(f"kinerja/{year}/", "performance.html", title, values, crumbs=crumbs,
                        section="kinerja/", indexed=True))
        if i == 0:
            out.append(Page("kinerja/", "performance.html", "perf_title", values, section="kinerja/"))
        for opd in opds:
            out.append(Page(f"kinerja/{year}/{opd['code']}/", "performance_opd.html",
                            {lang: f"{opd['name']} — {year}" for lang in ("id", "en")},
                            {"year": year, "opd": opd, "cap": CAP},
                            crumbs=crumbs + [({"id": str(year), "en": str(year)}, f"kinerja/{year}/")],
                            section="kinerja/"))
    return out
