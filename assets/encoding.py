"""Decode a text file as exactly one encoding, or name the lines that do not fit: never a silent mixture."""

from __future__ import annotations

import codecs
import re

from assets.unusable import UnusableFile
from publish.report import id_number

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-32": "UTF-32",
         "utf-16-le": "UTF-16 LE (no BOM)", "utf-16-be": "UTF-16 BE (no BOM)", "cp1252": "Windows-1252 (cp1252)"}
SHOWN_LINES = 10
SAVE_AS = ("Save the whole file as UTF-8 (in Excel: Save As, 'CSV UTF-8') and drop it again.",
           "Simpan seluruh berkas sebagai UTF-8 (di Excel: Save As, 'CSV UTF-8') lalu kirim ulang.")


def encoding_name(codec: str | None) -> str:
    return NAMES.get(codec or "", codec or "")


def _lines(numbers: list[int]) -> tuple[str, str]:
    shown = ", ".join(str(n) for n in numbers[:SHOWN_LINES])
    more_en = f" and {len(numbers) - SHOWN_LINES:,} more" if len(numbers) > SHOWN_LINES else ""
    more_id = f" dan {id_number(len(numbers) - SHOWN_LINES)} lainnya" if len(numbers) > SHOWN_LINES else ""
    return shown + more_en, shown + more_id


def _shown(line: bytes) -> str:
    """A line as an officer can find it: readable text, the bytes that do not fit as \\xNN."""
    text = line.rstrip(b"\r").decode("utf-8", errors="backslashreplace")
    return text if len(text) <= 80 else text[:77] + "..."


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the start of the file is plainly UTF-16 text without a byte order mark:
    every other byte zero, as ASCII letters are in UTF-16 (Notepad's 'Unicode' without its mark)."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[:len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _undecodable(data: bytes, codec: str, exc: UnicodeDecodeError) -> UnusableFile:
    line = data[:exc.start].decode(codec, errors="replace").count("\n") + 1
    name = encoding_name(codec)
    return UnusableFile(
        f"This file says it is {name} (it starts with that byte order mark) but line {line} holds bytes that are "
        f"not {name}: {exc.reason}. {SAVE_AS[0]}",
        f"Berkas ini menyatakan dirinya {name} (diawali penanda urutan byte itu), tetapi baris {line} memuat byte "
        f"yang bukan {name}: {exc.reason}. {SAVE_AS[1]}")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the one encoding it was read in: a byte order mark, else UTF-8, else Windows-1252 when no
    line is UTF-8 (a file saved by an older spreadsheet program). A file that is partly UTF-8 and partly not is
    rejected with its line numbers: decoding it either way would garble some of its letters."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise _undecodable(data, codec, exc) from None
    if (codec := utf16_without_bom(data)) is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise _undecodable(data, codec, exc) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    bad: list[int] = []
    utf8_lines = 0
    first_bad = b""
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if not bad:
                first_bad = line
            bad.append(number)
        else:
            utf8_lines += not line.isascii()
    if utf8_lines:
        shown_en, shown_id = _lines(bad)
        which_en = f"line {shown_en} is" if len(bad) == 1 else f"lines {shown_en} ({len(bad):,} in all) are"
        which_id = f"baris {shown_id}" if len(bad) == 1 else f"baris {shown_id} ({id_number(len(bad))} baris)"
        raise UnusableFile(
            f"This file mixes text encodings: {utf8_lines:,} line(s) with accented letters or symbols are UTF-8, "
            f"but {which_en} not (probably Windows-1252; line {bad[0]} reads '{_shown(first_bad)}'). Read either "
            f"way, some letters would be garbled. {SAVE_AS[0]}",
            f"Berkas ini mencampur pengodean teks: {id_number(utf8_lines)} baris berhuruf beraksen atau bersimbol "
            f"adalah UTF-8, tetapi {which_id} bukan UTF-8 (mungkin Windows-1252; baris {bad[0]} terbaca "
            f"'{_shown(first_bad)}'). Dibaca dengan cara mana pun, sebagian huruf akan rusak. {SAVE_AS[1]}")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) are no character in Windows-1252: some other encoding.
        undefined = [n for n, line in enumerate(data.split(b"\n"), start=1)
                     if any(b in line for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))]
        shown_en, shown_id = _lines(undefined)
        which_en = f"line {shown_en} holds" if len(undefined) == 1 else f"lines {shown_en} hold"
        raise UnusableFile(
            f"The text encoding of this file could not be recognised: it is not UTF-8, and {which_en} bytes that "
            f"are no letter in Windows-1252 either. {SAVE_AS[0]}",
            f"Pengodean teks berkas ini tidak dikenali: bukan UTF-8, dan baris {shown_id} memuat byte yang juga "
            f"bukan huruf dalam Windows-1252. {SAVE_AS[1]}") from None


def legacy_example(text: str) -> tuple[int, str] | None:
    """The first line with a non-ASCII letter, for an officer to check a Windows-1252 reading by eye."""
    found = re.search(r"[^\x00-\x7f]", text)
    if found is None:
        return None
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    line = text[start:end if end >= 0 else len(text)].rstrip("\r")
    return text.count("\n", 0, start) + 1, line if len(line) <= 80 else line[:77] + "..."
