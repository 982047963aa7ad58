"""Read the number strings officers send (1.234.567,89 / 261,465.35 / Rp0,00 / 11,3 M / 94.23%) exactly."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STYLES = ("auto", "id", "en")
# The portal's own form (data.csv, data.parquet): a dot for decimals, no thousands separators, no units or signs.
# Never declared: a file is read this way when it is in the published layout (assets/published.py).
PUBLISHED = "published"
_PUBLISHED_SHAPE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# 1.500 is one thousand five hundred the Indonesian way and 1.5 written by hand; the published writer never
# ends a fraction with 0, so in a file of the published form such a cell is refused as ambiguous.
_PUBLISHED_AMBIGUOUS = r"^-?[1-9][0-9]{0,2}\.[0-9]{2}0$"
INT64 = (-(2**63), 2**63 - 1)
MARKS = {"id": (".", ","), "en": (",", ".")}  # style -> (thousands separator, decimal mark)
SCALES = {"rb": 3, "ribu": 3, "jt": 6, "juta": 6, "m": 9, "miliar": 9, "milyar": 9, "t": 12, "triliun": 12}

_MINUS = ("-", "\u2212")  # U+2212 arrives from copies out of Word and PDF files
_DASHES = "-\u2212\u2013\u2014 "
_CURRENCY = re.compile(r"(?:[Rr][Pp]\.?|[Ii][Dd][Rr])\s*")  # not IGNORECASE, which would also take "İDR"
_LETTERS = string.ascii_letters  # ASCII only: case-insensitive Unicode matching would fold "ı" and "İ" to i
# ASCII digits only: Python's \d and Decimal() would also take Arabic-Indic and other digits.
_SHAPE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_DIGITS_AND_MARKS = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
_EXAMPLE = {"id": "1.234.567,89", "en": "1,234,567.89", "auto": "1.234.567,89"}


class ValueProblem(ValueError):
    """One cell that cannot be read; `code` names the kind, the messages tell the officer what to fix."""

    def __init__(self, code: str, message_en: str, message_id: str):
        super().__init__(code, message_en, message_id)  # all three in args, so the exception pickles
        self.code = code
        self.message_en = message_en
        self.message_id = message_id

    def __str__(self) -> str:
        return self.message_en

    def __repr__(self) -> str:
        return f"ValueProblem({self.code!r}, {self.message_en!r})"


def _type_error(text: str, reason_en: str, reason_id: str) -> ValueProblem:
    return ValueProblem("type-error", f"'{text}' is not a number: {reason_en}", f"'{text}' bukan angka: {reason_id}")


def _read(core: str, thousands: str, decimal: str) -> Decimal | None:
    """`core` read with one convention, or None when it breaks that convention's grouping."""
    whole, mark, fraction = core.partition(decimal)
    if mark and not fraction.isdigit():
        return None  # a second decimal mark, or a thousands separator after the decimal mark
    groups = whole.split(thousands)
    if len(groups) > 1:
        head, rest = groups[0], groups[1:]
        # "0.500" is never five hundred, so a leading zero cannot start a thousands group.
        if not (head.isdigit() and len(head) <= 3 and head[0] != "0" and all(len(g) == 3 and g.isdigit() for g in rest)):
            return None
    elif not whole.isdigit():
        return None
    return Decimal("".join(groups) + ("." + fraction if mark else ""))


def _spoken(value: Decimal, point: str) -> str:
    """A reading written without separators ("313 point 637"), so the message itself is not ambiguous."""
    whole, _, fraction = str(value).partition(".")
    return f"{whole} {point} {fraction}" if fraction else whole


