"""The site context: everything the pages need, read once from declarations and published releases."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from publish.config import load_config
from publish.declarations import Declaration, load_all
from publish.files import sha256_file
from publish.releases import MANIFEST, dataset_dir, list_releases
from publish.vocabulary import Vocabulary, load_accounts, load_vocabulary
from publish.workspace import Workspace
from publish.writers import producers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_FORMATS = {"csv": "text/csv", "xlsx": XLSX, "parquet": "application/vnd.apache.parquet"}
MEDIA = {**DATA_FORMATS, "json": "application/json", "txt": "text/plain"}
FISCAL = ["fiscal-datapackage.json", "fiscal-data.csv"]  # the Fiscal Data Package, written at release time
# Files every version carries besides its data, in the order the pages list them.
SUPPORT = ["datapackage.json", *FISCAL, "validation.json", "changes.json", "changes.csv", "totals.csv",
           "provenance.json", "release.json", MANIFEST]
YEAR_FILE = re.compile(r"^data-(\d{4})\.(csv|parquet|xlsx)$")


@dataclass
class FileInfo:
    """One published file of a version, as listed on pages and in catalogs."""

    name: str
    path: str  # from the site root, e.g. datasets/apbd/1.0.0/data.csv
    format: str
    mediatype: str
    bytes: int
    sha256: str
    data: bool
    year: int | None = None
    rows: int | None = None
    title: str = ""
    same_as: str | None = None  # a per-year file byte-identical to the whole-dataset file (one year only)


@dataclass
class ReleaseInfo:
    """One version of a dataset with the documents written next to its files."""

    dataset: str
    entry: dict
    folder: Path

    @property
    def version(self) -> str:
        return self.entry["version"]

    @property
    def released(self) -> str:
        return self.entry["released"]

    @property
    def withdrawn(self) -> dict | None:
        return self.entry.get("withdrawn")

    @property
    def route(self) -> str:
        return f"datasets/{self.dataset}/{self.version}/"

    def _doc(self, name: str) -> dict:
        path = self.folder / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @cached_property
    def datapackage(self) -> dict:
        return self._doc("datapackage.json")

    @cached_property
    def validation(self) -> dict:
        return self._doc("validation.json")

    @cached_property
    def changes(self) -> dict:
        return self._doc("changes.json")

    @cached_property
    def provenance(self) -> dict:
        return self._doc("provenance.json")

    @cached_property
    def files(self) -> list[FileInfo]:
        """Data files first (whole dataset, then per year), then supporting documents."""
        sums = {}
        manifest = self.folder / MANIFEST
        if manifest.is_file():
            for line in manifest.read_text().splitlines():
                digest, _, name = line.partition("  ")
                sums[name.strip()] = digest
        rows = {r.get("path"): (r.get("terbuka:rows"), r.get("title", ""))
                for r in self.datapackage.get("resources", [])}
        titles = {f.get("path"): f.get("title", "") for f in self.datapackage.get("terbuka:files", [])}
        out = []
        names = sorted((p.name for p in self.folder.iterdir() if p.is_file() and p.name != "index.html"),
                       key=_file_order)
        for name in names:
            path = self.folder / name
            ext = name.rsplit(".", 1)[-1] if "." in name else "txt"
            match = YEAR_FILE.match(name)
            data = name.startswith(("data.", "data-")) and ext in DATA_FORMATS
            info_rows, title = rows.get(name, (None, titles.get(name, "")))
            if name.endswith((".parquet", ".xlsx")) and data:
                twin = rows.get(name.rsplit(".", 1)[0] + ".csv")
                info_rows, title = twin if twin else (None, "")
            out.append(FileInfo(name=name, path=f"datasets/{self.dataset}/{self.version}/{name}", format=ext,
                                mediatype=MEDIA.get(ext, "application/octet-stream"), bytes=path.stat().st_size,
                                sha256=sums.get(name) or sha256_file(path), data=data,
                                year=int(match.group(1)) if match else None, rows=info_rows, title=title))
        whole = {f.format: f.sha256 for f in out if f.name.startswith("data.")}
        for f in out:
            if f.year is not None and whole.get(f.format) == f.sha256:
                f.same_as = f"data.{f.format}"
        return out

    @property
    def data_files(self) -> list[FileInfo]:
        """The data files a reader chooses from: a per-year file identical to the whole file is not listed twice
        (it stays at its address, named beside the whole file)."""
        return [f for f in self.files if f.data and not f.same_as]

    @property
    def duplicates(self) -> dict[str, list[str]]:
        """Whole-dataset file -> the per-year files byte-identical to it."""
        out: dict[str, list[str]] = {}
        for f in self.files:
            if f.same_as:
                out.setdefault(f.same_as, []).append(f.name)
        return out

    @property
    def downloads(self) -> list[FileInfo]:
        """What the catalogs offer as distributions: the data files, the Data Package descriptor and the Fiscal
        Data Package, each once."""
        return self.data_files + [f for f in self.files if f.name == "datapackage.json" or f.name in FISCAL]

    @property
    def years(self) -> list[int]:
        return sorted({f.year for f in self.files if f.year is not None})


def _file_order(name: str):
    if name in ("data.csv", "data.xlsx", "data.parquet"):
        return (0, ["data.csv", "data.xlsx", "data.parquet"].index(name))
    if name.startswith("data-"):
        return (1, name)
    return (2, SUPPORT.index(name) if name in SUPPORT else 99, name)


@dataclass
class DatasetInfo:
    """A declared dataset and its releases (oldest first)."""

    declaration: Declaration
    releases: list[ReleaseInfo]

    @property
    def id(self) -> str:
        return self.declaration.id

    @property
    def route(self) -> str:
        return f"datasets/{self.id}/"

    @property
    def latest(self) -> ReleaseInfo | None:
        live = [r for r in self.releases if not r.withdrawn]
        return live[-1] if live else None

    @property
    def descriptor(self) -> dict:
        return self.declaration.descriptor

    @property
    def topic(self) -> str:
        return self.declaration.topic

    @cached_property
    def accounts(self) -> dict[str, dict]:
        """Names of the dataset's account codes (accounts.json beside its declaration), {} without one."""
        return load_accounts(self.declaration.folder)

    @property
    def producers(self) -> list[str]:
        """The organisations that produce the data: contributors declared with the role `creator`."""
        return producers(self.declaration)

    @property
    def organisations(self) -> list[str]:
        """The organisations a reader filters the catalogue by: the producers, else every named contributor."""
        people = self.descriptor.get("contributors") or []
        return self.producers or [c.get("title") for c in people if c.get("title")]

    @property
    def formats(self) -> list[str]:
        latest = self.latest
        return sorted({f.format for f in latest.data_files}) if latest else []

    @property
    def years(self) -> list[int]:
        return self.latest.years if self.latest else []

    @property
    def licence(self) -> dict:
        licences = self.descriptor.get("licenses") or [{}]
        return licences[0]


