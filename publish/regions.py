"""The regions a workspace serves, declared in terbuka.json as "regions": a province or an aggregator lists each
region it publishes for; a workspace of one regional government lists none and keeps one partition per year."""

from __future__ import annotations

import re
from dataclasses import dataclass

REGION_FIELD = "kode_wilayah"  # the column that says which region a row is for (Kemendagri code)
CODE = re.compile(r"[0-9]{2}(\.[0-9]{2})?")  # provinsi 32 or kabupaten/kota 32.01: the levels that budget


class RegionsError(ValueError):
    """terbuka.json's "regions" cannot be used, or a declaration cannot be split by region as it stands."""


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str


def served_regions(config: dict) -> list[Region]:
    """The regions listed in terbuka.json, in their order; [] when the workspace serves one region."""
    listed = config.get("regions") or []
    if not isinstance(listed, list):
        raise RegionsError('terbuka.json: "regions" harus daftar / must be a list of {"kode": ..., "nama": ...}')
    out: list[Region] = []
    for item in listed:
        kode = item.get("kode") if isinstance(item, dict) else None
        if not isinstance(kode, str) or not CODE.fullmatch(kode):
            raise RegionsError(f'terbuka.json: "regions" memuat {item!r}; tiap wilayah perlu "kode" Kemendagri seperti '
                               f'"32.01" / lists {item!r}; each region needs a Kemendagri "kode" such as "32.01"')
        if any(r.kode == kode for r in out):
            raise RegionsError(f'terbuka.json: kode wilayah {kode} tercantum dua kali / region code {kode} is listed twice')
        out.append(Region(kode, str(item.get("nama") or kode)))
    return out
