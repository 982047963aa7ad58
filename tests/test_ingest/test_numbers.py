"""Number strings as officers send them: exact values, refusals instead of guesses, fast columns."""

import csv
import pickle
import random
from decimal import Decimal
from pathlib import Path

import pytest

import assets.numbers as numbers
from assets.numbers import ValueProblem, parse_number, parse_number_column, to_whole

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real sample files are not here ({REAL})")

D = Decimal


@pytest.mark.parametrize("text, style, expected", [
    # Indonesian separators
    ("1.234.567,89", "id", D("1234567.89")),
    ("313.637", "id", D("313637")),
    ("1,5", "id", D("1.5")),
    ("1.234,56", "id", D("1234.56")),
    ("1234567,89", "id", D("1234567.89")),
    # English separators
    ("261,465.35", "en", D("261465.35")),
    ("313.637", "en", D("313.637")),
    ("1,500", "en", D("1500")),
    ("94.23", "en", D("94.23")),
    # auto decides only where the text itself decides
    ("94.23", "auto", D("94.23")),
    ("1,5", "auto", D("1.5")),
    ("1.234.567", "auto", D("1234567")),
    ("1,234,567", "auto", D("1234567")),
    ("1.234,56", "auto", D("1234.56")),
    ("261,465.35", "auto", D("261465.35")),
    ("1.234.567,89", "auto", D("1234567.89")),
    ("1234.567", "auto", D("1234.567")),  # four digits before the mark cannot be a thousands group
    ("0.500", "auto", D("0.500")),  # nor can a leading zero
    ("12345", "auto", D("12345")),
    ("007", "auto", D("7")),
    # sign, accounting parentheses and whitespace
    ("-1.234", "id", D("-1234")),
    ("(1.234)", "id", D("-1234")),
    ("(1.234,50)", "auto", D("-1234.50")),
    ("\u2212 7", "auto", D("-7")),
    ("  42\u00a0", "auto", D("42")),
    # exact beyond the 28 digits of the default decimal context, negative too
    ("-7171272010065472812,0680466011039655997", "id", D("-7171272010065472812.0680466011039655997")),
    ("\u00a0 1.234.567 \t", "id", D("1234567")),
])
def test_parse_number(text, style, expected):
    value = parse_number(text, style=style)
    assert value == expected and isinstance(value, Decimal)


@pytest.mark.parametrize("text, options, expected", [
    ("Rp0,00", {"currency": True}, D("0")),
    ("Rp 1.234.567", {"currency": True}, D("1234567")),
    ("Rp. 1.234.567", {"currency": True, "style": "id"}, D("1234567")),
    ("Rp.500", {"currency": True, "style": "id"}, D("500")),
    ("IDR 1,234,567.50", {"currency": True}, D("1234567.50")),
    ("IDR1.000.000", {"currency": True}, D("1000000")),
    ("-Rp 5.000", {"currency": True, "style": "id"}, D("-5000")),
    ("Rp -5.000", {"currency": True, "style": "id"}, D("-5000")),
    ("(Rp 5.000)", {"currency": True, "style": "id"}, D("-5000")),
    ("Rp 50.000,-", {"currency": True}, D("50000")),  # ",-" means "no sen" and marks Indonesian separators
    ("11,3 M", {"units": True}, D("11300000000")),
    ("11.302,42 M", {"units": True}, D("11302420000000")),
    ("0,60 M", {"units": True, "style": "id"}, D("600000000")),
    ("11,3M", {"units": True}, D("11300000000")),
    ("5 rb", {"units": True}, D("5000")),
    ("5 ribu", {"units": True}, D("5000")),
    ("1,5 jt", {"units": True}, D("1500000")),
    ("2 Juta", {"units": True}, D("2000000")),
    ("3 miliar", {"units": True}, D("3000000000")),
    ("3 Milyar", {"units": True}, D("3000000000")),
    ("3 m", {"units": True}, D("3000000000")),
    ("1,25 T", {"units": True}, D("1250000000000")),
    ("2 triliun", {"units": True}, D("2000000000000")),
    ("Rp 2,5 M", {"units": True, "currency": True}, D("2500000000")),
    ("94.23%", {"percent": True}, D("94.23")),
    ("80%", {"percent": True}, D("80")),
    ("12,5 %", {"percent": True}, D("12.5")),
])
def test_parse_number_decorations(text, options, expected):
    assert parse_number(text, **options) == expected


