"""The transparency scorecard and release calendar on the portal: transparansi/ (every year), transparansi/<year>/,
transparansi/jadwal/ (jadwal rilis), and their data as transparansi/skor.json, jadwal-rilis.json and .csv.

What the release store shows is read here (each live version's figures per fiscal year, the regulation
register); the grading itself is publish/scorecard.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

from publish.portal import data
from publish.portal.context import Site
from publish.portal.i18n import both
from publish.portal.render import Page
from publish.scorecard import RULES, Snapshot, release_calendar, scorecard

ROUTE = "transparansi/"
CALENDAR = ROUTE + "jadwal/"
CARD_FILE = ROUTE + "skor.json"
CALENDAR_FILES = (ROUTE + "jadwal-rilis.json", ROUTE + "jadwal-rilis.csv")


def rules(site: Site) -> dict | None:
    path = site.workspace.schemas / RULES
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _local_day(stamp: str, tz: str) -> dt.date:
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(tz)).date()


def snapshots(site: Site, spec: dict) -> dict[str, list[Snapshot]]:
    """For each document, every live version of its dataset with its figures per fiscal year."""
    tz = site.config.get("timezone") or "Asia/Jakarta"
    out = {}
    for doc in spec["documents"]:
        info = site.dataset(doc["dataset"])
        out[doc["id"]] = []
        if info is None:
            continue
        where = " AND ".join(f'"{k}" = ?' for k in doc.get("where", {})) or "TRUE"
        basis = (doc.get("legalDate") or {}).get("regulation")
        cite = f'mode("{basis}")' if basis else "NULL"
        group = f'"{doc["complete"]["by"]}"' if doc.get("complete") else "NULL"
        # per year: values, their total, the regulation most lines cite, and whether some group (a budget
        # stage) has a value on every one of its lines
        sql = (f'SELECT y, sum(n)::BIGINT AS n, sum(total) AS total, min(basis) AS basis, '
               f'bool_or(n = r AND n > 0) AS full '
               f'FROM (SELECT "{doc["year"]}" AS y, {group} AS g, count("{doc["measure"]}") AS n, count(*) AS r, '
               f'sum("{doc["measure"]}") AS total, {cite} AS basis FROM t WHERE {where} GROUP BY 1, 2) GROUP BY 1')
        for rel in info.releases:
            path = rel.folder / "data.parquet"
            if rel.withdrawn or not path.is_file():
                continue
            params = list(doc.get("where", {}).values())
            key = ("scorecard", rel.dataset, rel.version, sql, tuple(params))
            if key not in site.cache:
                site.cache[key] = data.query(path, sql, params)
            years = {r["y"]: (r["n"], r["total"], r["basis"], r["full"]) for r in site.cache[key] if r["y"] is not None}
            out[doc["id"]].append(Snapshot(rel.version, _local_day(rel.released, tz), years))
    return out


def card(site: Site, today: dt.date | None = None) -> dict:
    """The scorecard of every fiscal year from the first one in the data to the current one."""
    spec = rules(site)
    if spec is None:  # a workspace without rules still gets the (empty) pages the footer links to
        return {"standards": {}, "evidence": None, "years": [], "calendar": []}
    key = ("scorecard", today)
    if key in site.cache:
        return site.cache[key]
    today = today or dt.datetime.now(ZoneInfo(site.config.get("timezone") or "Asia/Jakarta")).date()
    snaps = snapshots(site, spec)
    seen = [y for shots in snaps.values() for s in shots for y in s.years]
    years = list(range(min(seen), today.year + 1)) if seen else []
    register_path = site.parquet("peraturan")
    register = data.query(register_path, "SELECT * FROM t") if register_path else []
    result = scorecard(spec, snaps, register, years, today)
    coming = [today.year, today.year + 1]  # the calendar also announces next year's documents
    result["calendar"] = release_calendar(scorecard(spec, snaps, register, coming, today), coming)
    site.cache[key] = result
    return result


def pages(site: Site) -> list[Page]:
    result = card(site)
    years = [y["year"] for y in result["years"]]
    common = {"card": result, "years": years}
    crumbs = [("tr_title", ROUTE)]
    out = [Page(ROUTE, "transparency.html", "tr_title", {**common, "entry": None}, section="anggaran/",
                indexed=True)]
    for entry in result["years"]:
        title = both("tr_year_title", year=entry["year"])
        out.append(Page(f"{ROUTE}{entry['year']}/", "transparency.html", title, {**common, "entry": entry},
                        crumbs=crumbs, section="anggaran/", indexed=True))
    out.append(Page(CALENDAR, "release_calendar.html", "cal_title", {"rows": result["calendar"]}, crumbs=crumbs,
                    section="anggaran/", indexed=True))
    return out


def _calendar_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["tahun", "dokumen", "judul", "dataset", "tanggal_acuan", "paling_lambat", "standar_terketat",
                     "keadaan", "tanggal_terbit"])
    for r in rows:
        writer.writerow([r["year"], r["document"], r["title"]["id"], r["dataset"], r["legalDate"] or "", r["due"] or "",
                         r["strictest"] or "", r["state"], r["published"] or ""])
    return buffer.getvalue()


def files(site: Site) -> dict[str, str]:
    result = card(site)
    body = {k: v for k, v in result.items() if k != "calendar"}
    return {CARD_FILE: json.dumps(body, ensure_ascii=False, indent=1) + "\n",
            CALENDAR_FILES[0]: json.dumps(result["calendar"], ensure_ascii=False, indent=1) + "\n",
            CALENDAR_FILES[1]: _calendar_csv(result["calendar"])}