def _read_core(text: str, core: str, style: str) -> Decimal | ValueProblem:
    if not _SHAPE.fullmatch(core):
        if _DIGITS_AND_MARKS.fullmatch(core):
            return _type_error(text, "the separators are misplaced.", "tanda pemisah salah tempat.")
        return _type_error(text, f"write digits with separators only, e.g. {_EXAMPLE[style]}.",
                           f"tulis angka dengan tanda pemisah saja, misalnya {_EXAMPLE[style]}.")
    if style != "auto":
        value = _read(core, *MARKS[style])
        if value is None:
            sep, dec = MARKS[style]
            return _type_error(text, f"with '{sep}' for thousands and '{dec}' for decimals, groups after the first "
                                     f"must have exactly three digits (e.g. {_EXAMPLE[style]}).",
                               f"dengan '{sep}' untuk ribuan dan '{dec}' untuk desimal, setiap kelompok setelah yang "
                               f"pertama harus tiga angka (misalnya {_EXAMPLE[style]}).")
        return value
    id_value, en_value = _read(core, *MARKS["id"]), _read(core, *MARKS["en"])
    if id_value is not None and en_value is not None and id_value != en_value:
        return ValueProblem(
            "ambiguous-number",
            f"'{text}' is ambiguous: it is {_spoken(id_value, 'point')} read the Indonesian way (1.234,5) "
            f"or {_spoken(en_value, 'point')} read the English way (1,234.5). Declare the column's number "
            "style (id or en), or write the number without thousands separators.",
            f"'{text}' ambigu: bisa {_spoken(id_value, 'koma')} menurut cara tulis Indonesia (1.234,5) "
            f"atau {_spoken(en_value, 'koma')} menurut cara tulis Inggris (1,234.5). Tetapkan gaya angka "
            "kolom ini (id atau en) di deklarasi, atau tulis angka tanpa pemisah ribuan.")
    value = id_value if id_value is not None else en_value
    if value is None:
        return _type_error(text, "the thousands separators are misplaced; groups after the first must have exactly "
                                 "three digits (e.g. 1.234.567,89 or 1,234,567.89).",
                           "pemisah ribuan salah tempat; setiap kelompok setelah yang pertama harus tiga angka "
                           "(misalnya 1.234.567,89).")
    return value


def _published(text: str) -> Decimal | ValueProblem:
    if re.fullmatch(_PUBLISHED_AMBIGUOUS, text):
        whole, fraction = text.split(".")
        short = whole + ("." + fraction.rstrip("0") if fraction.rstrip("0") else "")
        grouped = whole + fraction
        return ValueProblem(
            "ambiguous-number",
            f"'{text}' is ambiguous: this file is in the portal's published form, where it would be {short}, but "
            f"written the Indonesian way it is {grouped}. The portal never writes a decimal ending in 0: write "
            f"{short} or {grouped}.",
            f"'{text}' ambigu: berkas ini berbentuk seperti yang diterbitkan portal, yang membacanya {short}, "
            f"tetapi menurut cara tulis Indonesia nilainya {grouped}. Portal tidak pernah menulis desimal yang "
            f"berakhir 0: tulis {short} atau {grouped}.")
    if not _PUBLISHED_SHAPE.fullmatch(text):
        return _type_error(text, "this file is in the portal's published form, whose numbers have a dot for decimals "
                                 "and no thousands separators (e.g. 1234567.89); write the number that way.",
                           "berkas ini berbentuk seperti yang diterbitkan portal, yang angkanya memakai titik untuk "
                           "desimal tanpa pemisah ribuan (misalnya 1234567.89); tulis angkanya seperti itu.")
    return Decimal(text)


def _scaled(value: Decimal, power: int) -> Decimal:
    """value x 10^power, exact, with the zeros spelled out (11300000000, not 1.13E+10)."""
    sign, digits, exponent = value.as_tuple()
    exponent += power
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def parse_number(text: str, *, style: str = "auto", units: bool = False, currency: bool = False,
                 percent: bool = False) -> Decimal:
    """The exact value of one number string; raises ValueProblem rather than guess."""
    if style not in STYLES + (PUBLISHED,):
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    result = _parse(text, style, units, currency, percent)
    if isinstance(result, ValueProblem):
        raise result
    return result


