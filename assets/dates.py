"""Read the date strings officers send (2019-03-15, 15 Maret 2019, 15/03/2019) without guessing."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

from assets.numbers import ValueProblem

FORMATS = ("iso", "id-long", "dd/mm/yyyy", "mm/dd/yyyy")
DEFAULT_FORMATS = ("iso", "id-long", "dd/mm/yyyy")
EXAMPLES = {"iso": "2019-03-15", "id-long": "15 Maret 2019", "dd/mm/yyyy": "15/03/2019", "mm/dd/yyyy": "03/15/2019"}

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
_ABBREVIATIONS = ("jan", "feb peb pebruari", "mar", "apr", "", "jun", "jul", "agu agt ags agust aug", "sep sept",
                  "okt oct", "nov nop nopember", "des dec")
MONTH_WORDS = {word: number for number, (indonesian, english, short) in
               enumerate(zip(MONTHS_ID, MONTHS_EN, _ABBREVIATIONS), start=1)
               for word in (indonesian.lower(), english.lower(), *short.split())}

# ASCII digits only: Python's \d would also take Arabic-Indic and other digits, which int() then accepts.
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?))?")
_LONG = re.compile(r"([0-9]{1,2})(?:\s+|-)([A-Za-z]+)\.?(?:\s+|-)([0-9]{4})")
_NUMERIC = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
# A zero date stands for "unknown" in MySQL/PHP systems; PHP renders 0000-00-00 as 30 November -0001.
_ZERO = re.compile(r"(?:0000-00-00|-0001-11-30|00([/.-])00\1 ?0000|30\s+(?:november|nopember|nov|nop)\.?\s+-0*1)"
                   r"(?:[T ]00:00(?::00)?)?", re.IGNORECASE | re.ASCII)


def _iso(text: str):
    if not (m := _ISO.fullmatch(text)):
        return None
    if m.group(4) and m.group(4).strip("0:.") != "":
        return ValueProblem("type-error",
                            f"'{text}' has a time of day ({m.group(4)}); this column holds dates only. Write the "
                            "date alone, e.g. 2019-03-15.",
                            f"'{text}' memuat jam ({m.group(4)}); kolom ini hanya berisi tanggal. Tulis tanggalnya "
                            "saja, misalnya 2019-03-15.")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def _id_long(text: str):
    if not (m := _LONG.fullmatch(text)):
        return None
    month = MONTH_WORDS.get(m.group(2).lower())
    if month is None:
        return ValueProblem("type-error",
                            f"'{text}': '{m.group(2)}' is not a month name. Write e.g. 15 Maret 2019 or 2019-03-15.",
                            f"'{text}': '{m.group(2)}' bukan nama bulan. Tulis misalnya 15 Maret 2019 atau "
                            "2019-03-15.")
    return int(m.group(3)), month, int(m.group(1))


def _day_first(text: str):
    if not (m := _NUMERIC.fullmatch(text)):
        return None
    return int(m.group(4)), int(m.group(3)), int(m.group(1))


def _month_first(text: str):
    if not (m := _NUMERIC.fullmatch(text)):
        return None
    return int(m.group(4)), int(m.group(1)), int(m.group(3))


_READERS = {"iso": _iso, "id-long": _id_long, "dd/mm/yyyy": _day_first, "mm/dd/yyyy": _month_first}


def _spelled(day: dt.date, months: tuple[str, ...]) -> str:
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _not_real(text: str, year: int, month: int, day: int) -> ValueProblem:
    """Why year-month-day is not on the calendar, in the officer's terms."""
    if not 1 <= month <= 12:
        return ValueProblem("type-error", f"'{text}' is not a real date: there is no month {month}.",
                            f"'{text}' bukan tanggal yang ada: tidak ada bulan ke-{month}.")
    if year < 1:
        return ValueProblem("type-error", f"'{text}' is not a real date: there is no year {year}.",
                            f"'{text}' bukan tanggal yang ada: tidak ada tahun {year}.")
    days = calendar.monthrange(year, month)[1]
    return ValueProblem("type-error",
                        f"'{text}' is not a real date: {MONTHS_EN[month - 1]} {year} has {days} days, "
                        f"so day {day} does not exist.",
                        f"'{text}' bukan tanggal yang ada: {MONTHS_ID[month - 1]} {year} hanya punya {days} hari, "
                        f"jadi tanggal {day} tidak ada.")


