"""A large portal to render: N generated datasets with V versions each, in a workspace of their own.

The declarations are written like any officer's (schemas/<id>/, no Python); the versions are
released through the same per-file path the pipeline uses (assets.flow.process_file), without
Dagster, because 1,000 runs through the UI path would take an hour and measure nothing the bench
reports: only the portal build afterwards (`terbuka build-site`) is measured.
"""

from __future__ import annotations

import json
import random

from assets.flow import Intake, process_file
from publish.files import write_atomic
from publish.workspace import Workspace
from sample import tables as data

FIRST_YEAR = 2021
INDICATORS = ["Jumlah penduduk miskin", "Angka partisipasi sekolah", "Cakupan imunisasi dasar lengkap",
              "Rumah tangga dengan air minum layak", "Panjang jalan kondisi baik", "Jumlah UMKM binaan"]


def declaration(number: int) -> dict:
    """One sectoral statistics dataset, split by year, its regions pointing into wilayah."""
    name = f"statistik_{number:03d}"

    def field(field_name, kind, title, en, constraints=None):
        spec = {"name": field_name, "type": kind, "title": title, "description": title, "terbuka:description_en": en}
        return spec | ({"constraints": constraints} if constraints else {})
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name, "title": f"Statistik Sektoral {number:03d}",
        "description": "Indikator sektoral per kecamatan dan tahun (data bangkitan untuk uji kinerja portal).",
        "terbuka:title_en": f"Sectoral Statistics {number:03d}",
        "terbuka:description_en": "Sectoral indicators by district and year (generated to measure the portal build).",
        "keywords": ["statistik", "sektoral"], "terbuka:topic": "statistik", "terbuka:partition": "tahun",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": "Bench", "path": "https://sukamaju.example.go.id/"}],
        "contributors": [{"title": "Dinas Komunikasi dan Informatika", "roles": ["publisher"]}],
        "resources": [{"name": name, "title": "Indikator", "schema": {
            "fields": [field("tahun", "integer", "Tahun", "Year", {"required": True, "minimum": 2000, "maximum": 2100}),
                       field("kode_wilayah", "string", "Kode wilayah", "Region code", {"required": True}),
                       field("indikator", "string", "Indikator", "Indicator", {"required": True}),
                       field("satuan", "string", "Satuan", "Unit"),
                       field("nilai", "number", "Nilai", "Value", {"minimum": 0})],
            "primaryKey": ["tahun", "kode_wilayah", "indikator"],
            "foreignKeys": [{"fields": ["kode_wilayah"], "reference": {"resource": "wilayah", "fields": ["kode"]}}]}}],
    }


def version_csv(rng: random.Random, year: int) -> bytes:
    """One year of one dataset: every kecamatan of the sample region times each indicator."""
    lines = ["tahun;kode_wilayah;indikator;satuan;nilai"]
    for kode, *_ in data.KECAMATAN:
        for indicator in INDICATORS:
            value = f"{rng.uniform(0, 5000):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
            lines.append(f"{year};{data.KODE_WILAYAH}.{kode};{indicator};unit;{value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def populate(workspace, datasets: int, versions: int) -> int:
    """Declare `datasets` datasets and release `versions` years of each; returns the releases made."""
    for number in range(1, datasets + 1):
        folder = workspace.schemas / f"statistik_{number:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "datapackage.json").write_text(json.dumps(declaration(number), indent=1), encoding="utf-8")
        (folder / "source.json").write_text(json.dumps(
            {"formats": ["csv"], "header": "first", "numbers": {"style": "id"}, "replaces": ["tahun"]}), encoding="utf-8")
    workspace = Workspace(workspace.root)  # the declarations as they are now
    made = 0
    for number in range(1, datasets + 1):
        rng = random.Random(number)
        for year in range(FIRST_YEAR, FIRST_YEAR + versions):
            outcome = take(workspace, f"statistik_{number:03d}", version_csv(rng, year), f"statistik_{year}.csv")
            if not outcome.accepted:
                raise RuntimeError(f"statistik_{number:03d} {year}: {outcome.message(workspace, 'en')}")
            made += 1
    return made


def take(workspace, dataset: str, data: bytes, name: str, year: str | None = None):
    """One file through the pipeline's own per-file path (assets.flow.process_file), without Dagster; `year`:
    the fiscal-year partition a run would give it."""
    path = workspace.incoming / "bench" / name
    write_atomic(path, data)
    try:
        return process_file(workspace, Intake(dataset, path, year=year))
    finally:
        path.unlink(missing_ok=True)