def _parse(text: str, style: str, units: bool, currency: bool, percent: bool) -> Decimal | ValueProblem:
    # Returns the problem rather than raising it: a column with many bad cells would spend its time unwinding.
    s = text = text.strip()  # str.strip() also removes NBSP, which spreadsheets paste around numbers
    if not s:
        return _type_error(text, "the cell is blank.", "sel ini kosong.")
    if style == PUBLISHED:
        return _published(s)
    if not s.strip(_DASHES):  # tables often show "-" for nil; the fix depends on what the officer meant
        return _type_error(text, "leave the cell empty when the value is unknown, or write 0 when it is zero.",
                           "kosongkan sel bila nilainya tidak diketahui, atau tulis 0 bila nilainya nol.")
    negative = False
    if s.startswith("(") and s.endswith(")"):  # accounting notation for a negative amount
        negative, s = True, s[1:-1].strip()
    if not negative and s.startswith(_MINUS):
        negative, s = True, s[1:].lstrip()
    if m := _CURRENCY.match(s):
        if not currency:
            return _type_error(text, "a currency sign is accepted only when the column is declared as currency; "
                                     "write the amount without 'Rp'.",
                               "simbol mata uang hanya diterima bila kolom dinyatakan sebagai mata uang; "
                               "tulis nilainya tanpa 'Rp'.")
        s = s[m.end():]
        if not negative and s.startswith(_MINUS):  # Rp -5.000 occurs as well as -Rp 5.000
            negative, s = True, s[1:].lstrip()
    if currency and s.endswith(",-"):  # "Rp 50.000,-": the comma is the decimal mark, so these are id separators
        if style == "en":
            return _type_error(text, "',-' uses Indonesian separators but the column is declared English.",
                               "',-' memakai pemisah Indonesia padahal kolom dinyatakan bergaya Inggris.")
        s, style = s[:-2], "id"
    if s.endswith("%"):
        if not percent:
            return _type_error(text, "a '%' sign is accepted only in a column declared as percent; "
                                     "write the number without '%'.",
                               "tanda '%' hanya diterima di kolom yang dinyatakan sebagai persen; "
                               "tulis angkanya tanpa '%'.")
        s = s[:-1].rstrip()
    power = 0
    if s.endswith(tuple(_LETTERS)) and (head := s.rstrip(_LETTERS)):
        word, s = s[len(head):], head.rstrip()
        if word.lower() not in SCALES:
            known = "rb/ribu, jt/juta, M/miliar, T/triliun"
            return _type_error(text, f"'{word}' is not a known scale word ({known}).",
                               f"'{word}' bukan satuan yang dikenal ({known}).")
        if not units:
            return _type_error(text, f"a scale word such as '{word}' is accepted only when the column declares "
                                     "units; write the full number.",
                               f"satuan seperti '{word}' hanya diterima bila kolom menyatakan satuan; "
                               "tulis angka lengkapnya.")
        power = SCALES[word.lower()]
    value = _read_core(text, s, style)
    if isinstance(value, ValueProblem):
        return value
    value = _scaled(value, power)
    return value.copy_negate() if negative else value  # unary minus would round to 28 digits


def _not_whole(shown) -> ValueProblem:
    return ValueProblem("not-whole-number",
                        f"'{shown}' is not a whole number, and this column holds whole numbers (such as whole "
                        "rupiah). Round the value, or check that the decimal separator is the declared one.",
                        f"'{shown}' bukan bilangan bulat, padahal kolom ini berisi bilangan bulat (misalnya rupiah "
                        "tanpa sen). Bulatkan nilainya, atau periksa apakah tanda desimalnya sesuai deklarasi.")


def to_whole(value: Decimal) -> int:
    """The int of a Decimal with no fraction (Rp0,00 -> 0) that fits a whole-number column (64 bits);
    raises ValueProblem otherwise."""
    if value != value.to_integral_value():
        raise _not_whole(value)
    if not INT64[0] <= value <= INT64[1]:
        raise _too_large(str(value))
    return int(value)


