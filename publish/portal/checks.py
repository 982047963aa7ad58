"""What a version's validation covers: per slice it holds (fiscal year and stage), the source file the slice came
from, the release that checked that file, and what the file's report says. A version built from several files
is never shown as "passed" on the strength of the last file's report alone."""

from __future__ import annotations

from publish.portal import data
from publish.portal.context import DatasetInfo, ReleaseInfo, Site
from publish.worktable import quoted


def _rows_per_slice(rel: ReleaseInfo, keys: list[str]) -> dict[tuple, int]:
    path = rel.folder / "data.parquet"
    if not keys or not path.is_file():
        return {}
    cols = ", ".join(quoted(k) for k in keys)
    rows = data.query(path, f"SELECT {cols}, count(*) AS n FROM t GROUP BY ALL")
    return {tuple(r[k] for k in keys): r["n"] for r in rows}


def _checked_by(d: DatasetInfo, sha256: str | None) -> ReleaseInfo | None:
    """The first release whose own source file had this hash: its validation.json is that file's report."""
    if not sha256:
        return None
    for rel in d.releases:
        if (rel.provenance.get("source") or {}).get("sha256") == sha256:
            return rel
    return None


def summary(report: dict) -> dict:
    """The counts a reader needs from one validation report."""
    rules = [r for r in report.get("rules") or [] if isinstance(r, dict)]
    applied = [r for r in rules if not r.get("skipped")]
    return {"rows": report.get("rows"), "errors": report.get("errors") or 0, "warnings": report.get("warnings") or 0,
            "rules": len(rules), "applied": len(applied), "passed": sum(1 for r in applied if r.get("success")),
            "skipped": len(rules) - len(applied), "types": report.get("types") or {}}


def slices(site: Site, d: DatasetInfo, rel: ReleaseInfo) -> list[dict]:
    """One entry per slice of the version: the slice's values and rows, its source, and the report of the
    release that checked it (None when the store holds no report for that file)."""
    key = ("checks", d.id, rel.version)
    if key in site.cache:
        return site.cache[key]
    listed = rel.provenance.get("slices") or [{"slice": {}, "source": rel.provenance.get("source") or {}}]
    keys = list(listed[0].get("slice") or {})
    counts = _rows_per_slice(rel, keys)
    out = []
    for item in listed:
        source = item.get("source") or {}
        checker = _checked_by(d, source.get("sha256"))
        values = tuple((item.get("slice") or {}).get(k) for k in keys)
        out.append({"slice": item.get("slice") or {}, "rows": counts.get(values) if keys else rel.entry.get("rows"),
                    "source": source, "checked_in": checker,
                    "report": summary(checker.validation) if checker and checker.validation else None})
    site.cache[key] = out
    return out
