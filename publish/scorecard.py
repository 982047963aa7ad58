"""The transparency scorecard: for each fiscal year and budget document, the days from the date the law counts
from to the first publication on the portal, graded against the Open Budget Survey, PEFA PI-9 and UU 14/2008
windows declared in schemas/scorecard.json; and the release calendar (jadwal rilis) that follows from them.

Pure functions of what the release store shows (Snapshot: one live version's figures per year) and the
regulation register; the portal collects those and renders the result. A document the portal never published
is "missing" once its window has closed, never on time."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

RULES = "scorecard.json"
ON_TIME, LATE, MISSING, PENDING, NONE, UNKNOWN, NA = (
    "on_time", "late", "missing", "pending", "none", "no_legal_date", "n/a")


@dataclass(frozen=True)
class Snapshot:
    """What one live version of a dataset holds of a document: per fiscal year (count, total, cited basis)."""

    version: str
    day: dt.date  # the release date in the portal's time zone
    # {year: (count of values, total, regulation most rows cite, whether some stage has a value on every line)}
    years: dict = field(default_factory=dict)

    def fingerprint(self, year: int) -> tuple:
        count, total = self.years.get(year, (0, 0))[:2]
        return (count, total)

    def complete(self, year: int) -> bool:
        facts = self.years.get(year, ())
        return bool(facts[3]) if len(facts) > 3 else False


def add_window(day: dt.date, window: dict) -> dt.date:
    """The last day of a window: `months` calendar months (clamped to the month's end) or `days` days."""
    if "days" in window:
        return day + dt.timedelta(days=window["days"])
    month = day.month - 1 + window["months"]
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _legal_from_register(doc: dict, year: int, basis: str | None, register: dict) -> tuple[dt.date | None, dict]:
    """The date a budget regulation counts from: the regulation its lines cite, else the one whose title names
    the year; its first date among the declared fields (penetapan, then pengundangan)."""
    spec = doc["legalDate"]
    candidates = [register[basis]] if basis in register else []
    pattern = re.compile(spec["title"].replace("{year}", str(year)), re.I) if spec.get("title") else None
    if not candidates and pattern:
        candidates = [r for r in register.values() if pattern.search(r.get("judul") or "")]
    for reg in candidates:
        for name in spec["fields"]:
            if reg.get(name):
                return reg[name], {"regulation": reg["id"], "field": name, "jenis": reg.get("jenis"),
                                   "nomor": reg.get("nomor"), "tahun": reg.get("tahun")}
    return None, {"regulation": candidates[0]["id"] if candidates else basis}


def _evidence(doc: dict, year: int, snapshots: list[Snapshot], legal: dt.date | None) -> Snapshot | None:
    """The first live version that published the document (see the rules' "evidence" text)."""
    ordered = sorted(snapshots, key=lambda s: (s.day, s.version))
    if "periodEnd" not in doc:
        return next((s for s in ordered if s.fingerprint(year)[0] > 0), None)
    before = [s for s in ordered if s.day <= legal]
    baseline = before[-1].fingerprint(year) if before else (0, 0)
    # A year-end report gives every line a value (0 where nothing was spent); figures for some lines only
    # are an in-year report, whenever they appear.
    whole = bool(doc.get("complete"))
    return next((s for s in ordered if s.day > legal and s.fingerprint(year)[0] > 0
                 and s.fingerprint(year) != baseline and (s.complete(year) or not whole)), None)


def grade(published: dt.date | None, legal: dt.date | None, window: dict, today: dt.date) -> dict:
    """One document against one standard's window."""
    if legal is None:
        return {"status": UNKNOWN if published else MISSING, "deadline": None}
    deadline = add_window(legal, window)
    if published is not None:
        status = ON_TIME if published <= deadline else LATE
    else:
        status = MISSING if today > deadline else PENDING
    return {"status": status, "deadline": deadline.isoformat()}


def document(rules: dict, doc: dict, year: int, snapshots: list[Snapshot], register: dict, today: dt.date) -> dict:
    """One fiscal year's document: its legal date, first publication, days in between and grades."""
    if "periodEnd" in doc:
        month, day = (int(x) for x in doc["periodEnd"].split("-"))
        legal, basis = dt.date(year, month, day), {"periodEnd": doc["periodEnd"]}
        found = _evidence(doc, year, snapshots, legal)
    else:
        found = _evidence(doc, year, snapshots, None)
        cited = found.years[year][2] if found else None
        legal, basis = _legal_from_register(doc, year, cited, register)
    out = {"id": doc["id"], "title": doc["title"], "dataset": doc["dataset"], "year": year,
           "legalDate": legal.isoformat() if legal else None, "basis": basis,
           "published": {"version": found.version, "date": found.day.isoformat()} if found else None,
           "days": (found.day - legal).days if found and legal else None, "grades": {}, "note": doc.get("note")}
    absent = doc.get("optional") and found is None and legal is None
    # An unpublished document whose regulation is not in the register is still due: by the latest date the
    # law allows for it (an APBD must be in force on 1 January), so it turns missing instead of waiting forever.
    latest = (doc.get("legalDate") or {}).get("latest")
    expected = None
    if legal is None and found is None and latest and not absent:
        month, day = (int(x) for x in latest["date"].split("-"))
        expected = dt.date(year + latest.get("yearOffset", 0), month, day)
        out["expected"] = expected.isoformat()
    for standard, spec in rules["standards"].items():
        window_name = doc["standards"].get(standard)
        if window_name is None:
            out["grades"][standard] = {"status": NA, "deadline": None}
            continue
        window = spec["windows"][window_name]
        result = ({"status": NONE, "deadline": None} if absent
                  else grade(found.day if found else None, legal or expected, window, today))
        if result["status"] == MISSING and legal is None and expected is None and today <= dt.date(year, 12, 31):
            result["status"] = PENDING  # no date yet and the fiscal year is still running
        out["grades"][standard] = {**result, "window": window_name}
    return out


def pefa_score(documents: list[dict], rules: dict) -> dict:
    """PI-9 for a year from the elements the portal publishes; elements it cannot show count as not met."""
    windows = rules["standards"]["pefa"]["windows"]
    met = {}
    for doc in documents:
        grade_ = doc["grades"].get("pefa", {})
        element = windows.get(grade_.get("window"), {}).get("element")
        if element is not None and doc["id"] != "amended":  # an amendment is no separate PI-9 element
            met[element] = grade_["status"] == ON_TIME
    basic = sum(1 for e in (1, 2, 3, 4, 5) if met.get(e))
    total = sum(1 for ok in met.values() if ok)
    if total >= 8 and basic == 5:
        score = "A"
    elif total >= 6 and basic >= 4:
        score = "B"
    elif basic >= 4:
        score = "C"
    else:
        score = "D"
    return {"score": score, "elements": {str(k): v for k, v in sorted(met.items())}, "basicMet": basic}


def scorecard(rules: dict, snapshots: dict[str, list[Snapshot]], register: Iterable[dict], years: list[int],
              today: dt.date) -> dict:
    """Every year's documents and grades, with the rules they were graded by."""
    by_id = {r["id"]: r for r in register}
    out = []
    for year in years:
        docs = [document(rules, doc, year, snapshots.get(doc["id"], []), by_id, today) for doc in rules["documents"]]
        counted = [d for d in docs if d["grades"].get("obs", {}).get("status") not in (NA, NONE, None)]
        out.append({"year": year, "documents": docs, "pefa": pefa_score(docs, rules),
                    "obs": {"onTime": sum(1 for d in counted if d["grades"]["obs"]["status"] == ON_TIME),
                            "graded": len(counted)}})
    return {"standards": rules["standards"], "evidence": rules.get("evidence"), "years": out}


def release_calendar(card: dict, years: list[int]) -> list[dict]:
    """The jadwal rilis: for the given fiscal years, each document, the date it is due by (the strictest
    window that applies), and whether it was published, is overdue or is still to come."""
    rows = []
    for entry in card["years"]:
        if entry["year"] not in years:
            continue
        for doc in entry["documents"]:
            deadlines = [(g["deadline"], name) for name, g in doc["grades"].items() if g.get("deadline")]
            statuses = {g["status"] for g in doc["grades"].values()}
            if statuses <= {NONE, NA}:
                continue
            due, standard = min(deadlines) if deadlines else (None, None)
            if doc["published"]:
                state = "published"
            elif due and any(g["status"] == MISSING for g in doc["grades"].values()):
                state = "overdue"
            else:
                state = "scheduled"
            rows.append({"year": entry["year"], "document": doc["id"], "title": doc["title"], "dataset": doc["dataset"],
                         "legalDate": doc["legalDate"], "due": due, "strictest": standard, "state": state,
                         "published": doc["published"]["date"] if doc["published"] else None})
    return rows
