"""Portal configuration, declared once in the workspace's terbuka.json."""

from __future__ import annotations

import json

from publish.workspace import Workspace

DEFAULTS = {
    "baseUrl": "http://127.0.0.1:8000/",
    "title": {"id": "Portal Data Terbuka", "en": "Open Data Portal"},
    "description": {"id": "", "en": ""},
    "publisher": {"name": "Pemerintah Daerah", "email": "", "url": ""},
    "region": {"kode": "", "nama": ""},
    "sample": False,
    "timezone": "Asia/Jakarta",
    "promote": "auto",
}


def load_config(workspace: Workspace) -> dict:
    """terbuka.json merged over the defaults; the base URL always ends with a slash."""
    config = dict(DEFAULTS)
    if workspace.config_file.is_file():
        config.update(json.loads(workspace.config_file.read_text(encoding="utf-8")))
    if not config["baseUrl"].endswith("/"):
        config["baseUrl"] += "/"
    return config


def promotes_automatically(workspace: Workspace) -> bool:
    """True when every build goes live at once ("promote": "auto", the sample); "manual" waits for a promotion."""
    return load_config(workspace).get("promote", "auto") == "auto"
