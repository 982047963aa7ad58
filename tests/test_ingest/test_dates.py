"""Date strings as officers send them: declared formats only, zero dates named, ambiguity refused."""

import csv
from datetime import date
from pathlib import Path

import pytest

import assets.dates as dates
from assets.dates import parse_date, parse_date_column
from assets.numbers import ValueProblem

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real sample files are not here ({REAL})")

DEFAULT = ("iso", "id-long", "dd/mm/yyyy")
BOTH_NUMERIC = ("dd/mm/yyyy", "mm/dd/yyyy")


@pytest.mark.parametrize("text, formats, expected", [
    ("2019-03-15", DEFAULT, date(2019, 3, 15)),
    ("2019-03-15T00:00:00", DEFAULT, date(2019, 3, 15)),
    ("2019-03-15 00:00:00", DEFAULT, date(2019, 3, 15)),
    ("2019-03-15T00:00", DEFAULT, date(2019, 3, 15)),
    ("2019-3-5", DEFAULT, date(2019, 3, 5)),
    (" 2019-03-15\u00a0", DEFAULT, date(2019, 3, 15)),
    ("15 Maret 2019", DEFAULT, date(2019, 3, 15)),
    ("15 Mar 2019", DEFAULT, date(2019, 3, 15)),
    ("15 Mar. 2019", DEFAULT, date(2019, 3, 15)),
    ("15 MARET 2019", DEFAULT, date(2019, 3, 15)),
    ("15-Mar-2019", DEFAULT, date(2019, 3, 15)),
    ("06 Januari 2023", ("id-long",), date(2023, 1, 6)),
    ("1 Jan 2023", ("id-long",), date(2023, 1, 1)),
    ("21 Februari 2019", ("id-long",), date(2019, 2, 21)),
    ("1 Feb 2020", ("id-long",), date(2020, 2, 1)),
    ("1 Peb 2020", ("id-long",), date(2020, 2, 1)),
    ("29 Februari 2020", ("id-long",), date(2020, 2, 29)),
    ("10 April 2019", ("id-long",), date(2019, 4, 10)),
    ("10 Apr 2019", ("id-long",), date(2019, 4, 10)),
    ("2 Mei 2019", ("id-long",), date(2019, 5, 2)),
    ("2 Juni 2019", ("id-long",), date(2019, 6, 2)),
    ("2 Jun 2019", ("id-long",), date(2019, 6, 2)),
    ("17 Juli 2019", ("id-long",), date(2019, 7, 17)),
    ("17 Jul 2019", ("id-long",), date(2019, 7, 17)),
    ("17 Agustus 1945", ("id-long",), date(1945, 8, 17)),
    ("17 Agu 1945", ("id-long",), date(1945, 8, 17)),
    ("17 Agt 1945", ("id-long",), date(1945, 8, 17)),
    ("17 Ags 1945", ("id-long",), date(1945, 8, 17)),
    ("17 Agust 1945", ("id-long",), date(1945, 8, 17)),
    ("9 September 2019", ("id-long",), date(2019, 9, 9)),
    ("9 Sep 2019", ("id-long",), date(2019, 9, 9)),
    ("9 Sept 2019", ("id-long",), date(2019, 9, 9)),
    ("28 Oktober 1928", ("id-long",), date(1928, 10, 28)),
    ("28 Okt 1928", ("id-long",), date(1928, 10, 28)),
    ("10 November 2019", ("id-long",), date(2019, 11, 10)),
    ("10 Nov 2019", ("id-long",), date(2019, 11, 10)),
    ("10 Nop 2019", ("id-long",), date(2019, 11, 10)),
    ("10 Nopember 2019", ("id-long",), date(2019, 11, 10)),
    ("14 Desember 2020", ("id-long",), date(2020, 12, 14)),
    ("14 Des 2020", ("id-long",), date(2020, 12, 14)),
    ("14 december 2020", ("id-long",), date(2020, 12, 14)),
    ("1 May 2020", ("id-long",), date(2020, 5, 1)),
    ("1 October 2020", ("id-long",), date(2020, 10, 1)),
    ("15/03/2019", DEFAULT, date(2019, 3, 15)),
    ("15-03-2019", DEFAULT, date(2019, 3, 15)),
    ("15.03.2019", DEFAULT, date(2019, 3, 15)),
    ("5/3/2019", DEFAULT, date(2019, 3, 5)),  # day first, as declared
    ("03/15/2019", ("mm/dd/yyyy",), date(2019, 3, 15)),
    ("13/02/2019", BOTH_NUMERIC, date(2019, 2, 13)),  # only one reading is a real date
    ("05/05/2019", BOTH_NUMERIC, date(2019, 5, 5)),  # both readings agree
])
def test_parse_date(text, formats, expected):
    assert parse_date(text, formats) == expected


