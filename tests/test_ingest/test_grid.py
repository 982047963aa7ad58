"""The columnar CSV path (assets/grid.py) splits and ingests files exactly as Python's csv module path does."""

from __future__ import annotations

import csv
import dataclasses
import io
import random

import pytest

import assets.grid as grid
from assets.ingest import ingest_sheet
from assets.reading import Sheet, UnusableFile, read_csv
from publish.declarations import Declaration

TRICKY = [
    'a,b\n1,2\n\n3,"x\ny"\n4,5,6\n7\n"8",9\n',  # blank line, quoted newline, extra and missing cells
    'a,b\nab"c,2\n"ab"c,3\n"a""b",4\n  "q",5\n',  # quotes where Python's csv keeps or drops them
    'a,b\r\n1,2\r3,4\r\n\r\n5,"x\r\ny"',  # mixed line ends, a quoted \r\n, no final newline
    "a;b\n1;2\n;\n \n",
    "x\n\n\n",
]


def python_rows(text: str, delimiter: str) -> list[list[str]]:
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


@pytest.mark.parametrize("text", TRICKY)
def test_rows_match_python_csv(text):
    sheet = read_csv(text.encode())
    assert sheet.grid is not None
    assert list(sheet.rows) == python_rows(text, sheet.delimiter)


def test_file_ending_inside_a_quote_falls_back_to_python_csv():
    text = 'a,b\n1,"open\n'  # Arrow would drop the final \n inside the open quote
    sheet = read_csv(text.encode())
    assert sheet.grid is None
    assert sheet.rows == python_rows(text, ",")


def test_small_blocks_keep_rows_and_numbers(monkeypatch):
    monkeypatch.setattr(grid, "BLOCK", 16)
    monkeypatch.setattr(grid, "HEAD_ROWS", 1)
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice(['a', 'b', ',', '"', '\n', ' ', 'é']) for _ in range(rng.randint(1, 120)))
        sheet = read_csv(text.encode())
        expected = python_rows(text, sheet.delimiter)
        # Beyond the head an empty line reads as empty cells, not []; both are the same blank row.
        assert [r if any(r) else [] for r in sheet.rows] == [r if any(r) else [] for r in expected]


@pytest.fixture
def declarations(tmp_path):
    fields = [{"name": "kode", "type": "string"}, {"name": "n", "type": "integer"}, {"name": "x", "type": "number"},
              {"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}, {"name": "absent", "type": "string"}]
    out = []
    for header in ("auto", "first"):  # built directly: a bare schema, without a published dataset's metadata
        out.append(Declaration(id="ds", folder=tmp_path / header,
                               descriptor={"name": "ds", "resources": [{"name": "ds", "schema": {"fields": fields}}]},
                               source={"header": header, "valueMaps": {"kode": {"A": "alpha"}},
                                       "dropRows": {"kode": ["TOTAL"], "n": ["9"]}, "numbers": {"style": "id"}}))
    return out


def _result(sheet, declaration):
    try:
        ingested = ingest_sheet(sheet, declaration)
    except UnusableFile as exc:
        return exc.message_en
    return (ingested.table.to_pylist(), [dataclasses.asdict(p) for p in ingested.problems],
            ingested.header_row, ingested.mapping)


def test_columnar_ingest_matches_row_by_row(declarations):
    cells = ["", " ", "A", "a", "TOTAL", "1", "9", "1.000", "1,5", "x", "2024-01-02", "02/01/2024", "ya", "tidak",
             ' "q" ', "\u00a0"]
    rng = random.Random(11)
    for _ in range(150):
        header = rng.sample(["kode", "n", "x", "d", "b", "extra", ""], rng.randint(2, 6))
        rows = [[rng.choice(cells)] for _ in range(rng.randint(0, 2))] + [header]
        for _ in range(rng.randint(0, 60)):
            width = len(header) if rng.random() < .8 else rng.randint(0, len(header) + 2)
            rows.append([rng.choice(cells) for _ in range(width)])
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        data = out.getvalue().encode()
        sheet = read_csv(data)
        assert sheet.grid is not None
        plain = Sheet("csv", python_rows(data.decode(), sheet.delimiter))
        for declaration in declarations:
            assert _result(sheet, declaration) == _result(plain, declaration), data
