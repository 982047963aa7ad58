"""Numbers, money, dates and sizes written the way each language reads them (Rp 1,2 miliar / IDR 1.2 billion).

Separators, month names, time patterns, the rupiah symbol and the words for thousand, million... come from
Babel's CLDR locale data; the rounding of short money (three significant digits, before the word is chosen) is
ours, since Babel's compact formats count decimals, not significant digits."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern

# English pages use British English: day-month-year and the 24-hour clock, as Indonesian readers write them.
LOCALES = {"id": "id", "en": "en_GB"}
# CLDR's "at time" form of Indonesian ("15 Maret 2024 pukul 10.30"), which Babel's data does not carry yet.
AT_TIME = {"id": "{1} 'pukul' {0}"}
SCALES = [10**12, 10**9, 10**6, 10**3]  # the largest first; Babel names each in its long compact format
MISSING = "–"
MINUS = "−"  # U+2212: a minus sign, not the hyphen CLDR gives both languages


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@cache
def _pattern(decimals: int, percent: bool = False) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else "") + ("%" if percent else ""))


def _decimal(value) -> Decimal:
    """Floats through their shortest text, so the significant digits of short money are those a reader sees."""
    return value if isinstance(value, Decimal) else Decimal(str(value) if isinstance(value, float) else value)


def _apply(pattern: NumberPattern, value, lang: str, shift: int = 0) -> str:
    # A float goes in as its exact binary value, so digits round as Python's own formatting rounds them and
    # the portal shows what it showed before Babel wrote its numbers.
    exact = value if isinstance(value, Decimal) else Decimal(value)
    if exact.is_nan():
        return MISSING
    return pattern.apply(exact.scaleb(shift), _locale(lang)).replace("-", MINUS)


def number(value, lang: str, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (id) or '1,234,567.5' (en)."""
    if value is None:
        return MISSING
    return _apply(_pattern(decimals), value, lang)


def _scale_word(size: int, scaled: Decimal, lang: str) -> str:
    """'miliar' / 'billion': the word of Babel's long compact pattern ('0 miliar') for `size`."""
    return _word(size, _locale(lang).plural_form(abs(scaled)), lang)


@cache
def _word(size: int, plural: str, lang: str) -> str:
    formats = _locale(lang).compact_decimal_formats["long"]
    pattern = (formats.get(plural) or formats["other"])[str(size)]
    return pattern.suffix[0].strip()


