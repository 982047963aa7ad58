"""Helpers for the hostile-input tests: the repository's declarations and a one-call check of some bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.validation import check_bytes
from publish.declarations import Declaration, load_declaration

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def declared(dataset: str, **source) -> Declaration:
    """A repository declaration, its source mapping updated with `source` (e.g. limits=...)."""
    base = load_declaration(SCHEMAS / dataset)
    return Declaration(base.id, base.folder, base.descriptor, {**base.source, **source}, base.expectations)


@pytest.fixture
def check():
    """check(dataset, data, name="f.csv", **source) -> the Report of check_bytes, business rules off."""
    def _check(dataset: str, data: bytes, name: str = "f.csv", **source):
        return check_bytes(data, name, declared(dataset, **source), {}, business_rules=False).report
    return _check
