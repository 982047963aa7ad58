"""The transparency scorecard: fixture years with known legal and publication dates give known grades; missing
documents count as missing, never on time; pages, JSON and the release calendar are published."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from publish.scorecard import Snapshot, add_window, release_calendar, scorecard

RULES = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "scorecard.json").read_text(encoding="utf-8"))
D = dt.date.fromisoformat

# Region A's history (conftest.history): (document, year) -> (legal date, first publication, days,
# {standard: status}). Worked out by hand from the dates and the windows in schemas/scorecard.json.
EXPECTED = {
    ("enacted", 2023): ("2022-12-20", "2023-01-20", 31, {"obs": "on_time", "pefa": "late", "uu14": "on_time"}),
    ("amended", 2023): ("2023-09-28", "2024-02-15", 140, {"obs": "late", "pefa": "late", "uu14": "on_time"}),
    ("semester", 2023): ("2023-06-30", "2024-02-15", 230, {"obs": "late", "pefa": "late", "uu14": "late"}),
    ("year_end", 2023): ("2023-12-31", "2024-02-15", 46, {"obs": "on_time", "pefa": "on_time", "uu14": "on_time"}),
    ("performance", 2023): ("2023-12-31", "2024-05-15", 136, {"obs": "n/a", "pefa": "n/a", "uu14": "on_time"}),
    ("enacted", 2024): ("2023-12-15", "2023-12-27", 12, {"obs": "on_time", "pefa": "on_time", "uu14": "on_time"}),
    ("amended", 2024): ("2024-09-27", "2024-12-20", 84, {"obs": "on_time", "pefa": "late", "uu14": "on_time"}),
    ("semester", 2024): ("2024-06-30", "2024-07-20", 20, {"obs": "on_time", "pefa": "on_time", "uu14": "on_time"}),
    # the year-end LRA of 2025-03-10 changed 2024's realisation after the year closed
    ("year_end", 2024): ("2024-12-31", "2025-03-10", 69, {"obs": "on_time", "pefa": "on_time", "uu14": "on_time"}),
    # no 2024 performance report was ever published: missing once UU 14/2008's six months ran out
    ("performance", 2024): ("2024-12-31", None, None, {"obs": "n/a", "pefa": "n/a", "uu14": "missing"}),
}


def _card(ws, today):
    from publish.portal import transparency
    from publish.portal.context import load_site

    return transparency.card(load_site(ws), today)


def test_known_years_give_known_grades(regions):
    card = _card(regions["A"], D("2026-11-30"))
    docs = {(d["id"], e["year"]): d for e in card["years"] for d in e["documents"]}
    for key, (legal, published, days, grades) in EXPECTED.items():
        doc = docs[key]
        assert doc["legalDate"] == legal, key
        assert (doc["published"] or {}).get("date") == published, key
        assert doc["days"] == days, key
        assert {k: v["status"] for k, v in doc["grades"].items()} == grades, key
    assert docs[("enacted", 2024)]["basis"]["regulation"] == "perda-2023-12"
    assert docs[("amended", 2023)]["basis"]["regulation"] == "perda-2023-9"
    years = {e["year"]: e for e in card["years"]}
    assert years[2023]["pefa"]["elements"] == {"2": False, "3": False, "4": True}
    assert years[2024]["pefa"]["elements"] == {"2": True, "3": True, "4": True}
    # C needs four basic elements; the portal can show three of the five, so D is the honest score.
    assert years[2024]["pefa"]["score"] == "D" and years[2024]["pefa"]["basicMet"] == 3
    assert years[2024]["obs"] == {"onTime": 4, "graded": 4}


def test_the_withdrawn_version_is_no_evidence(regions):
    """The pergeseran uploaded on 2024-08-02 and withdrawn the next day publishes nothing."""
    card = _card(regions["A"], D("2026-11-30"))
    used = {d["published"]["version"] for e in card["years"] for d in e["documents"] if d["published"]}
    from publish.releases import list_releases

    gone = {e["version"] for e in list_releases(regions["A"], "apbd") if e.get("withdrawn")}
    assert gone and not used & gone


def test_a_document_not_yet_due_is_pending_and_turns_missing_when_its_window_closes(regions):
    early = _card(regions["A"], D("2025-05-01"))
    late = _card(regions["A"], D("2025-07-01"))

    def status(card):
        doc = next(d for e in card["years"] if e["year"] == 2024 for d in e["documents"] if d["id"] == "performance")
        return doc["grades"]["uu14"]["status"]

    assert status(early) == "pending" and status(late) == "missing"


def _snap(version, day, year, count, total=100, basis=None, complete=False):
    return Snapshot(version, D(day), {year: (count, total, basis, complete)})


REGISTER = [{"id": "perda-1", "judul": "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2030",
             "tanggal_penetapan": D("2029-12-20"), "tanggal_pengundangan": D("2029-12-22"), "jenis": "Peraturan Daerah",
             "nomor": "1", "tahun": 2029},
            {"id": "perda-2", "judul": "Perubahan Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2030",
             "tanggal_penetapan": None, "tanggal_pengundangan": D("2030-09-30"), "jenis": "Peraturan Daerah",
             "nomor": "2", "tahun": 2030}]


def _doc(card, name):
    return next(d for d in card["years"][0]["documents"] if d["id"] == name)


@pytest.mark.parametrize("published, grades", [
    ("2030-01-03", {"obs": "on_time", "pefa": "on_time", "uu14": "on_time"}),   # 14 days: inside every window
    ("2030-01-04", {"obs": "on_time", "pefa": "late", "uu14": "on_time"}),      # day 15: PEFA's two weeks are over
    ("2030-03-20", {"obs": "on_time", "pefa": "late", "uu14": "on_time"}),      # three months to the day
    ("2030-03-21", {"obs": "late", "pefa": "late", "uu14": "on_time"}),
    ("2030-06-21", {"obs": "late", "pefa": "late", "uu14": "late"}),            # past six months
])
def test_window_edges(published, grades):
    snaps = {"enacted": [_snap("1.0.0", published, 2030, 5, basis="perda-1")]}
    card = scorecard(RULES, snaps, REGISTER, [2030], D("2031-12-31"))
    doc = _doc(card, "enacted")
    assert doc["legalDate"] == "2029-12-20" and {k: v["status"] for k, v in doc["grades"].items()} == grades


def test_missing_documents_are_never_on_time():
    card = scorecard(RULES, {}, REGISTER, [2030], D("2031-12-31"))
    for doc in card["years"][0]["documents"]:
        assert "on_time" not in {g["status"] for g in doc["grades"].values()}, doc["id"]
    assert {g["status"] for g in _doc(card, "enacted")["grades"].values()} == {"missing"}
    # The amendment's Perda is in the register, so the amendment was made and its data is missing.
    amended = _doc(card, "amended")
    assert amended["legalDate"] == "2030-09-30" and amended["basis"]["field"] == "tanggal_pengundangan"
    assert {g["status"] for g in amended["grades"].values()} == {"missing"}
    assert card["years"][0]["pefa"]["score"] == "D" and card["years"][0]["obs"]["onTime"] == 0


def test_without_a_register_entry_the_budget_is_due_by_new_year_and_an_amendment_is_not_expected():
    card = scorecard(RULES, {}, [], [2031], D("2031-02-01"))
    enacted = _doc(card, "enacted")
    assert enacted["legalDate"] is None and enacted["expected"] == "2030-12-31"
    assert enacted["grades"]["pefa"]["status"] == "missing" and enacted["grades"]["obs"]["status"] == "pending"
    assert {g["status"] for g in _doc(card, "amended")["grades"].values()} == {"none"}


def test_published_without_a_known_legal_date_is_not_counted_on_time():
    snaps = {"enacted": [_snap("1.0.0", "2031-01-05", 2031, 3, basis="perda-tidak-terdaftar")]}
    card = scorecard(RULES, snaps, [], [2031], D("2032-01-01"))
    assert {g["status"] for g in _doc(card, "enacted")["grades"].values()} == {"no_legal_date"}


def test_a_period_report_needs_figures_new_after_the_period_ends():
    # Realisation published in April (a first-quarter report) and never updated: no semester report.
    snaps = {"semester": [_snap("1.0.0", "2030-04-10", 2030, 10, 50)],
             "year_end": [_snap("1.0.0", "2030-04-10", 2030, 10, 50),
                          _snap("1.1.0", "2031-02-01", 2030, 12, 90, complete=True)]}
    card = scorecard(RULES, snaps, REGISTER, [2030], D("2031-12-31"))
    assert _doc(card, "semester")["published"] is None
    assert _doc(card, "semester")["grades"]["obs"]["status"] == "missing"
    assert _doc(card, "year_end")["published"] == {"version": "1.1.0", "date": "2031-02-01"}
    assert _doc(card, "year_end")["days"] == 32


def test_realisation_for_some_lines_only_is_no_year_end_report():
    # Semester figures (half the lines) first published after the year closed: a late in-year report, and the
    # year-end report is still missing until every line of a stage has its realisation.
    partial = [_snap("1.0.0", "2031-02-01", 2030, 6, 40, complete=False)]
    card = scorecard(RULES, {"semester": partial, "year_end": partial}, REGISTER, [2030], D("2032-01-15"))
    assert _doc(card, "semester")["grades"]["obs"]["status"] == "late"
    assert _doc(card, "year_end")["published"] is None
    assert {g["status"] for g in _doc(card, "year_end")["grades"].values()} == {"missing"}


def test_calendar_lists_what_is_due_by_the_strictest_window():
    snaps = {"enacted": [_snap("1.0.0", "2030-01-02", 2030, 5, basis="perda-1")]}
    card = scorecard(RULES, snaps, REGISTER, [2030], D("2030-07-15"))
    rows = {r["document"]: r for r in release_calendar(card, [2030])}
    assert rows["enacted"]["state"] == "published" and rows["enacted"]["due"] == "2030-01-03"
    assert rows["semester"]["due"] == "2030-07-30" and rows["semester"]["strictest"] == "pefa"
    assert rows["semester"]["state"] == "scheduled" and rows["amended"]["state"] == "scheduled"


def test_add_window_clamps_to_the_end_of_the_month():
    assert add_window(D("2023-11-30"), {"months": 3}) == D("2024-02-29")
    assert add_window(D("2024-08-31"), {"months": 6}) == D("2025-02-28")
    assert add_window(D("2024-12-20"), {"days": 14}) == D("2025-01-03")


def test_pages_json_and_calendar_are_published(regions):
    site = regions["A"].site
    card = json.loads((site / "transparansi/skor.json").read_text(encoding="utf-8"))
    years = [e["year"] for e in card["years"]]
    assert years[:2] == [2023, 2024]
    for year in years:
        for prefix in ("", "en/"):
            assert (site / prefix / f"transparansi/{year}/index.html").is_file()
    page = (site / "transparansi/2024/index.html").read_text(encoding="utf-8")
    assert "paling singkat 6 (enam) bulan sekali" in page and "within two weeks of passage of the law" in page
    assert "no later than three months after it is approved" in page
    english = (site / "en/transparansi/2023/index.html").read_text(encoding="utf-8")
    assert "Publication timeliness, fiscal year 2023" in english and "late" in english
    calendar = json.loads((site / "transparansi/jadwal-rilis.json").read_text(encoding="utf-8"))
    assert calendar and {r["state"] for r in calendar} <= {"published", "overdue", "scheduled"}
    csv_text = (site / "transparansi/jadwal-rilis.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("tahun,dokumen,judul,dataset,tanggal_acuan,paling_lambat")
    assert len(csv_text.strip().splitlines()) == len(calendar) + 1
    assert (site / "transparansi/jadwal/index.html").is_file()
    assert (site / "en/transparansi/jadwal/index.html").is_file()


def test_rules_name_declared_datasets_columns_and_windows():
    from publish.declarations import load_declaration

    root = Path(__file__).resolve().parents[2] / "schemas"
    for doc in RULES["documents"]:
        decl = load_declaration(root / doc["dataset"])
        columns = {doc["year"], doc["measure"], *doc.get("where", {}), (doc.get("legalDate") or {}).get("regulation"),
                   (doc.get("complete") or {}).get("by")}
        assert columns - {None} <= set(decl.field_names), doc["id"]
        for standard, window in doc["standards"].items():
            assert window in RULES["standards"][standard]["windows"], (doc["id"], standard)
        assert ("periodEnd" in doc) != ("legalDate" in doc), doc["id"]
    for standard in RULES["standards"].values():
        assert standard["short"] and standard["title"] and standard["source"]
        for window in standard["windows"].values():
            assert window["text"] and (("months" in window) != ("days" in window))
