"""No silent row loss: every source row is in the clean table or named in the report with its reason and count."""

from __future__ import annotations

from collections import Counter

from assets.validation import check_bytes
from tests.test_hostile.conftest import declared
from tests.test_hostile.workbooks import workbook

HEADER = ["tahun", "tahap", "kode wilayah", "kode skpd", "nama skpd", "kode sub kegiatan", "kode rekening",
          "nama rekening", "pagu", "realisasi"]
LINE = ["2024", "murni", "32.60", "1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1.02.02.2.01.0001"]


def _csv(rows: list[list[str]]) -> bytes:
    return "".join(";".join(r) + "\n" for r in [HEADER] + rows).encode()


JUMLAH = [LINE + ["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", "1.000.000", ""],
          LINE + ["5.1.02.01.01.0025", "Jumlah", "999.000.000.000", ""],  # a detail line named like a total
          LINE[:4] + ["", "", "", "JUMLAH", "999.001.000.000", ""]]  # the real total: no key of its own


def _counts(report) -> Counter:
    return Counter({g["type"]: g["count"] for g in report.groups()})


def test_a_detail_line_named_jumlah_is_kept_and_the_total_is_counted(check):
    report = check("apbd", _csv(JUMLAH))
    assert report.rows == 2
    counts = _counts(report)
    assert counts["total-row"] == 1 and counts["total-name-kept"] == 1
    (kept,) = [p for p in report.problems if p.type == "total-name-kept"]
    assert (kept.row, kept.value, kept.severity) == (3, "Jumlah", "warning")


def test_the_jumlah_line_keeps_its_amount():
    checked = check_bytes(_csv(JUMLAH), "f.csv", declared("apbd"), {}, business_rules=False)
    amounts = dict(zip(checked.table.column("kode_rekening").to_pylist(), checked.table.column("anggaran").to_pylist()))
    assert amounts["5.1.02.01.01.0025"] == 999_000_000_000


def test_a_workbook_keeps_the_jumlah_line_too(check):
    rows = [HEADER] + [[int(c) if c.isdigit() else c for c in r] for r in JUMLAH]
    report = check("apbd", workbook(rows), "f.xlsx")
    assert report.rows == 2 and _counts(report)["total-row"] == 1


def test_every_source_row_is_accounted_for(check):
    """Rows in the table + blank rows + total rows named in the report = every row under the header."""
    rows = []
    for i in range(300):
        if i % 7 == 0:
            rows.append([""] * len(HEADER))
        elif i % 11 == 0:
            rows.append(LINE[:4] + ["", "", "", "Total", "5", ""])
        else:
            rows.append(LINE + [f"5.1.02.01.01.{i:04d}", f"Belanja {i}", "1.000", ""])
    report = check("apbd", _csv(rows))
    counts = _counts(report)
    assert report.rows + counts["blank-row"] + counts["total-row"] == 300
    assert counts["blank-row"] == 43 and counts["total-row"] == 24


def test_a_file_of_summary_lines_only_is_rejected_not_invisible(check):
    rows = [LINE[:5] + ["0.00.00.0.00.0000", code, name, "1.000.000", ""]
            for code, name in (("4", "PENDAPATAN DAERAH"), ("4.1", "PAD"), ("4.1.01", "Pajak Daerah"))]
    report = check("apbd", _csv(rows))
    (problem,) = [p for p in report.problems if p.type == "summary-only"]
    assert problem.severity == "error" and problem.field == "kode_rekening"
    assert "row 2 '4', row 3 '4.1', row 4 '4.1.01'" in problem.note and "baris 2 '4'" in problem.note_id


def test_summary_lines_beside_detail_lines_are_counted(check):
    rows = [LINE[:5] + ["0.00.00.0.00.0000", "4", "PENDAPATAN DAERAH", "1.000", ""],
            LINE[:5] + ["0.00.00.0.00.0000", "4.1.01.01.01.0001", "Pajak Hotel", "1.000", ""]]
    report = check("apbd", _csv(rows))
    (note,) = [p for p in report.problems if p.type == "summary-rows"]
    assert note.severity == "info" and note.note.startswith("1 of 2 rows are summary lines")
    assert not [p for p in report.problems if p.type == "summary-only"]


def test_a_million_blank_rows_keep_a_bounded_report_with_exact_counts(check):
    report = check("wilayah", b"kode,nama,tingkat,kode_induk\n32,JAWA BARAT,provinsi,\n" + b"\n" * 1_000_000)
    assert report.counts["warning|blank-row|None|None"] == 1_000_000
    assert len([p for p in report.problems if p.type == "blank-row"]) <= 200