def _check_options(formats: Sequence[str], zero_date: str) -> None:
    unknown = [f for f in formats if f not in _READERS]
    if unknown or not formats:
        raise ValueError(f"date formats must be chosen from {FORMATS}, not {tuple(formats)!r}")
    if zero_date not in ("error", "null"):
        raise ValueError(f"zero_date must be 'error' or 'null', not {zero_date!r}")


def _parse(text: str, formats: Sequence[str], zero_date: str) -> dt.date | ValueProblem | None:
    # Returns the problem rather than raising it, so a column of bad cells does not spend its time unwinding.
    s = text.strip()
    if _ZERO.fullmatch(s):
        if zero_date == "null":
            return None
        return ValueProblem("zero-date",
                            f"'{s}' is a placeholder for an unknown date (a 'zero date' from the source system), "
                            "not a real date. Leave the cell empty when the date is unknown.",
                            f"'{s}' adalah pengganti untuk tanggal yang tidak diketahui ('tanggal nol' dari sistem "
                            "sumber), bukan tanggal sebenarnya. Kosongkan sel bila tanggalnya tidak diketahui.")
    readings: dict[str, dt.date] = {}
    problems: list[ValueProblem] = []
    for name in formats:
        found = _READERS[name](s)
        if isinstance(found, ValueProblem):
            problems.append(found)
        elif found is not None:
            try:
                readings[name] = dt.date(*found)
            except ValueError:
                problems.append(_not_real(s, *found))
    distinct = set(readings.values())
    if len(distinct) > 1:
        (first, a), (second, b) = list(readings.items())[:2]
        return ValueProblem(
            "ambiguous-date",
            f"'{s}' is ambiguous: as {first} it is {_spelled(a, MONTHS_EN)}, as {second} it is "
            f"{_spelled(b, MONTHS_EN)}. Write the date as year-month-day ({a.isoformat()}), or declare only one "
            "of these formats.",
            f"'{s}' ambigu: sebagai {first} berarti {_spelled(a, MONTHS_ID)}, sebagai {second} berarti "
            f"{_spelled(b, MONTHS_ID)}. Tulis tanggal sebagai tahun-bulan-tanggal ({a.isoformat()}), atau nyatakan "
            "hanya satu format.")
    if distinct:
        return distinct.pop()
    if problems:
        return problems[0]
    examples = ", ".join(EXAMPLES[name] for name in formats)
    return ValueProblem("type-error", f"'{s}' is not a date in the expected form ({examples}).",
                        f"'{s}' bukan tanggal dalam bentuk yang diharapkan ({examples}).")


def parse_date(text: str, formats: Sequence[str] = DEFAULT_FORMATS, zero_date: str = "error") -> dt.date | None:
    """The date one string names under the declared formats; None for a zero date when zero_date="null".

    Raises ValueProblem: "zero-date", "ambiguous-date" (two formats read it differently) or "type-error".
    """
    _check_options(formats, zero_date)
    if not text.strip():
        raise ValueProblem("type-error", "The cell is blank; expected a date.", "Sel ini kosong; seharusnya tanggal.")
    result = _parse(text, formats, zero_date)
    if isinstance(result, ValueProblem):
        raise result
    return result


def parse_date_column(values: Sequence[str | None], formats: Sequence[str] = DEFAULT_FORMATS,
                      zero_date: str = "error") -> tuple[list[dt.date | None], dict[int, ValueProblem]]:
    """Parsed dates (None when missing or failed) and {position: problem} for cells that failed."""
    _check_options(formats, zero_date)
    out: list[dt.date | None] = [None] * len(values)
    problems: dict[int, ValueProblem] = {}
    cache: dict[str, dt.date | ValueProblem | None] = {}  # a date column repeats values: parse each once
    for position, text in enumerate(values):
        if text is None:
            continue
        if text in cache:
            result = cache[text]
        else:
            result = cache[text] = _parse(text, formats, zero_date) if text.strip() else None
        if isinstance(result, ValueProblem):
            problems[position] = result
        else:
            out[position] = result
    return out, problems
