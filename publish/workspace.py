"""A workspace: the folder holding declarations, the inbox, the portal and pipeline state."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "TERBUKA_WORKSPACE"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace; every stage reads and writes only below `root`."""

    root: Path

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def raw(self) -> Path:
        return self.state / "raw"

    @property
    def quarantine(self) -> Path:
        return self.state / "quarantine"

    @property
    def archive(self) -> Path:
        return self.state / "archive"

    @property
    def staging(self) -> Path:
        return self.state / "staging"

    @property
    def releases(self) -> Path:
        """The release store: every version ever published, the source the portal is rendered from.
        It is only appended to; site/ and the preview mirror it."""
        return self.state / "releases"

    @property
    def preview(self) -> Path:
        """The portal as it will look, built before it is promoted to site/."""
        return self.state / "preview"

    @property
    def dagster_home(self) -> Path:
        return self.state / "dagster"

    @property
    def config_file(self) -> Path:
        return self.root / "terbuka.json"

    def ensure(self) -> "Workspace":
        for path in (self.inbox, self.site, self.releases, self.raw, self.quarantine, self.archive, self.staging,
                     self.dagster_home):
            path.mkdir(parents=True, exist_ok=True)
        return self


def resolve_workspace(path: str | os.PathLike | None = None) -> Workspace:
    """The workspace named by `path`, else $TERBUKA_WORKSPACE, else the repository root."""
    chosen = path or os.environ.get(ENV_VAR) or REPO_ROOT
    return Workspace(Path(chosen).expanduser().resolve())
