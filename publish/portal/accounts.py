"""Names of the upper account-code levels (akun, kelompok, jenis) of Permendagri 90/2019, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

NAMES: dict[str, dict] = {k: v for k, v in json.loads((Path(__file__).parent / "rekening.json").read_text(
    encoding="utf-8")).items() if not k.startswith("_")}


def name(code: str, lang: str) -> str | None:
    known = NAMES.get(code)
    return known[lang] if known else None
