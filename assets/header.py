"""Find the header row and map its labels onto declared fields, naming what was expected and what was found."""

from __future__ import annotations

import re

from assets.lookalikes import lookalikes, unmasked
from assets.unusable import UnusableFile
from assets.sheet import column_letter
from publish.declarations import Declaration
from publish.report import ERROR, WARNING, Problem

HEADER_SCAN_ROWS = 30
SHOWN_COLUMNS = 40  # a message lists at most this many columns of a row
_VALUE = re.compile(r"[-+]?[0-9][0-9.,/ -]*%?")  # codes, amounts, dates: what a data cell looks like


def normalise_label(label) -> str:
    return re.sub(r"[\s_]+", " ", str(label).replace("\ufeff", "")).strip().lower()


def alias_index(declaration: Declaration) -> dict[str, str]:
    """Every accepted spelling of a header, normalised, pointing at its declared field."""
    index = {}
    aliases = declaration.source.get("headerAliases", {})
    for name in declaration.field_names:
        for label in [name, declaration.field(name).get("title", "")] + list(aliases.get(name, [])):
            if label:
                index.setdefault(normalise_label(label), name)
    return index


def accepted_names(index: dict[str, str]) -> dict[str, list[str]]:
    """field -> the spellings accepted for it, in declaration order."""
    out: dict[str, list[str]] = {}
    for label, name in index.items():
        out.setdefault(name, []).append(label)
    return out


def _expected(index: dict[str, str]) -> str:
    return "; ".join(f"{name} ({', '.join(labels)})" for name, labels in accepted_names(index).items())


def _cells(row: list, limit: int = SHOWN_COLUMNS) -> str:
    """A row as an officer sees it in a spreadsheet: A 'tahun', B 'kdprov', ... (blank cells left out)."""
    shown = [f"{column_letter(pos + 1)} '{_short(v)}'" for pos, v in enumerate(row) if str(v).strip()]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f", ... ({more} more)" if more > 0 else "") if shown else "(nothing)"


def _short(value, width: int = 40) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[:width - 3] + "..."


def _matches(row: list, index: dict[str, str]) -> set[str]:
    """Declared fields a row names, counting look-alike spellings (named later, by map_header)."""
    return {index[n] for n in (unmasked(normalise_label(c)) for c in row if c != "") if n in index}


def _looks_like_values(row: list) -> bool:
    filled = [c for c in row if str(c).strip()]
    values = [c for c in filled if not isinstance(c, str) or _VALUE.fullmatch(c.strip())]
    return bool(filled) and len(values) >= max(1, len(filled) // 2)


def find_header(rows: list[list], index: dict[str, str], mode) -> int:
    """The row that looks most like the declared header (title blocks above it are skipped)."""
    if isinstance(mode, int):
        return mode
    if mode == "first":
        return 0
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len(_matches(row, index))
        if score > best_score:
            best, best_score = i, score
    if best is None or best_score < min(2, len(set(index.values()))):
        raise no_header(rows, index, best)
    return best


def no_header(rows: list[list], index: dict[str, str], best: int | None) -> UnusableFile:
    """Why no header was found: the expected columns with their accepted names, and what the file has instead."""
    expected = _expected(index)
    first = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if any(str(c).strip() for c in row)), None)
    if first is None:
        return UnusableFile(f"The first {HEADER_SCAN_ROWS} rows are empty. Expected columns (accepted names): "
                            f"{expected}.",
                            f"{HEADER_SCAN_ROWS} baris pertama kosong. Kolom yang diharapkan (nama yang diterima): "
                            f"{expected}.")
    if best is None and _looks_like_values(rows[first]):
        cells = _cells(rows[first], 8)
        return UnusableFile(
            f"No header row was found: the file seems to have none, as row {first + 1} already holds values "
            f"({cells}). Add a first row with the column names. Expected columns (accepted names): {expected}.",
            f"Baris judul kolom tidak ditemukan: berkas ini tampaknya tidak punya, karena baris {first + 1} sudah "
            f"berisi nilai ({cells}). "
            f"Tambahkan baris pertama berisi nama kolom. Kolom yang diharapkan (nama yang diterima): {expected}.")
    at = best if best is not None else first
    found = _cells(rows[at])
    return UnusableFile(
        f"No header row matching this dataset's columns was found in the first {HEADER_SCAN_ROWS} rows. The closest "
        f"is row {at + 1}: {found}. Expected columns (accepted names): {expected}. Rename the columns to accepted "
        "names, or check that the file is for this dataset.",
        f"Baris judul kolom yang cocok dengan dataset ini tidak ditemukan di {HEADER_SCAN_ROWS} baris pertama. "
        f"Yang paling mendekati baris {at + 1}: {found}. Kolom yang diharapkan (nama yang diterima): {expected}. "
        "Ganti nama kolom dengan nama yang diterima, atau periksa apakah berkas ini untuk dataset ini.")


