"""Properties of the number and date readers: canonical values come back exactly, ambiguity is never guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.dates import MONTHS_ID, parse_date, parse_date_column
from assets.numbers import ValueProblem, parse_number, parse_number_array, parse_number_column

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
amounts = st.integers(min_value=-(10**15), max_value=10**15)
cents = st.integers(min_value=0, max_value=99)


def _grouped(n: int, sep: str) -> str:
    return ("-" if n < 0 else "") + f"{abs(n):,}".replace(",", sep)


@SETTINGS
@given(amounts, cents)
def test_indonesian_and_english_forms_round_trip(n, c):
    value = Decimal(n) + (Decimal(c) / 100 if n >= 0 else -Decimal(c) / 100)
    id_text = f"{_grouped(n, '.')},{c:02d}"
    en_text = f"{_grouped(n, ',')}.{c:02d}"
    assert parse_number(id_text, style="id") == value
    assert parse_number(en_text, style="en") == value
    assert parse_number(str(value), style="published") == value


@SETTINGS
@given(amounts)
def test_whole_rupiah_round_trip_in_every_declared_style(n):
    assert parse_number(_grouped(n, "."), style="id") == n
    assert parse_number(_grouped(n, ","), style="en") == n
    assert parse_number(str(n), style="auto") == n


@SETTINGS
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999),
       st.sampled_from([".", ","]))
def test_a_single_three_digit_group_is_never_guessed(head, tail, mark):
    text = f"{head}{mark}{tail:03d}"  # 313.637: 313637 or 313.637?
    with pytest.raises(ValueProblem) as caught:
        parse_number(text, style="auto")
    assert caught.value.code == "ambiguous-number"
    values, problems = parse_number_column([text], kind="number", style="auto")
    assert values == [None] and problems[0].code == "ambiguous-number"
    array, problems = parse_number_array(pa.array([text]), kind="number", style="auto")
    assert array.null_count == 1 and problems[0].code == "ambiguous-number"


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_published_floats_come_back_exactly(x):
    """What the release writer writes for a float (Arrow's text) reads back to the same float."""
    text = pc.cast(pa.array([x]), pa.string())[0].as_py()
    array, problems = parse_number_array(pa.array([text]), kind="number", style="published")
    assert not problems and array[0].as_py() == x


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789.,-Rp% MjtT()", max_size=14),
                          amounts.map(lambda n: _grouped(n, ".")), amounts.map(str)), max_size=40),
       st.sampled_from(["auto", "id", "en", "published"]), st.sampled_from(["number", "integer"]),
       st.booleans())
def test_the_bulk_reader_agrees_with_the_cell_reader(cells, style, kind, flags):
    options = {"units": flags, "currency": flags, "percent": flags}
    values, problems = parse_number_column(cells, kind=kind, style=style, **options)
    array, bulk_problems = parse_number_array(pa.array(cells, pa.string()), kind=kind, style=style, **options)
    assert {i: p.code for i, p in problems.items()} == {i: p.code for i, p in bulk_problems.items()}
    for i, value in enumerate(values):
        got = array[i].as_py()
        assert (got is None) == (value is None), (cells[i], value, got)
        if value is not None:
            assert got == (int(value) if kind == "integer" else float(value)), cells[i]


@SETTINGS
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip_in_every_declared_form(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}") == day
    assert parse_date(day.isoformat(), formats=("iso",)) == day
    if day.day > 12:  # the day cannot be a month: no ambiguity with mm/dd/yyyy
        assert parse_date(day.strftime("%d/%m/%Y"), formats=("dd/mm/yyyy", "mm/dd/yyyy")) == day


@SETTINGS
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).filter(
    lambda d: d.day <= 12 and d.day != d.month))
def test_a_date_two_formats_read_differently_is_never_guessed(day):
    text = day.strftime("%d/%m/%Y")
    with pytest.raises(ValueProblem) as caught:
        parse_date(text, formats=("dd/mm/yyyy", "mm/dd/yyyy"))
    assert caught.value.code == "ambiguous-date"
    assert parse_date_column([text], formats=("dd/mm/yyyy", "mm/dd/yyyy"))[1][0].code == "ambiguous-date"
