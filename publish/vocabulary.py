"""Vocabulary declared as data: topics, DCAT themes and budget stages (schemas/vocabulary.json), and the names
of a dataset's account codes (schemas/<dataset>/accounts.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from publish.declarations import DeclarationError

VOCABULARY = "vocabulary.json"
ACCOUNTS = "accounts.json"
DEFAULT_THEMES = ["GOVE"]  # a topic the vocabulary does not know is filed under government


@dataclass(frozen=True)
class Vocabulary:
    """Labels in both languages for the words declarations use; an unknown word is shown as it is written."""

    topics: dict = field(default_factory=dict)  # topic -> {"id", "en", "themes": [EU theme codes]}
    themes: dict = field(default_factory=dict)  # EU theme code -> English label
    stages: dict = field(default_factory=dict)  # budget stage -> {"id", "en"}

    def topic_label(self, topic: str, lang: str) -> str:
        return (self.topics.get(topic) or {}).get(lang) or topic

    def topic_themes(self, topic: str) -> list[str]:
        """The EU data themes of a topic (codes of the data-theme authority table)."""
        return list((self.topics.get(topic) or {}).get("themes") or DEFAULT_THEMES)

    def stage_label(self, stage: str, lang: str) -> str:
        return (self.stages.get(stage) or {}).get(lang) or stage


def _read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DeclarationError(f"{path.parent.name}/{path.name} bukan JSON yang sah / is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise DeclarationError(f"{path.parent.name}/{path.name} harus berupa objek JSON / must be a JSON object")
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def load_vocabulary(schemas: Path) -> Vocabulary:
    """schemas/vocabulary.json of a workspace; without one every word is shown as written."""
    path = Path(schemas) / VOCABULARY
    if not path.is_file():
        return Vocabulary()
    doc = _read(path)
    return Vocabulary(topics=doc.get("topics") or {}, themes=doc.get("themes") or {}, stages=doc.get("stages") or {})


def load_accounts(folder: Path) -> dict[str, dict]:
    """Account code -> {"id", "en"} names declared beside a dataset (accounts.json), or {} when it declares none."""
    path = Path(folder) / ACCOUNTS
    return _read(path) if path.is_file() else {}
