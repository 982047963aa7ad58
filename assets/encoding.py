"""Decode a text file as exactly one encoding, or name the lines that do not fit: never a silent mixture."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from assets.source import Source
from assets.unusable import UnusableFile
from publish.report import INFO, Problem, id_number

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-32": "UTF-32",
         "utf-16-le": "UTF-16 LE (no BOM)", "utf-16-be": "UTF-16 BE (no BOM)", "cp1252": "Windows-1252 (cp1252)"}
SHOWN_LINES = 10
UNDEFINED_1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
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


class _Decoder:
    """One codec decoding a file piece by piece, as bytes.decode would decode it whole: the same text, and an
    error at the same offset (`start`, counted as decode() of the whole file counts it)."""

    def __init__(self, codec: str, errors: str = "strict"):
        self.codec, self.errors = codec, errors
        self.carry, self.base, self.order = b"", 0, 0
        self.shift = 0  # decode("utf-8-sig") reports offsets after its mark: so does this
        self.started = False

    def _decode(self, data: bytes, final: bool) -> tuple[str, int]:
        codec = self.codec
        if codec in ("utf-8", "utf-8-sig"):
            return codecs.utf_8_decode(data, self.errors, final)
        if codec in ("utf-16", "utf-32"):
            decode = codecs.utf_16_ex_decode if codec == "utf-16" else codecs.utf_32_ex_decode
            text, consumed, order = decode(data, self.errors, self.order, final)
            self.order = order or self.order
            return text, consumed
        if codec in ("utf-16-le", "utf-16-be"):
            return (codecs.utf_16_le_decode if codec.endswith("le") else codecs.utf_16_be_decode)(data, self.errors, final)
        return codecs.getdecoder(codec)(data, self.errors)

    def feed(self, piece: bytes, final: bool = False) -> str:
        data = self.carry + piece if self.carry else piece
        if not self.started and self.codec == "utf-8-sig":
            if len(data) < 3 and not final and codecs.BOM_UTF8.startswith(data):
                self.carry = data
                return ""
            self.started = True
            if data.startswith(codecs.BOM_UTF8):
                data, self.base, self.shift = data[3:], 3, -3
        self.started = True
        try:
            text, consumed = self._decode(data, final)
        except UnicodeDecodeError as exc:
            exc.start += self.base + self.shift
            exc.end += self.base + self.shift
            raise
        self.carry = data[consumed:]
        self.base += consumed
        return text


def decoded(source, codec: str, errors: str = "strict", end: int | None = None,
            size: int | None = None) -> Iterator[str]:
    """The text of a file (or of its first `end` bytes) in pieces (read `size` bytes at a time), decoded as
    `codec` would decode it whole."""
    decoder = _Decoder(codec, errors)
    for piece in source.chunks(size=size, end=end):
        text = decoder.feed(piece)
        if text:
            yield text
    text = decoder.feed(b"", final=True)
    if text:
        yield text


def byte_lines(source) -> Iterator[bytes]:
    """The file split at b"\\n", as data.split(b"\\n") splits it, one line at a time."""
    carry = b""
    for piece in source.chunks():
        lines = (carry + piece).split(b"\n")
        carry = lines.pop()
        yield from lines
    yield carry


def _undecodable(source, codec: str, exc: UnicodeDecodeError) -> UnusableFile:
    line = sum(text.count("\n") for text in decoded(source, codec, "replace", end=max(exc.start, 0))) + 1
    name = encoding_name(codec)
    return UnusableFile(
        f"This file says it is {name} (it starts with that byte order mark) but line {line} holds bytes that are "
        f"not {name}: {exc.reason}. {SAVE_AS[0]}",
        f"Berkas ini menyatakan dirinya {name} (diawali penanda urutan byte itu), tetapi baris {line} memuat byte "
        f"yang bukan {name}: {exc.reason}. {SAVE_AS[1]}")


def marked_codec(head: bytes) -> str | None:
    """The encoding a file's first bytes name: a byte order mark, or plain UTF-16 without one; None when the
    whole file decides (UTF-8, else Windows-1252)."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec
    return utf16_without_bom(head)


def is_utf8(source) -> bool:
    """Whether the whole file is UTF-8 (ASCII pieces need no decoding)."""
    decoder = _Decoder("utf-8")
    try:
        for piece in source.chunks():
            if decoder.carry or not piece.isascii():
                decoder.feed(piece)
        decoder.feed(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(source) -> str:
    """The one encoding a file is read in: a byte order mark, else UTF-8, else Windows-1252 when no line is
    UTF-8 (a file saved by an older spreadsheet program). A file that is partly UTF-8 and partly not is
    rejected with its line numbers: decoding it either way would garble some of its letters. The file is
    read in pieces, never held whole."""
    codec = marked_codec(source.head(4096))
    if codec is not None:
        try:
            for _ in decoded(source, codec):
                pass
        except UnicodeDecodeError as exc:
            raise _undecodable(source, codec, exc) from None
        return codec
    if is_utf8(source):
        return "utf-8"
    bad: list[int] = []
    utf8_lines = 0
    first_bad = b""
    for number, line in enumerate(byte_lines(source), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if not bad:
                first_bad = line
            bad.append(number)
        else:
            utf8_lines += 1
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
    # Five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) are no character in Windows-1252: some other encoding.
    if any(b in piece for piece in source.chunks() for b in UNDEFINED_1252):
        undefined = [n for n, line in enumerate(byte_lines(source), start=1) if any(b in line for b in UNDEFINED_1252)]
        shown_en, shown_id = _lines(undefined)
        which_en = f"line {shown_en} holds" if len(undefined) == 1 else f"lines {shown_en} hold"
        raise UnusableFile(
            f"The text encoding of this file could not be recognised: it is not UTF-8, and {which_en} bytes that "
            f"are no letter in Windows-1252 either. {SAVE_AS[0]}",
            f"Pengodean teks berkas ini tidak dikenali: bukan UTF-8, dan baris {shown_id} memuat byte yang juga "
            f"bukan huruf dalam Windows-1252. {SAVE_AS[1]}")
    return "cp1252"


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the one encoding it was read in (see detect_encoding), for a file held in memory."""
    codec = marked_codec(data[:4096]) or "utf-8"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        pass
    codec = detect_encoding(Source(data=data))
    return data.decode(codec), codec


def legacy_line(source) -> tuple[int, str] | None:
    """The first line with a non-ASCII letter of a Windows-1252 file, read in pieces, for an officer to check the
    reading by eye (line number, text)."""
    for number, line in enumerate(byte_lines(source), start=1):
        if not line.isascii():
            text = line.decode("cp1252").rstrip("\r")
            return number, text if len(text) <= 80 else text[:77] + "..."
    return None


def legacy_note(example: tuple[int, str] | None) -> Problem:
    """A file read as Windows-1252 says so, with a line to check by eye (the reading cannot be proven right):
    `example` is legacy_line's (line, text)."""
    seen_en = f" Check that line {example[0]} reads right: '{example[1]}'." if example else ""
    seen_id = f" Periksa apakah baris {example[0]} terbaca benar: '{example[1]}'." if example else ""
    return Problem(type="encoding", severity=INFO, value=encoding_name("cp1252"),
                   note=f"This file is not UTF-8; it was read as {encoding_name('cp1252')}, the encoding older "
                        f"spreadsheet programs on Windows save in.{seen_en}",
                   note_id=f"Berkas ini bukan UTF-8; berkas dibaca sebagai {encoding_name('cp1252')}, pengodean "
                           f"yang dipakai program lembar kerja lama di Windows.{seen_id}")