def _fast_pattern(form: str, kind: str) -> str:
    """A regex for a subset of what _read accepts in one convention (integers: a zero fraction at most)."""
    if form == PUBLISHED:
        return r"^-?[0-9]{1,18}$" if kind == "integer" else r"^-?[0-9]+(?:\.[0-9]+)?$"
    thousands, decimal = (re.escape(c) for c in MARKS[form])
    if kind == "integer":  # at most 18 digits, so the bulk cast to int64 cannot overflow
        return rf"^-?(?:[0-9]{{1,18}}|[1-9][0-9]{{0,2}}(?:{thousands}[0-9]{{3}}){{1,5}})(?:{decimal}0+)?$"
    return rf"^-?(?:[0-9]+|[1-9][0-9]{{0,2}}(?:{thousands}[0-9]{{3}})+)(?:{decimal}[0-9]+)?$"


def _fast_cells(array: pa.Array, kind: str, style: str, currency: bool, percent: bool):
    """(mask, plain) pairs for cells parse_number would read without fuss: `plain` holds those cells as digits
    with at most a '.' decimal mark, which Arrow casts exactly.

    Every cell this accepts must be one parse_number accepts with the same value (a test checks that);
    anything unusual (units, parentheses, NBSP inside, ambiguity, errors) is left to parse_number.
    """
    bare = pc.utf8_trim(array, " \t\u00a0")
    if style == PUBLISHED:
        mask = pc.and_not(pc.match_substring_regex(bare, _fast_pattern(PUBLISHED, kind)),
                          pc.match_substring_regex(bare, _PUBLISHED_AMBIGUOUS))
        mask = pc.fill_null(mask, False)
        yield mask, bare.filter(mask)
        return
    if currency:
        bare = pc.replace_substring_regex(bare, r"^(-?)[ ]*(?:[Rr][Pp]\.?|[Ii][Dd][Rr])[ ]*", r"\1")
    if percent:
        bare = pc.replace_substring_regex(bare, r"[ ]*%$", "")
    for form in ("id", "en") if style == "auto" else (style,):
        mask = pc.match_substring_regex(bare, _fast_pattern(form, kind))
        if style == "auto":  # 313.637 or 1,500 fits both conventions: parse_number explains why it refuses
            mask = pc.and_not(mask, pc.match_substring_regex(bare, r"^-?[1-9][0-9]{0,2}[.,][0-9]{3}$"))
        mask = pc.fill_null(mask, False)
        thousands, decimal = MARKS[form]
        plain = pc.replace_substring(bare.filter(mask), thousands, "")
        if kind == "integer":
            plain = pc.replace_substring_regex(plain, re.escape(decimal) + "0+$", "")
        yield mask, pc.replace_substring(plain, decimal, ".") if decimal != "." else plain


def _fast_path(array: pa.Array, out: np.ndarray, kind: str, style: str, currency: bool, percent: bool) -> np.ndarray:
    """Fill `out` (Python ints or Decimals) in bulk for the cells _fast_cells takes; returns their mask."""
    done = np.zeros(len(array), dtype=bool)
    for mask, plain in _fast_cells(array, kind, style, currency, percent):
        where = mask.to_numpy(zero_copy_only=False)
        if kind == "integer":
            out[where] = pc.cast(plain, pa.int64()).to_numpy().tolist()
        else:
            out[where] = list(map(Decimal, plain.to_pylist()))
        done |= where
    return done