def test_units_spell_out_the_zeros():
    assert str(parse_number("11,3 M", units=True)) == "11300000000"


@pytest.mark.parametrize("text, options, code", [
    ("313.637", {}, "ambiguous-number"),
    ("1,500", {}, "ambiguous-number"),
    ("-1.000", {}, "ambiguous-number"),
    ("(1.234)", {}, "ambiguous-number"),
    ("Rp 1.000", {"currency": True}, "ambiguous-number"),
    ("12.34.567", {}, "type-error"),
    ("12.34.567", {"style": "id"}, "type-error"),
    ("1.234.567,89", {"style": "en"}, "type-error"),
    ("94.23", {"style": "id"}, "type-error"),  # under "id" a dot groups thousands
    ("1.5", {"style": "id"}, "type-error"),
    ("1,5", {"style": "en"}, "type-error"),
    ("0.500", {"style": "id"}, "type-error"),
    ("1.234,5.6", {}, "type-error"),
    ("1..2", {}, "type-error"),
    ("1.", {}, "type-error"),
    (".5", {}, "type-error"),
    ("abc", {}, "type-error"),
    ("12abc", {}, "type-error"),
    ("", {}, "type-error"),
    ("\u00a0 ", {}, "type-error"),
    ("-", {}, "type-error"),
    ("--5", {}, "type-error"),
    ("1e5", {}, "type-error"),
    ("NaN", {}, "type-error"),
    ("1 234 567", {}, "type-error"),
    ("\u0661\u0662", {}, "type-error"),  # Arabic-Indic digits: Decimal() would take them, we do not
    ("Rp 1.234", {"style": "id"}, "type-error"),  # currency not declared
    ("11,3 M", {"style": "id"}, "type-error"),  # units not declared
    ("11,3 bn", {"style": "id", "units": True}, "type-error"),
    ("94.23%", {}, "type-error"),  # percent not declared
    ("5%%", {"percent": True}, "type-error"),
    ("Rp 50.000,-", {"currency": True, "style": "en"}, "type-error"),
    ("M", {"units": True}, "type-error"),
    ("Rp", {"currency": True}, "type-error"),
])
def test_parse_number_refuses(text, options, code):
    with pytest.raises(ValueProblem) as caught:
        parse_number(text, **options)
    assert caught.value.code == code


def test_value_problem_carries_both_languages():
    with pytest.raises(ValueProblem) as caught:
        parse_number("313.637")
    problem = caught.value
    assert isinstance(problem, ValueError)
    assert str(problem) == problem.message_en
    assert "313.637" in problem.message_en and "313.637" in problem.message_id
    assert "313637" in problem.message_en and "313 point 637" in problem.message_en
    assert "313 koma 637" in problem.message_id  # the Indonesian message must not write 313.637 as "the decimal"
    copy = pickle.loads(pickle.dumps(problem))
    assert (copy.code, copy.message_en, copy.message_id) == (problem.code, problem.message_en, problem.message_id)


def test_undeclared_decoration_says_what_to_declare():
    with pytest.raises(ValueProblem) as caught:
        parse_number("11,3 M", style="id")
    assert "units" in caught.value.message_en and "satuan" in caught.value.message_id


@pytest.mark.parametrize("value, expected", [(D("0.00"), 0), (D("1234567"), 1234567), (D("-5"), -5),
                                             (D("11300000000"), 11300000000), (D("1E+3"), 1000)])
def test_to_whole(value, expected):
    result = to_whole(value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [D("1234.56"), D("0.5"), D("-0.01")])
def test_to_whole_refuses_a_fraction(value):
    with pytest.raises(ValueProblem) as caught:
        to_whole(value)
    assert caught.value.code == "not-whole-number"


def test_column_of_numbers():
    values = ["1.234,5", None, "", "  ", "313.637", "94.23", "abc", "1.234.567", "Rp 5", "-7"]
    parsed, problems = parse_number_column(values)
    assert parsed == [D("1234.5"), None, None, None, None, D("94.23"), None, D("1234567"), None, D("-7")]
    assert {i: p.code for i, p in problems.items()} == {4: "ambiguous-number", 6: "type-error", 8: "type-error"}
    assert all(isinstance(v, Decimal) for v in parsed if v is not None)


