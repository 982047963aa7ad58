"""Money on the portal reads the way each language writes it, to three significant digits, and budget
totals add every detail line exactly once, whatever subtotal rows the source file carried."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from publish.portal import formatting as f

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://data.sukamaju.example.go.id/"
REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}


@pytest.mark.parametrize("value, id_, en", [
    (1_464_000_000_000, "Rp 1,46 triliun", "IDR 1.46 trillion"),   # was "Rp 1,5 triliun"
    (1_040_000_000_000, "Rp 1,04 triliun", "IDR 1.04 trillion"),   # was "Rp 1 triliun"
    (1_000_000_000_000, "Rp 1 triliun", "IDR 1 trillion"),
    (1_465_000_000_000, "Rp 1,47 triliun", "IDR 1.47 trillion"),   # half rounds up, as people round
    (14_600_000_000, "Rp 14,6 miliar", "IDR 14.6 billion"),
    (146_400_000_000, "Rp 146 miliar", "IDR 146 billion"),
    (1_200_000_000, "Rp 1,2 miliar", "IDR 1.2 billion"),
    (5_810_000_000, "Rp 5,81 miliar", "IDR 5.81 billion"),
    (3_000_000, "Rp 3 juta", "IDR 3 million"),
    (999_960_000_000, "Rp 1 triliun", "IDR 1 trillion"),           # never "1.000 miliar"
    (999_400_000_000, "Rp 999 miliar", "IDR 999 billion"),
    (12_345_678_000_000_000, "Rp 12.346 triliun", "IDR 12,346 trillion"),  # past the largest word
    (150_000, "Rp 150 ribu", "IDR 150 thousand"),
    (999, "Rp 999", "IDR 999"),
    (0, "Rp 0", "IDR 0"),
    (-1_464_000_000_000, "Rp −1,46 triliun", "IDR −1.46 trillion"),
    (Decimal("1809372140900.00"), "Rp 1,81 triliun", "IDR 1.81 trillion"),
    (1.455e12, "Rp 1,46 triliun", "IDR 1.46 trillion"),
])
def test_money_keeps_three_significant_digits(value, id_, en):
    assert f.money(value, "id") == id_
    assert f.money(value, "en") == en


def test_exact_money_and_signed_money():
    assert f.money(1_464_321_000_000, "id", exact=True) == "Rp 1.464.321.000.000"
    assert f.money(1_464_321_000_000, "en", exact=True) == "IDR 1,464,321,000,000"
    assert f.signed_money(46_000_000_000, "id") == "+Rp 46 miliar"
    assert f.signed_money(-1_464_000_000_000, "en") == "−IDR 1.46 trillion"
    assert f.money(None, "id") == f.MISSING and f.compact(None, "en") == f.MISSING
    assert f.compact(2_345_678, "id", digits=2) == "2,3 juta"


def test_numbers_dates_and_times_follow_each_locale():
    assert f.number(-1_234_567.5, "id", 1) == "−1.234.567,5" and f.number(-1_234_567.5, "en", 1) == "−1,234,567.5"
    assert f.percent(78.65, "id") == "78,7%" and f.percent(2.55, "en") == "2.5%"  # as Python rounds the float
    assert f.number(float("nan"), "id") == f.MISSING and f.percent(None, "en") == f.MISSING
    assert [f.date(f"2024-{m:02d}-01", "id").split()[1] for m in (2, 5, 8, 12)] == ["Februari", "Mei", "Agustus",
                                                                                   "Desember"]
    assert f.date("2024-12-31T20:00:00Z", "en") == "1 January 2025"  # midnight passed in Jakarta already
    assert f.datetime("2024-03-15T03:30:00Z", "id", "Asia/Makassar") == "15 Maret 2024 pukul 11.30 WITA"
    assert f.datetime("2024-03-15T03:30:00Z", "en", "Asia/Jayapura") == "15 March 2024, 12:30 WIT"
    assert f.filesize(1536, "id") == "1,5 KB" and f.filesize(900, "en") == "900 B" and f.filesize(900, "id") == "900 bita"


# -- budget totals: detail lines only, each once ---------------------------------------------------------------

SKPD = "1.02.0.00.0.00.01.0000"
SUB = "1.02.01.2.01.0001"
DETAIL = {"5.1.02.01.01.0024": 1_000_000_000_000, "5.1.02.01.01.0025": 400_000_000_000,
          "5.2.02.05.01.0001": 64_000_000_000}  # spending 1.464 triliun
REVENUE = {"4.1.01.09.01.0001": 2_345_000_000_000}


def _subtotals(detail: dict) -> dict:
    """Every parent level (akun .. rincian objek) of the detail lines, carrying the sum under it."""
    out: dict[str, int] = {}
    for code, amount in detail.items():
        parts = code.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            out[parent] = out.get(parent, 0) + amount
    return out


def _line(code: str, amount: int, year: int, stage: str) -> dict:
    return {"tahun": year, "tahap": stage, "kode_wilayah": "32.60", "kode_skpd": SKPD,
            "nama_skpd": "Dinas Kesehatan", "kode_urusan": "1", "nama_urusan": "Urusan Wajib",
            "kode_program": "1.02.01", "nama_program": "Program", "kode_kegiatan": "1.02.01.2.01",
            "nama_kegiatan": "Kegiatan", "kode_sub_kegiatan": SUB, "nama_sub_kegiatan": "Sub kegiatan",
            "kode_rekening": code, "nama_rekening": f"Rekening {code}", "anggaran": amount,
            "realisasi": None, "dasar_hukum": None}


def _publish(root: Path, rows: list[dict], declared_where: bool = True):
    from publish.declarations import get_declaration
    from publish.releases import write_release
    from publish.workspace import Workspace
    from publish.writers import arrow_schema

    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copy(ROOT / "terbuka.json", root / "terbuka.json")
    if not declared_where:
        path = root / "schemas" / "apbd" / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        descriptor["terbuka:totals"].pop("where")
        path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    ws = Workspace(root).ensure()
    declaration = get_declaration(ws, "apbd")
    schema = arrow_schema(declaration)
    table = pa.Table.from_pylist([{fl.name: r.get(fl.name) for fl in schema} for r in rows], schema=schema)
    write_release(ws, declaration, table, REPORT, {"name": "apbd.xlsx", "sha256": "ab" * 32}, BASE,
                  run_id="run-apbd", now=dt.datetime(2025, 1, 6, 3, tzinfo=dt.timezone.utc))
    return ws


@pytest.mark.parametrize("declared_where", [True, False], ids=["declared-six-levels", "leaf-fallback"])
def test_budget_totals_sum_detail_lines_once_despite_subtotal_rows(tmp_path, declared_where):
    from publish.portal import build_site
    from publish.portal.budget import Budget
    from publish.portal.context import load_site
    from publish.portal.views import BUDGET, declared_views, of_kind

    lines = {**DETAIL, **_subtotals(DETAIL), **REVENUE, **_subtotals(REVENUE)}
    rows = [_line(code, amount, 2025, "murni") for code, amount in lines.items()]
    ws = _publish(tmp_path / "ws", rows, declared_where)

    loaded = load_site(ws)
    (view,) = of_kind(declared_views(loaded), BUDGET)
    budget = Budget(loaded, view)
    (stage,) = budget.stages
    spending, revenue = sum(DETAIL.values()), sum(REVENUE.values())
    assert stage.accounts["5"].planned == spending  # not six times over (akun, kelompok, ... , sub rincian)
    assert stage.accounts["4"].planned == revenue
    for key in ("skpd", "urusan", "program", "kegiatan", "sub_kegiatan", "kelompok", "jenis"):
        groups = budget.groups(stage, "5", key)
        assert sum(g.figures.planned for g in groups) == spending, key
        assert sum(g.figures.lines for g in groups) == len(DETAIL), key
    assert {g.code: g.figures.planned for g in budget.groups(stage, "5", "jenis")} == {
        "5.1.02": 1_400_000_000_000, "5.2.02": 64_000_000_000}
    assert sum(g.figures.planned for g in budget.groups(stage, "4", "jenis")) == revenue

    build_site(ws)
    site = ws.site
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Rp 1,46 triliun" in home and "Rp 2,35 triliun" in home
    assert "IDR 1.46 trillion" in (site / "en" / "index.html").read_text(encoding="utf-8")
    explorer = (site / "anggaran/2025/murni/index.html").read_text(encoding="utf-8")
    assert f.money(spending, "id", exact=True) in explorer
    for doubled in (sum(_subtotals(DETAIL).values()) + spending, 2 * spending):
        assert f.money(doubled, "id", exact=True) not in explorer + home
        assert f.money(doubled, "id") not in home


def test_short_money_for_narrow_columns_and_signed_changes():
    assert f.short(388_194_374_000, "id") == "388 M" and f.short(388_194_374_000, "en") == "388 bn"
    assert f.short(1_019_412_634_000, "id") == "1,02 T" and f.short(1_019_412_634_000, "en") == "1.02 tn"
    assert f.short(12_500_000, "id") == "12,5 jt" and f.short(999, "id") == "999"
    assert f.short(-1_200_000_000, "id") == "−1,2 M"
    assert f.signed_short(250_000_000, "en") == "+250 m" and f.signed_short(-250_000_000, "id") == "−250 jt"
    assert f.signed_percent(4.5, "id") == "+4,5%" and f.signed_percent(-2, "en") == "−2.0%"
    assert f.signed_percent(0.01, "id") == "0,0%"  # a change that rounds to nothing has no sign
    assert f.raw(3) == "3" and f.raw(44.3456789123) == "44.345679" and f.raw(None) == ""