def _problem(type_, note, note_id, row=None, field=None, value=None, severity=ERROR) -> Problem:
    return Problem(type=type_, note=note, note_id=note_id, row=row, field=field,
                   value=None if value is None else str(value), severity=severity)


# --- several rows of header ------------------------------------------------------------------------

def _spanned(header: list) -> set[int]:
    """Columns whose header cell repeats another's label or is blank between labels: a merged cell's marks."""
    labels = [normalise_label(c) for c in header]
    last = max((i for i, n in enumerate(labels) if n), default=-1)
    seen: dict[str, int] = {}
    out: set[int] = set()
    left = None  # the nearest label to the left: a merged cell's text sits in its first column
    for pos, label in enumerate(labels[:last + 1]):
        if not label:
            if left is not None:
                out |= {left, pos}
            continue
        left = pos
        if label in seen:
            out |= {seen[label], pos}
        else:
            seen[label] = pos
    return out


def _is_tier(row: list, header: list, spanned: set[int]) -> bool:
    """A row of sub-headings: text only, under the spanned columns, and nothing else of its own (a column with
    one label over all tiers is blank in the others, or repeats its label there)."""
    filled = {pos for pos, c in enumerate(row) if str(c).strip()}
    if len(filled) < 2 or not filled & spanned:
        return False
    if any(not isinstance(row[p], str) or _VALUE.fullmatch(row[p].strip()) for p in filled):
        return False
    plain = {p for p, c in enumerate(header) if str(c).strip() and p not in spanned}
    return all(str(row[p]).strip() == str(header[p]).strip() for p in filled & plain)


def find_tiers(rows, header_row: int) -> tuple[int, int] | None:
    """(first, last) 0-based rows of a header written over several rows (merged cells over sub-headings), or None.
    A header row with repeated or blank labels, and text-only rows right above or below it, is such a header."""
    header = rows[header_row]
    spanned = _spanned(header)
    # A merged cell at the right end of the header leaves its other columns blank, or absent from the row.
    labelled = [p for p, c in enumerate(header) if str(c).strip()]
    width = max(len(r) for r in rows[max(0, header_row - 3):header_row + 4])
    if labelled and width > labelled[-1] + 1:
        spanned |= set(range(labelled[-1], width))
    if not spanned:
        return None
    first = last = header_row
    while first > 0 and _is_tier(rows[first - 1], header, spanned):
        first -= 1
    while last + 1 < min(len(rows), header_row + 4) and _is_tier(rows[last + 1], header, spanned):
        last += 1
    return (first, last) if last > first else None


def _tier_label(rows, first: int, last: int, pos: int) -> str:
    """Column `pos` read down the header tiers, each merged cell carried over the columns it spans."""
    parts = []
    for r in range(first, last + 1):
        row = rows[r]
        at = pos
        while at >= 0 and not (at < len(row) and str(row[at]).strip()):
            at -= 1
        if at >= 0 and (not parts or parts[-1] != str(row[at]).strip()):
            parts.append(str(row[at]).strip())
    return " / ".join(parts)


def tier_problem(rows, tiers: tuple[int, int], index: dict[str, str]) -> Problem:
    first, last = tiers
    spanned = sorted(_spanned(rows[first]) | _spanned(rows[min(last, first + 1)]) | _spanned(rows[last]))
    pos = spanned[0] if spanned else 0
    example = f"column {column_letter(pos + 1)} reads '{_short(_tier_label(rows, first, last, pos), 80)}'"
    example_id = f"kolom {column_letter(pos + 1)} terbaca '{_short(_tier_label(rows, first, last, pos), 80)}'"
    expected = _expected(index)
    return _problem(
        "multi-tier-header",
        f"Rows {first + 1} to {last + 1} form one header in {last - first + 1} tiers of merged cells ({example}). "
        "Terbuka reads one row of column names: replace the tiers by a single row with one name per column, "
        f"using the accepted names. Expected columns (accepted names): {expected}.",
        f"Baris {first + 1} sampai {last + 1} membentuk satu judul kolom bertingkat {last - first + 1} dari sel "
        f"gabungan ({example_id}). Terbuka membaca satu baris nama kolom: ganti tingkatan itu dengan satu baris "
        f"berisi satu nama per kolom, memakai nama yang diterima. Kolom yang diharapkan (nama yang diterima): "
        f"{expected}.", row=first + 1)