@pytest.mark.parametrize("text, formats, code", [
    ("30 November -0001", DEFAULT, "zero-date"),
    ("30 November -0001", ("id-long",), "zero-date"),
    ("0000-00-00", DEFAULT, "zero-date"),
    ("0000-00-00 00:00:00", DEFAULT, "zero-date"),
    ("-0001-11-30", DEFAULT, "zero-date"),
    ("00/00/0000", DEFAULT, "zero-date"),
    ("05/03/2019", BOTH_NUMERIC, "ambiguous-date"),
    ("31 Februari 2019", DEFAULT, "type-error"),
    ("29 Februari 2019", ("id-long",), "type-error"),
    ("31/04/2019", DEFAULT, "type-error"),
    ("13/13/2019", DEFAULT, "type-error"),
    ("2019-02-30", DEFAULT, "type-error"),
    ("2019-03-15 10:30:00", DEFAULT, "type-error"),  # a time of day is not a date
    ("15 Maretz 2019", DEFAULT, "type-error"),
    ("15 Maret 19", DEFAULT, "type-error"),  # two-digit years are never guessed
    ("15/03/19", DEFAULT, "type-error"),
    ("03/15/2019", DEFAULT, "type-error"),  # month first only when declared
    ("2019-03-15", ("id-long",), "type-error"),  # only the listed formats are tried
    ("15 Maret 2019", ("iso",), "type-error"),
    ("15/03/2019", ("iso", "id-long"), "type-error"),
    ("abc", DEFAULT, "type-error"),
    ("", DEFAULT, "type-error"),
    ("\u0661\u0665/03/2019", DEFAULT, "type-error"),  # Arabic-Indic digits
])
def test_parse_date_refuses(text, formats, code):
    with pytest.raises(ValueProblem) as caught:
        parse_date(text, formats)
    assert caught.value.code == code


def test_zero_date_message_says_leave_it_empty():
    with pytest.raises(ValueProblem) as caught:
        parse_date("30 November -0001")
    problem = caught.value
    assert "placeholder for an unknown date" in problem.message_en and "empty" in problem.message_en
    assert "tidak diketahui" in problem.message_id and "Kosongkan" in problem.message_id
    assert str(problem) == problem.message_en


@pytest.mark.parametrize("text", ["30 November -0001", "0000-00-00"])
def test_zero_date_as_null(text):
    assert parse_date(text, zero_date="null") is None


def test_invalid_date_names_the_value():
    with pytest.raises(ValueProblem) as caught:
        parse_date("31 Februari 2019")
    assert "31 Februari 2019" in caught.value.message_en and "28" in caught.value.message_en
    assert "31 Februari 2019" in caught.value.message_id


def test_ambiguous_date_names_both_readings():
    with pytest.raises(ValueProblem) as caught:
        parse_date("05/03/2019", BOTH_NUMERIC)
    assert "5 March 2019" in caught.value.message_en and "3 May 2019" in caught.value.message_en
    assert "5 Maret 2019" in caught.value.message_id and "3 Mei 2019" in caught.value.message_id


@pytest.mark.parametrize("formats, zero_date", [(("iso", "yyyy/mm/dd"), "error"), ((), "error"), (DEFAULT, "zero")])
def test_bad_options_are_bugs_not_cell_problems(formats, zero_date):
    with pytest.raises(ValueError) as caught:
        parse_date("2019-03-15", formats, zero_date)
    assert not isinstance(caught.value, ValueProblem)


def test_date_column():
    values = ["15 Maret 2019", None, "", " ", "30 November -0001", "2019-03-15", "31 Februari 2019", "15/03/2019"]
    parsed, problems = parse_date_column(values)
    march = date(2019, 3, 15)
    assert parsed == [march, None, None, None, None, march, None, march]
    assert {i: p.code for i, p in problems.items()} == {4: "zero-date", 6: "type-error"}
    parsed, problems = parse_date_column(values, zero_date="null")
    assert parsed[4] is None and 4 not in problems


def test_date_column_parses_each_distinct_value_once(monkeypatch):
    calls = []
    real = dates._parse
    monkeypatch.setattr(dates, "_parse", lambda text, *args: calls.append(text) or real(text, *args))
    parsed, problems = parse_date_column(["15 Maret 2019", "0000-00-00"] * 1000, formats=("id-long",))
    assert sorted(calls) == ["0000-00-00", "15 Maret 2019"]
    assert parsed[0] == date(2019, 3, 15) and len(problems) == 1000


@needs_real
def test_real_peraturan_penetapan_dates():
    with open(REAL / "peraturan_go_id_metadata_2023-05-06.csv", encoding="utf-8", newline="") as f:
        values = [row["Ditetapkan Tanggal"] for row in csv.DictReader(f)]
    filled = [v for v in values if v.strip()]
    parsed, problems = parse_date_column(values, formats=("id-long",))
    assert {p.code for p in problems.values()} == {"zero-date"}
    assert len(problems) == 2  # SOURCES.md: 2 rows hold 30 November -0001
    assert sum(d is not None for d in parsed) == len(filled) - 2 == 5485
    assert parsed[0] == date(2019, 3, 15)