def test_column_of_integers():
    values = ["Rp0,00", "Rp 1.234.567", "1.234,56", "1.234.567,00", "42", "-3", None, "11,3 M"]
    parsed, problems = parse_number_column(values, kind="integer", style="id", currency=True, units=True)
    assert parsed == [0, 1234567, None, 1234567, 42, -3, None, 11300000000]
    assert all(type(v) is int for v in parsed if v is not None)
    assert {i: p.code for i, p in problems.items()} == {2: "not-whole-number"}
    assert "1.234,56" in problems[2].message_en


def test_column_parses_each_distinct_leftover_once(monkeypatch):
    calls = []
    real = numbers._parse
    monkeypatch.setattr(numbers, "_parse", lambda text, *args: calls.append(text) or real(text, *args))
    values = ["11,3 M"] * 500 + ["313.637"] * 500 + ["12", "3.5", "Rp 1.234.567"] * 500
    parsed, problems = parse_number_column(values, currency=True, units=True)
    assert sorted(calls) == ["11,3 M", "313.637"]  # plain (and plain Rp) values never reach parse_number
    assert len(problems) == 500 and parsed[0] == D("11300000000") and parsed[-1] == D("1234567")


def _random_cells(seed: str, count: int) -> list:
    """Cells built from the pieces officers combine, so the bulk path meets every odd corner."""
    rng = random.Random(seed)
    pieces = ["", "", "-", "(", "Rp", "Rp ", "IDR", " ", "\u00a0"]
    def digits():
        return "".join(rng.choice("0123456789") for _ in range(rng.choice([1, 2, 3, 3, 4, 7, 19])))
    cells = []
    for _ in range(count):
        core = digits()
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            core += rng.choice(".,") + rng.choice([digits(), "000", "00", "5"])
        cell = rng.choice(pieces) + rng.choice(["", "-", "- "]) + core + rng.choice(["", "", "%", " %", " M", "jt", ")", ",-", " "])
        cells.append(rng.choice([cell, cell, None, "", "   ", "1.234", "-0", "0,00"]))
    return cells


@pytest.mark.parametrize("kind", ["number", "integer"])
@pytest.mark.parametrize("style", ["auto", "id", "en"])
@pytest.mark.parametrize("flags", [{}, {"currency": True, "percent": True, "units": True}])
def test_column_agrees_with_parse_number(kind, style, flags):
    cells = _random_cells(f"{kind}-{style}-{sorted(flags)}", 3000)
    parsed, problems = parse_number_column(cells, kind=kind, style=style, **flags)
    for i, cell in enumerate(cells):
        if cell is None or not cell.strip():
            assert parsed[i] is None and i not in problems
            continue
        try:
            expected = parse_number(cell, style=style, **flags)
            if kind == "integer":
                expected = to_whole(expected)
        except ValueProblem as problem:
            assert parsed[i] is None and problems[i].code == problem.code, cell
        else:
            assert i not in problems and parsed[i] == expected and type(parsed[i]) is type(expected), cell


@needs_real
def test_real_apbd_surabaya():
    with open(REAL / "djpk_apbd_jatim_2024_Kota_Surabaya.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 27
    anggaran, problems = parse_number_column([r["anggaran"] for r in rows], style="id", units=True)
    assert problems == {}
    assert anggaran[0] == D("11302420000000")  # "11.302,42 M"
    realisasi, problems = parse_number_column([r["realisasi"] for r in rows], kind="integer", style="id", units=True)
    assert problems == {} and realisasi[21] == 600000000  # "0,60 M"
    persentase, problems = parse_number_column([r["persentase"] for r in rows], style="en")
    assert problems == {}
    assert persentase[0] == D("87.97") and persentase[-1] == D("100.00")


@needs_real
def test_real_percentages_odjatim():
    with open(REAL / "odjatim_target_realisasi_persen.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    realisasi, problems = parse_number_column([r["realisasi"] for r in rows], percent=True)
    assert problems == {} and realisasi[1] == D("94.23")
