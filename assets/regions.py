"""The region dimension: which datasets of a workspace serving several regions are split by region and fiscal
year, which region a file is for, and which kept files lie behind one region's year of the latest release."""

from __future__ import annotations

import json
from collections import Counter

from publish.declarations import Declaration
from publish.regions import REGION_FIELD, RegionsError, served_regions
from publish.releases import dataset_dir, latest_release
from publish.workspace import Workspace

REGION_DIMENSION, YEAR_DIMENSION = "region", "tahun"  # the names of the two partition dimensions


def split_by_region(workspace: Workspace, declaration: Declaration) -> bool:
    """A dataset is split by region when the workspace lists regions and the dataset is split by year and says
    per row which region it is for. Everything else keeps one partition per fiscal year, or none."""
    return bool(served_regions(workspace.config)) and bool(declaration.partition) \
        and REGION_FIELD in declaration.field_names


def ensure_splittable(declaration: Declaration) -> None:
    """One region's file must replace only that region's rows, and two regions may hold the same budget line:
    so the region column belongs to the slice a file replaces and to the primary key. Said before any run."""
    replaces = declaration.source.get("replaces") or []
    missing = [where for where, names in (("source.json \"replaces\"", replaces),
                                          ("datapackage.json \"primaryKey\"", declaration.primary_key))
               if REGION_FIELD not in names]
    if missing:
        where = " & ".join(missing)
        raise RegionsError(
            f"{declaration.id}: terbuka.json mencantumkan beberapa wilayah, jadi {REGION_FIELD} harus ada di {where} "
            f"(agar berkas satu wilayah hanya mengganti baris wilayah itu) / terbuka.json lists several regions, so "
            f"{REGION_FIELD} must be in {where} (so one region's file replaces only that region's rows)")


def unlisted_region(workspace: Workspace, name: str) -> str:
    """Why a file of a dataset split by region is not taken: its first rows name no region terbuka.json lists."""
    listed = ", ".join(r.kode for r in served_regions(workspace.config))
    return (f"{name}: kolom {REGION_FIELD} di baris awal tidak menyebut wilayah yang tercantum di terbuka.json "
            f"({listed}); perbaiki berkas atau tambahkan wilayahnya, lalu letakkan lagi / the first rows' "
            f"{REGION_FIELD} names no region listed in terbuka.json ({listed}); fix the file or list its region, "
            f"then drop it again")


def choose_region(codes: Counter, known: list[str]) -> str | None:
    """The region a file is for: the commonest listed region code of its first rows; None when none is listed."""
    for code, _ in codes.most_common():
        if code in known:
            return code
    return None


def region_partition(key: str | None) -> tuple[str | None, str | None]:
    """(region, year) of a run's partition key: "32.61|2025" for a dataset split by region, else (None, key)."""
    if key is None:
        return None, None
    keys = getattr(key, "keys_by_dimension", None)
    if keys:
        return keys[REGION_DIMENSION], keys[YEAR_DIMENSION]
    return None, key


def region_sources(workspace: Workspace, declaration: Declaration, region: str, year: str) -> set[str]:
    """SHA-256 of the files behind one region's year of the latest release (a region's backfill re-takes these)."""
    latest = latest_release(workspace, declaration.id)
    if latest is None:
        return set()
    path = dataset_dir(workspace, declaration.id) / latest["version"] / "provenance.json"
    slices = json.loads(path.read_text()).get("slices", []) if path.is_file() else []
    return {s["source"]["sha256"] for s in slices
            if s.get("source", {}).get("sha256") and str(s["slice"].get(REGION_FIELD)) == region
            and str(s["slice"].get(declaration.partition)) == year}
