"""Portal views a dataset declares (`"terbuka:views": ["budget"]`), where each lives, and the columns it reads.

A view reads its data through roles named after the fields it was made for (the SIPD and JDIH names:
`anggaran`, `tahap`, `jenis`...). A role is found in the dataset's column of the same name, in the column
`terbuka:totals` names for it (measure, period, stage), or in the column `"terbuka:roles"` maps it to; an
optional role the dataset lacks reads as empty. The first dataset declaring a kind of view gets the section
root (`anggaran/`), any other one `anggaran/<dataset>/`, so adding a dataset never moves an existing page."""

from __future__ import annotations

from dataclasses import dataclass

from publish.declarations import DeclarationError
from publish.portal.context import DatasetInfo, Site


@dataclass(frozen=True)
class Kind:
    """A kind of view: its section of the portal, its navigation label, and the roles it reads."""

    name: str
    section: str
    nav: str  # i18n key of the navigation label
    required: dict  # role -> SQL type; a dataset without a column for one of these is refused
    optional: dict  # role -> SQL type of the empty column that stands in when the dataset lacks it


BUDGET = Kind("budget", "anggaran/", "budget",
              required={"tahun": "INTEGER", "tahap": "VARCHAR", "kode_skpd": "VARCHAR", "kode_rekening": "VARCHAR",
                        "anggaran": "BIGINT"},
              optional={"nama_skpd": "VARCHAR", "kode_urusan": "VARCHAR", "nama_urusan": "VARCHAR",
                        "kode_program": "VARCHAR", "nama_program": "VARCHAR", "kode_kegiatan": "VARCHAR",
                        "nama_kegiatan": "VARCHAR", "kode_sub_kegiatan": "VARCHAR", "nama_sub_kegiatan": "VARCHAR",
                        "nama_rekening": "VARCHAR", "realisasi": "BIGINT", "posisi_realisasi": "DATE",
                        "dasar_hukum": "VARCHAR"})
REGULATIONS = Kind("regulations", "peraturan/", "regulations",
                   required={"id": "VARCHAR", "jenis": "VARCHAR", "nomor": "VARCHAR", "tahun": "INTEGER",
                             "judul": "VARCHAR", "status": "VARCHAR"},
                   optional={"tanggal_penetapan": "DATE", "tanggal_pengundangan": "DATE", "mengubah": "VARCHAR",
                             "diubah_oleh": "VARCHAR", "mencabut": "VARCHAR", "dicabut_oleh": "VARCHAR",
                             "subjek": "VARCHAR", "bidang_hukum": "VARCHAR", "url_dokumen": "VARCHAR"})
PERFORMANCE = Kind("performance", "kinerja/", "performance",
                   required={"tahun": "INTEGER", "kode_skpd": "VARCHAR", "kode_indikator": "VARCHAR",
                             "indikator": "VARCHAR"},
                   optional={"nama_skpd": "VARCHAR", "satuan": "VARCHAR", "target": "DOUBLE", "realisasi": "DOUBLE",
                             "capaian": "DOUBLE"})
KINDS = {k.name: k for k in (BUDGET, REGULATIONS, PERFORMANCE)}
# What terbuka:totals says about a budget, as the roles it fills.
TOTALS_ROLES = {"measure": "anggaran", "period": "tahun", "stage": "tahap"}


@dataclass(frozen=True)
class View:
    """One dataset shown as one kind of view, at `route` (the section root or a folder below it)."""

    kind: Kind
    dataset: DatasetInfo
    route: str
    columns: dict  # role -> the dataset's column, or None when an optional role is missing

    def select(self, available: set[str] | None = None) -> str:
        """The SELECT list that presents the dataset's columns under the role names (and keeps the rest).
        `available`: the columns the file really has (a release made before an optional column was declared
        lacks it); a role whose column is missing reads as empty."""
        fields = set(self.dataset.declaration.field_names)
        present = fields if available is None else fields & set(available)
        types = {**self.kind.required, **self.kind.optional}
        hidden = [role for role, col in self.columns.items() if col != role and role in present]
        star = "*" + (f" EXCLUDE ({', '.join(_q(c) for c in hidden)})" if hidden else "")
        extra = []
        for role, col in self.columns.items():
            if col and col in present:
                if col != role:
                    extra.append(f"{_q(col)} AS {_q(role)}")
            else:
                extra.append(f"NULL::{types[role]} AS {_q(role)}")
        return ", ".join([star] + extra)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(d: DatasetInfo, kind: Kind) -> dict:
    descriptor = d.descriptor
    fields = set(d.declaration.field_names)
    mapped = {TOTALS_ROLES[k]: v for k, v in (descriptor.get("terbuka:totals") or {}).items() if k in TOTALS_ROLES}
    mapped.update(descriptor.get("terbuka:roles") or {})
    out = {}
    for role in [*kind.required, *kind.optional]:
        column = mapped.get(role, role)
        if column in fields:
            out[role] = column
        elif role in kind.required:
            raise DeclarationError(
                f"{d.id}/datapackage.json: tampilan '{kind.name}' memerlukan kolom untuk peran '{role}', tetapi kolom "
                f"'{column}' tidak dideklarasikan; petakan dengan \"terbuka:roles\": {{\"{role}\": \"<kolom>\"}} / "
                f"the '{kind.name}' view needs a column for the role '{role}', but no column '{column}' is declared; "
                f"map one with \"terbuka:roles\": {{\"{role}\": \"<column>\"}}")
        else:
            out[role] = None
    return out


def declared_views(site: Site) -> list[View]:
    """Every view the datasets declare, in the order of the kinds, then of the declarations."""
    for d in site.datasets:
        unknown = [name for name in d.descriptor.get("terbuka:views") or [] if name not in KINDS]
        if unknown:
            raise DeclarationError(
                f"{d.id}/datapackage.json: tampilan tidak dikenal / unknown view in terbuka:views: "
                f"{', '.join(unknown)} (dikenal / known: {', '.join(KINDS)})")
    out = []
    for kind in KINDS.values():
        mine = [d for d in site.datasets if kind.name in (d.descriptor.get("terbuka:views") or [])]
        for i, d in enumerate(mine):
            out.append(View(kind, d, kind.section if i == 0 else f"{kind.section}{d.id}/", _columns(d, kind)))
    return out


def of_kind(views: list[View], kind: Kind) -> list[View]:
    return [v for v in views if v.kind is kind]


def navigation(views: list[View]) -> list[tuple[str, str]]:
    """(route, label key) of the main navigation: only the sections some dataset declares."""
    sections = [(k.section, k.nav) for k in KINDS.values() if of_kind(views, k)]
    return [("", "home"), ("katalog/", "catalog"), *sections, ("cari/", "search")]


def referenced(view: View, role: str, views: list[View], kind: Kind) -> View | None:
    """The view of `kind` whose dataset the role's column refers to by a foreign key on its id (a budget's
    dasar_hukum pointing into a regulation register)."""
    column = view.columns.get(role)
    if not column:
        return None
    for fk in view.dataset.declaration.foreign_keys:
        if fk["fields"] == [column]:
            target = fk["reference"].get("resource") or view.dataset.id
            for other in of_kind(views, kind):
                if other.dataset.id == target and fk["reference"].get("fields") == [other.columns["id"]]:
                    return other
    return None
