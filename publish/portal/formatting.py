"""Numbers, money, dates and sizes written the way each language reads them (Rp 1,2 miliar / IDR 1.2 billion)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
SCALES = {
    "id": [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")],
    "en": [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand")],
}
CURRENCY = {"id": "Rp", "en": "IDR"}
MISSING = "–"


def number(value, lang: str, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (id) or '1,234,567.5' (en)."""
    if value is None:
        return MISSING
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text.replace("-", "−")


def compact(value, lang: str, digits: int = 3) -> str:
    """A large number in words, to `digits` significant digits, trailing zeros dropped:
    1_464_000_000_000 -> '1,46 triliun' / '1.46 trillion'; 1_200_000_000 -> '1,2 miliar'; 3_000_000 -> '3 juta'.

    Rounding happens before the scale word is chosen, so 999_960_000_000 reads '1 triliun', never
    '1.000 miliar'. Below a thousand every digit is shown."""
    if value is None:
        return MISSING
    exact = value if isinstance(value, Decimal) else Decimal(str(value) if isinstance(value, float) else value)
    if not exact.is_finite() or abs(exact) < SCALES[lang][-1][0]:
        return number(value, lang)
    step = Decimal(1).scaleb(exact.adjusted() - max(digits, 1) + 1)
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP) if step < 1 else \
        (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    for size, word in SCALES[lang]:
        if abs(rounded) >= size:
            scaled = (rounded / size).normalize()
            if abs(scaled) >= 10 ** digits:  # past the largest word (e.g. 12.346 triliun): keep every whole unit
                scaled = (exact / size).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            decimals = max(0, -scaled.as_tuple().exponent)
            return f"{number(scaled, lang, decimals)} {word}"
    return number(value, lang)


def money(value, lang: str, exact: bool = False) -> str:
    """Rupiah for people: 'Rp 1,2 miliar' / 'IDR 1.2 billion'; exact=True gives every digit."""
    if value is None:
        return MISSING
    body = number(value, lang) if exact else compact(value, lang)
    return f"{CURRENCY[lang]} {body}"


def signed_money(value, lang: str) -> str:
    if value is None:
        return MISSING
    return ("+" if value > 0 else "") + money(value, lang).replace(CURRENCY[lang] + " −", "−" + CURRENCY[lang] + " ")


def percent(value, lang: str, decimals: int = 1) -> str:
    if value is None:
        return MISSING
    return number(value, lang, decimals) + "%"


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
    """'15 Maret 2024' / '15 March 2024'; a timestamp is shown in the portal's time zone."""
    parsed = _parse(value)
    if parsed is None:
        return MISSING
    if isinstance(parsed, dt.datetime):
        parsed = parsed.astimezone(zone(tz)).date()
    return f"{parsed.day} {MONTHS[lang][parsed.month - 1]} {parsed.year}"


def datetime(value, lang: str, tz: str | None = None) -> str:
    """'15 Maret 2024 pukul 10.30 WIB' / '15 March 2024, 10:30 WIB'."""
    parsed = _parse(value)
    if not isinstance(parsed, dt.datetime):
        return date(value, lang, tz)
    local = parsed.astimezone(zone(tz))
    label = local.tzname() or ""
    if lang == "id":
        return f"{date(local.date(), lang)} pukul {local:%H.%M} {label}".rstrip()
    return f"{date(local.date(), lang)}, {local:%H:%M} {label}".rstrip()


def iso_date(value) -> str:
    parsed = _parse(value)
    if parsed is None:
        return ""
    return parsed.date().isoformat() if isinstance(parsed, dt.datetime) else parsed.isoformat()


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