# --- one header row ----------------------------------------------------------------------------------

def _required(declaration: Declaration) -> set[str]:
    required = set(declaration.primary_key)
    return required | {f["name"] for f in declaration.fields if f.get("constraints", {}).get("required")}


def map_header(header: list, declaration: Declaration, index: dict[str, str], header_row: int,
               tiers: tuple[int, int] | None = None):
    """Column positions of declared fields, and problems with the header itself (with column letters).
    With `tiers` (a header over several rows, already reported) repeated and blank labels are not listed again."""
    positions: dict[str, int] = {}
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    names = accepted_names(index)
    for pos, label in enumerate(header):
        letter = column_letter(pos + 1)
        norm = normalise_label(label)
        if norm == "":
            if tiers is None:
                problems.append(_problem("blank-label", f"Column {letter} (position {pos + 1}) has no name; its "
                                         "values are not published.",
                                         f"Kolom {letter} (ke-{pos + 1}) tidak bernama; nilainya tidak diterbitkan.",
                                         row=header_row, severity=WARNING))
            continue
        name = index.get(norm)
        odd = []
        if name is None and (name := index.get(unmasked(norm))) is not None:
            odd = lookalikes(str(label))
        if name is None:
            problems.append(_problem("extra-label", f"Column {letter} '{label}' is not declared for this dataset and "
                                     "is not published.",
                                     f"Kolom {letter} '{label}' tidak dideklarasikan untuk dataset ini dan tidak "
                                     "diterbitkan.", row=header_row, value=label, severity=WARNING))
        elif name in positions:
            if tiers is None:
                first = positions[name]
                problems.append(_problem(
                    "duplicate-label",
                    f"Columns {column_letter(first + 1)} '{header[first]}' and {letter} '{label}' both mean '{name}'; "
                    "keep one.",
                    f"Kolom {column_letter(first + 1)} '{header[first]}' dan {letter} '{label}' sama-sama berarti "
                    f"'{name}'; pertahankan satu saja.", row=header_row, field=name, value=label))
        else:
            positions[name] = pos
            mapping[str(label)] = name
            if odd:
                problems.append(_lookalike_problem(label, letter, name, odd, header_row))
    required = _required(declaration)
    found = _cells(header)
    for name in declaration.field_names:
        if name in positions:
            continue
        accepted = ", ".join(names.get(name, [name]))
        if name in required:
            problems.append(_problem(
                "missing-label",
                f"Required column '{name}' is missing; name a column with one of the accepted names: {accepted}. "
                f"The header (row {header_row}) has: {found}. Until this column is there, the checks on whole rows "
                "(required cells, keys, codes, business rules, personal data) did not run; only the values of the "
                "columns present were read, and their errors are listed.",
                f"Kolom wajib '{name}' tidak ada; beri sebuah kolom salah satu nama yang diterima: {accepted}. "
                f"Judul kolom (baris {header_row}) berisi: {found}. Selama kolom ini belum ada, pemeriksaan atas "
                "baris utuh (sel wajib, kunci, kode, aturan bisnis, data pribadi) tidak dijalankan; hanya nilai "
                "kolom yang ada yang dibaca, dan kesalahannya dicantumkan.", row=header_row, field=name))
        else:
            problems.append(_problem(
                "missing-label",
                f"Optional column '{name}' is missing; it is published empty (accepted names: {accepted}).",
                f"Kolom opsional '{name}' tidak ada; kolom ini diterbitkan kosong (nama yang diterima: {accepted}).",
                row=header_row, field=name, severity=WARNING))
    return positions, mapping, problems


def _lookalike_problem(label, letter: str, name: str, odd, header_row: int) -> Problem:
    described = [o.describe() for o in odd]
    return _problem(
        "lookalike-label",
        f"Column {letter} '{label}' looks like '{name}' but is not spelled with the same characters: it has "
        f"{'; '.join(d[0] for d in described)}. Retype the column name on a plain keyboard; until then the file "
        "is not published.",
        f"Kolom {letter} '{label}' tampak seperti '{name}' tetapi tidak ditulis dengan karakter yang sama: ada "
        f"{'; '.join(d[1] for d in described)}. Ketik ulang nama kolomnya dengan papan ketik biasa; sampai itu, "
        "berkas tidak diterbitkan.", row=header_row, field=name, value=label)