@dataclass
class Site:
    """What a build knows: configuration, datasets and the workspace the release files live in."""

    workspace: Workspace
    config: dict
    datasets: list[DatasetInfo] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    cache: dict = field(default_factory=dict)  # derived views shared by several pages (one build)

    @property
    def base_url(self) -> str:
        return self.config["baseUrl"]

    def dataset(self, dataset_id: str) -> DatasetInfo | None:
        for d in self.datasets:
            if d.id == dataset_id:
                return d
        return None

    @property
    def published(self) -> list[DatasetInfo]:
        return [d for d in self.datasets if d.releases]

    def all_releases(self) -> list[ReleaseInfo]:
        """Every release of every dataset, newest first."""
        everything = [r for d in self.datasets for r in d.releases]
        return sorted(everything, key=lambda r: (r.released, r.dataset, r.version), reverse=True)

    def parquet(self, dataset_id: str) -> Path | None:
        """The latest live data of a dataset, for the pages that summarise it."""
        info = self.dataset(dataset_id)
        if info is None or info.latest is None:
            return None
        path = info.latest.folder / "data.parquet"
        return path if path.is_file() else None


def load_site(workspace: Workspace) -> Site:
    config = load_config(workspace)
    datasets = []
    for declaration in load_all(workspace):
        root = dataset_dir(workspace, declaration.id)
        releases = [ReleaseInfo(declaration.id, entry, root / entry["version"])
                    for entry in list_releases(workspace, declaration.id)]
        datasets.append(DatasetInfo(declaration, releases))
    return Site(workspace=workspace, config=config, datasets=datasets,
                vocabulary=load_vocabulary(workspace.schemas))
