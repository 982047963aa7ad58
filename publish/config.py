"""Portal and pipeline configuration, declared once in the workspace's terbuka.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the workspace imports this module
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
    # A dropped file is taken once its size and times stayed the same for this long, across two looks
    # of the sensor: long enough for a copy over a slow share or a USB stick that pauses.
    "settleSeconds": 60,
}


class ConfigError(Exception):
    """terbuka.json is unreadable or holds a value Terbuka cannot use."""


class Config(dict):
    """terbuka.json merged over the defaults (a dict, as the portal templates read it)."""

    @property
    def base_url(self) -> str:
        return self["baseUrl"]

    @property
    def promotes_automatically(self) -> bool:
        """True when every build goes live at once ("promote": "auto", the sample); "manual" waits."""
        return self.get("promote", "auto") == "auto"

    @property
    def settle_seconds(self) -> float:
        return float(self["settleSeconds"])


def read_config(path: Path) -> Config:
    """terbuka.json merged over the defaults; the base URL always ends with a slash."""
    config = Config(DEFAULTS)
    if path.is_file():
        try:
            config.update(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path.name} bukan JSON yang sah / is not valid JSON: {exc}") from None
    if config.get("promote") not in ("auto", "manual"):
        raise ConfigError(f"{path.name}: \"promote\" harus / must be \"auto\" or \"manual\", not {config.get('promote')!r}")
    if not isinstance(config.get("settleSeconds"), (int, float)) or config["settleSeconds"] < 0:
        raise ConfigError(f"{path.name}: \"settleSeconds\" harus angka detik / must be a number of seconds")
    if not config["baseUrl"].endswith("/"):
        config["baseUrl"] += "/"
    return config


def load_config(workspace: "Workspace") -> Config:
    """The workspace's configuration (read once per Workspace object)."""
    return workspace.config


def promotes_automatically(workspace: "Workspace") -> bool:
    return workspace.config.promotes_automatically
