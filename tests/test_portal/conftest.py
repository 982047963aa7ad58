"""The published sample workspace and its built portal, once per session (see workspace.py)."""

from __future__ import annotations

import pytest

from publish.portal import build_site
from tests.test_portal.workspace import publish_sample


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """A workspace with releases and a built portal; returns (workspace, files written by the first build)."""
    ws = publish_sample(tmp_path_factory.mktemp("portal"))
    written = build_site(ws)
    return ws, written
