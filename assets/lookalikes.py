"""Characters that imitate others (Cyrillic 'а' for Latin 'a', full-width, invisible), named for an officer."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Cyrillic and Greek capitals and small letters drawn like Latin ones in common fonts; written out here (not
# taken from a confusables list) for the letters that occur in Indonesian column names.
_IMITATES = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y",
    "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X",
    "ı": "i", "ℓ": "l",
}
# Marks that show as nothing at all, pasted in from web pages and word processors.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}


@dataclass(frozen=True)
class Lookalike:
    """One character of a label that is not the letter it looks like."""

    char: str
    position: int  # 1-based, within the label
    imitates: str  # '' for an invisible mark

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        return unicodedata.name(self.char, "UNKNOWN CHARACTER")

    def describe(self) -> tuple[str, str]:
        """English and Indonesian: 'а' (U+0430 CYRILLIC SMALL LETTER A) at position 1 looks like Latin 'a'."""
        if not self.imitates:
            return (f"an invisible character ({self.code} {self.name}) at position {self.position}",
                    f"karakter tak terlihat ({self.code} {self.name}) pada posisi {self.position}")
        return (f"'{self.char}' ({self.code} {self.name}) at position {self.position}, which looks like the Latin "
                f"letter '{self.imitates}'",
                f"'{self.char}' ({self.code} {self.name}) pada posisi {self.position}, yang mirip huruf Latin "
                f"'{self.imitates}'")


def _imitated(char: str) -> str | None:
    if char in _INVISIBLE:
        return ""
    if char in _IMITATES:
        return _IMITATES[char]
    if not char.isascii():
        folded = unicodedata.normalize("NFKC", char)  # full-width 'ａ' and other compatibility forms
        if folded != char and folded.isascii() and folded.isalnum():
            return folded
    return None


def lookalikes(label: str) -> list[Lookalike]:
    """The characters of `label` that imitate an ASCII letter or digit, or show as nothing."""
    return [Lookalike(c, i, imitated) for i, c in enumerate(label, start=1) if (imitated := _imitated(c)) is not None]


def unmasked(label: str) -> str:
    """`label` with every look-alike replaced by the letter it imitates and invisible marks removed."""
    return "".join(c if (imitated := _imitated(c)) is None else imitated for c in label)