def compact(value, lang: str, digits: int = 3) -> str:
    """A large number in words, to `digits` significant digits, trailing zeros dropped:
    1_464_000_000_000 -> '1,46 triliun' / '1.46 trillion'; 1_200_000_000 -> '1,2 miliar'; 3_000_000 -> '3 juta'.

    Rounding happens before the scale word is chosen, so 999_960_000_000 reads '1 triliun', never
    '1.000 miliar'. Below a thousand every digit is shown."""
    if value is None:
        return MISSING
    exact = _decimal(value)
    if not exact.is_finite() or abs(exact) < SCALES[-1]:
        return number(value, lang)
    step = Decimal(1).scaleb(exact.adjusted() - max(digits, 1) + 1)
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP) if step < 1 else \
        (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    for size in SCALES:
        if abs(rounded) >= size:
            scaled = (rounded / size).normalize()
            if abs(scaled) >= 10 ** digits:  # past the largest word (e.g. 12.346 triliun): keep every whole unit
                scaled = (exact / size).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            decimals = max(0, -scaled.as_tuple().exponent)
            return f"{number(scaled, lang, decimals)} {_scale_word(size, scaled, lang)}"
    return number(value, lang)


# Short scale words for narrow table cells, as Indonesian and English readers abbreviate them.
SHORT = {"id": {10**12: "T", 10**9: "M", 10**6: "jt", 10**3: "rb"},
         "en": {10**12: "tn", 10**9: "bn", 10**6: "m", 10**3: "k"}}


def short(value, lang: str, digits: int = 3) -> str:
    """A large amount in a few characters for a narrow column, three significant digits: 388_194_374_000 ->
    '388 M' (id, miliar) / '388 bn' (en); below a thousand every digit. The column names the currency."""
    if value is None:
        return MISSING
    words = compact(value, lang, digits)
    for size, word in SHORT[lang].items():
        for form in _long_words(size, lang):
            if words.endswith(" " + form):
                return words[: -len(form)] + word
    return words


@cache
def _long_words(size: int, lang: str) -> frozenset:
    """Every plural form of the long word for `size` ('miliar'; 'billion')."""
    return frozenset(_scale_word(size, Decimal(n), lang) for n in (1, 2, 5))


def raw(value) -> str:
    """A figure as the machine-readable value of a <data> element: integers whole, other numbers to 6 decimals."""
    if value is None:
        return ""
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        return str(int(value))
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def currency(lang: str) -> str:
    """The rupiah as each language writes it: 'Rp' / 'IDR'."""
    return get_currency_symbol("IDR", _locale(lang))


def money(value, lang: str, exact: bool = False) -> str:
    """Rupiah for people: 'Rp 1,2 miliar' / 'IDR 1.2 billion'; exact=True gives every digit."""
    if value is None:
        return MISSING
    body = number(value, lang) if exact else compact(value, lang)
    return f"{currency(lang)} {body}"


def signed_money(value, lang: str, exact: bool = False) -> str:
    """A difference: '+Rp 250 juta' / '−Rp 1,2 miliar' (exact=True: every digit)."""
    if value is None:
        return MISSING
    symbol = currency(lang)
    return ("+" if value > 0 else "") + money(value, lang, exact).replace(f"{symbol} {MINUS}", f"{MINUS}{symbol} ")


def signed_short(value, lang: str) -> str:
    """A difference for a narrow column: '+250 jt' / '−1,2 M'."""
    if value is None:
        return MISSING
    return ("+" if value > 0 else "") + short(value, lang)


def percent(value, lang: str, decimals: int = 1) -> str:
    """94.23 -> '94,2%' / '94.2%' (the value is already in percent)."""
    if value is None:
        return MISSING
    return _apply(_pattern(decimals, percent=True), value, lang, shift=-2)  # the pattern's % multiplies by 100


def signed_percent(value, lang: str, decimals: int = 1) -> str:
    """A change: '+4,5%' / '−2,0%' ('0,0%' unsigned when it rounds to nothing)."""
    if value is None:
        return MISSING
    text = percent(value, lang, decimals)
    return text if text.startswith(MINUS) or percent(0, lang, decimals) == text else "+" + text


def ratio(part, whole, lang: str, decimals: int = 1) -> str:
    """part/whole as a percentage, or a dash when it cannot be computed."""
    if part is None or not whole:
        return MISSING
    return percent(part / whole * 100, lang, decimals)


def filesize(size, lang: str) -> str:
    if size is None:
        return MISSING
    for unit, limit in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= limit:
            return f"{number(size / limit, lang, 1)} {unit}"
    return f"{number(size, lang)} B" if lang == "en" else f"{number(size, lang)} bita"


def _parse(value) -> dt.datetime | dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    text = str(value)
    if "T" in text:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt.date.fromisoformat(text[:10])


def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "Asia/Jakarta")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=7), "WIB")


def date(value, lang: str, tz: str | None = None) -> str:
    """'15 Maret 2024' / '15 March 2024' (each locale's long date); a timestamp is shown in the portal's time zone."""
    parsed = _parse(value)
    if parsed is None:
        return MISSING
    if isinstance(parsed, dt.datetime):
        parsed = parsed.astimezone(zone(tz)).date()
    return format_date(parsed, "long", locale=_locale(lang))


def datetime(value, lang: str, tz: str | None = None) -> str:
    """'15 Maret 2024 pukul 10.30 WIB' / '15 March 2024, 10:30 WIB': long date and short time in the portal's
    time zone, named by its abbreviation (WIB, WITA, WIT) in both languages."""
    parsed = _parse(value)
    if not isinstance(parsed, dt.datetime):
        return date(value, lang, tz)
    local = parsed.astimezone(zone(tz))
    locale = _locale(lang)
    glue = AT_TIME.get(lang) or str(locale.datetime_formats["long"])
    text = glue.replace("'", "").format(format_time(local, "short", locale=locale), date(local.date(), lang))
    return f"{text} {local.tzname() or ''}".rstrip()


def cell(value, spec: dict, lang: str) -> str:
    """One table cell of a preview, typed by its Table Schema field."""
    if value is None:
        return ""
    kind = spec.get("type", "string")
    if kind == "integer" and spec.get("name") != "tahun":
        return number(value, lang)
    if kind == "number":
        return number(value, lang, 2)
    if kind == "date":
        return date(value, lang)
    return str(value)