def _as_strings(values) -> pa.Array:
    """One Arrow string array from a list, a pandas Series or Arrow data, without copying Arrow input."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())


def parse_number_column(values: Sequence[str | None], *, kind: str = "number", style: str = "auto",
                        units: bool = False, currency: bool = False,
                        percent: bool = False) -> tuple[list, dict[int, ValueProblem]]:
    """Parsed values (int or Decimal, None when missing or failed) and {position: problem} for failed cells."""
    if kind not in ("number", "integer"):
        raise ValueError(f"kind must be 'number' or 'integer', not {kind!r}")
    if style not in STYLES + (PUBLISHED,):
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    array = _as_strings(values)
    out = np.full(len(array), None, dtype=object)
    fast = _fast_path(array, out, kind, style, currency, percent)
    rest = pc.and_not(pa.array(~fast), array.is_null())
    positions = np.flatnonzero(rest.to_numpy(zero_copy_only=False))
    problems: dict[int, ValueProblem] = {}
    cache: dict[str, object] = {}  # officers' columns repeat values: parse each distinct one once
    for position, text in zip(positions.tolist(), array.filter(rest).to_pylist()):
        result = cache.get(text)
        if result is None and text not in cache:
            result = cache[text] = _parse_cell(text, kind, style, units, currency, percent)
        if isinstance(result, ValueProblem):
            problems[position] = result
        else:
            out[position] = result
    return out.tolist(), problems


def parse_number_array(values, *, kind: str = "number", style: str = "auto", units: bool = False,
                       currency: bool = False, percent: bool = False) -> tuple[pa.Array, dict[int, ValueProblem]]:
    """parse_number_column for Arrow text, into an Arrow int64 or float64 array: the common cells are cast in
    bulk without a Python object each, so a million-row column costs a few arrays of memory."""
    if kind not in ("number", "integer"):
        raise ValueError(f"kind must be 'number' or 'integer', not {kind!r}")
    array = _as_strings(values)
    out = np.zeros(len(array), dtype=np.int64 if kind == "integer" else np.float64)
    valid = np.zeros(len(array), dtype=bool)
    target = pa.int64() if kind == "integer" else pa.float64()
    for mask, plain in _fast_cells(array, kind, style, currency, percent):
        where = mask.to_numpy(zero_copy_only=False)
        out[where] = pc.cast(plain, target).to_numpy(zero_copy_only=False)
        valid |= where
    rest = pc.and_not(pa.array(~valid), array.is_null())
    positions = np.flatnonzero(rest.to_numpy(zero_copy_only=False))
    problems: dict[int, ValueProblem] = {}
    cache: dict[str, object] = {}
    for position, text in zip(positions.tolist(), array.filter(rest).to_pylist()):
        if text not in cache:
            cache[text] = _parse_cell(text, kind, style, units, currency, percent)
        result = cache[text]
        if isinstance(result, ValueProblem):
            problems[position] = result
        elif result is not None:
            out[position] = result if kind == "integer" else float(result)
            valid[position] = True
    return pa.array(out, mask=~valid), problems


def _parse_cell(text: str, kind: str, style: str, units: bool, currency: bool, percent: bool):
    """One cell's value, None when blank, or the ValueProblem that explains why it cannot be read."""
    if not text.strip():
        return None
    value = _parse(text, style, units, currency, percent)
    if isinstance(value, ValueProblem):
        return value
    if kind == "integer":
        if value != value.to_integral_value():
            return _not_whole(text.strip())
        return int(value) if INT64[0] <= value <= INT64[1] else _too_large(text.strip())
    if abs(value) > _FLOAT_MAX:
        return _too_large(text.strip())
    return value


_FLOAT_MAX = Decimal("1.7976931348623157e308")  # past this a number column's float would be infinite


def _too_large(shown: str) -> ValueProblem:
    largest = f"{INT64[1]:,}"
    return ValueProblem("type-error",
                        f"'{shown[:60]}' is too large to be a value in this column (whole numbers go up to "
                        f"{largest}); check the cell.",
                        f"'{shown[:60]}' terlalu besar untuk menjadi nilai di kolom ini (bilangan bulat paling "
                        f"besar {largest.replace(',', '.')}); periksa selnya.")
