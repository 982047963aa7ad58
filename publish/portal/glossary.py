"""The glossary (glosarium/): the words of regional finance, declared as data in schemas/glossary.json and linked
from every page that uses them."""

from __future__ import annotations

import json
from pathlib import Path

from publish.declarations import DeclarationError
from publish.portal.context import Site

FILE = "glossary.json"
ROUTE = "glosarium/"


def load_glossary(schemas: Path) -> dict[str, dict]:
    """Term key -> {"id": {term, text}, "en": {term, text}}; {} when the workspace declares no glossary."""
    path = Path(schemas) / FILE
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DeclarationError(f"{FILE} bukan JSON yang sah / is not valid JSON: {exc}") from None
    return doc.get("terms") or {}


def terms(site: Site) -> dict[str, dict]:
    if "glossary" not in site.cache:
        site.cache["glossary"] = load_glossary(site.workspace.schemas)
    return site.cache["glossary"]

