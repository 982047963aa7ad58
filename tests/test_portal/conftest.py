"""A small published workspace (a few releases of each dataset, one withdrawn), built once per session."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BASE = "https://data.sukamaju.example.go.id/"
REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}
WARNED = {"errors": 0, "warnings": 2, "rules": ["realisasi <= anggaran"], "groups": [
    {"severity": "warning", "type": "plausibility", "field": "realisasi", "check": "realisasi_le_anggaran",
     "count": 2, "note": "Realisasi melebihi anggaran.", "note_id": "realisasi-exceeds", "examples": []}]}

SKPD = [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1", "Urusan Wajib Pelayanan Dasar"),
        ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "1", "Urusan Wajib Pelayanan Dasar"),
        ("5.02.0.00.0.00.01.0000", "Badan Keuangan dan Aset Daerah", "5", "Unsur Penunjang")]


def when(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, 0, tzinfo=dt.timezone.utc)


def apbd_rows(year: int, stage: str, basis: str, scale: float = 1.0) -> list[dict]:
    rows = []
    for i, (kode, nama, urusan, nama_urusan) in enumerate(SKPD):
        prog = f"{urusan}.0{i + 1}.02"
        lines = [("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 900_000_000 * (i + 1)),
                 ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 150_000_000 + i * 10_000_000),
                 ("5.2.02.05.01.0001", "Belanja Modal Mebel", 420_000_000 * (3 - i))]
        if i == 2:
            lines = [("4.1.01.09.01.0001", "Pajak Hotel", 2_500_000_000),
                     ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 700_000_000),
                     ("6.1.01.01.01.0001", "SiLPA Tahun Sebelumnya", 1_000_000_000)]
        for code, name, amount in lines:
            planned = int(amount * scale)
            rows.append({
                "tahun": year, "tahap": stage, "kode_wilayah": "32.60", "kode_skpd": kode, "nama_skpd": nama,
                "kode_urusan": urusan, "nama_urusan": nama_urusan, "kode_program": prog,
                "nama_program": "Program Penunjang",
                "kode_kegiatan": prog + ".2.01", "nama_kegiatan": "Administrasi Keuangan",
                "kode_sub_kegiatan": "0.00.00.0.00.0000" if code[0] in "46" else prog + ".2.01.0001",
                "nama_sub_kegiatan": None if code[0] in "46" else "Penyediaan Gaji dan Tunjangan ASN",
                "kode_rekening": code, "nama_rekening": name, "anggaran": planned,
                "realisasi": int(planned * 0.8) if stage != "perubahan" else None, "dasar_hukum": basis,
            })
    return rows


PERATURAN = [
    {"id": "perda-2023-5", "kode_wilayah": "32.60", "jenis": "Peraturan Daerah", "nomor": "5", "tahun": 2023,
     "judul": "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2024", "tanggal_penetapan": dt.date(2023, 12, 15),
     "tanggal_pengundangan": dt.date(2023, 12, 18), "status": "berlaku", "mengubah": None,
     "diubah_oleh": "perda-2024-3",
     "mencabut": None, "dicabut_oleh": None, "subjek": "APBD", "bidang_hukum": "Hukum Keuangan Negara",
     "url_dokumen": "https://jdih.sukamaju.example.go.id/perda-2023-5.pdf"},
    {"id": "perda-2024-3", "kode_wilayah": "32.60", "jenis": "Peraturan Daerah", "nomor": "3", "tahun": 2024,
     "judul": "Perubahan APBD Tahun Anggaran 2024", "tanggal_penetapan": dt.date(2024, 9, 30),
     "tanggal_pengundangan": dt.date(2024, 10, 1), "status": "berlaku", "mengubah": "perda-2023-5", "diubah_oleh": None,
     "mencabut": None, "dicabut_oleh": None, "subjek": "APBD-P", "bidang_hukum": "Hukum Keuangan Negara",
     "url_dokumen": None},
    {"id": "perda-2022-4", "kode_wilayah": "32.60", "jenis": "Peraturan Daerah", "nomor": "4", "tahun": 2022,
     "judul": "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2023", "tanggal_penetapan": dt.date(2022, 12, 20),
     "tanggal_pengundangan": dt.date(2022, 12, 21), "status": "berlaku", "mengubah": None, "diubah_oleh": None,
     "mencabut": None, "dicabut_oleh": None, "subjek": "APBD", "bidang_hukum": None, "url_dokumen": None},
    {"id": "perbup-2019-12", "kode_wilayah": "32.60", "jenis": "Peraturan Bupati", "nomor": "12", "tahun": 2019,
     "judul": "Tata Cara Pengelolaan Data", "tanggal_penetapan": dt.date(2019, 3, 15), "tanggal_pengundangan": None,
     "status": "tidak berlaku", "mengubah": None, "diubah_oleh": None, "mencabut": None,
     "dicabut_oleh": "perbup-2023-7",
     "subjek": "data", "bidang_hukum": None, "url_dokumen": None},
    {"id": "perbup-2023-7", "kode_wilayah": "32.60", "jenis": "Peraturan Bupati", "nomor": "7", "tahun": 2023,
     "judul": "Satu Data Kabupaten Sukamaju", "tanggal_penetapan": dt.date(2023, 5, 2),
     "tanggal_pengundangan": dt.date(2023, 5, 3),
     "status": "berlaku", "mengubah": None, "diubah_oleh": None, "mencabut": "perbup-2019-12", "dicabut_oleh": None,
     "subjek": "satu data", "bidang_hukum": None, "url_dokumen": None},
]


def kinerja_rows(year: int, bump: float = 0.0) -> list[dict]:
    out = []
    for kode, nama, _, _ in SKPD[:2]:
        for n, (name, unit, target, real) in enumerate([("Angka kematian ibu", "per 100.000", 100.0, 92.0 + bump),
                                                          ("Cakupan imunisasi dasar", "persen", 95.0, 97.5)], start=1):
            out.append({"tahun": year, "kode_wilayah": "32.60", "kode_skpd": kode, "nama_skpd": nama,
                        "kode_indikator": f"IKU-0{n}", "indikator": name, "satuan": unit, "target": target,
                        "realisasi": real, "capaian": round(real / target * 100, 2)})
    return out


WILAYAH = [{"kode": "32", "nama": "Jawa Barat", "tingkat": "provinsi", "kode_induk": None},
           {"kode": "32.60", "nama": "Kabupaten Sukamaju", "tingkat": "kabupaten", "kode_induk": "32"},
           {"kode": "32.60.01", "nama": "Sukamaju Kidul", "tingkat": "kecamatan", "kode_induk": "32.60"}]


def _table(declaration, rows: list[dict]) -> pa.Table:
    from publish.writers import arrow_schema

    schema = arrow_schema(declaration)
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema)


def publish_sample(root: Path) -> "Workspace":  # noqa: F821 - imported lazily
    """Copy the declarations and config into `root` and publish a handful of releases."""
    from publish.declarations import get_declaration
    from publish.releases import withdraw, write_release
    from publish.workspace import Workspace

    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copy(ROOT / "terbuka.json", root / "terbuka.json")
    ws = Workspace(root).ensure()

    def put(name, rows, day, report=REPORT, source="sumber.csv"):
        decl = get_declaration(ws, name)
        src = {"name": source, "sha256": f"{day:02d}" * 32}
        return write_release(ws, decl, _table(decl, rows), report, src, BASE, run_id=f"run-{name}-{day}", now=when(day))

    put("wilayah", WILAYAH, 1, source="kode_wilayah.csv")
    put("peraturan", PERATURAN, 2, source="jdih.csv")
    put("apbd", apbd_rows(2023, "murni", "perda-2022-4") + apbd_rows(2024, "murni", "perda-2023-5"), 3,
        source="sipd-2024-murni.xlsx")
    put("apbd", apbd_rows(2024, "perubahan", "perda-2024-3", 1.1), 4, WARNED, source="sipd-2024-perubahan.xlsx")
    put("kinerja", kinerja_rows(2023) + kinerja_rows(2024), 5, source="lkjip.xlsx")
    put("kinerja", kinerja_rows(2024, bump=-40.0), 6, source="lkjip-koreksi.xlsx")
    withdraw(ws, "kinerja", "1.1.0", "Realisasi salah ketik pada IKU-01", now=when(7))
    return ws


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """A workspace with releases and a built portal; returns (workspace, files written by the first build)."""
    from publish.portal import build_site

    ws = publish_sample(tmp_path_factory.mktemp("portal"))
    written = build_site(ws)
    return ws, written


# -- HTML helpers, handed to tests through the `html` fixture -------------------------------------------------------

class Page(HTMLParser):
    """The parts of a page the checks look at, plus well-formedness problems."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.refs, self.ids = [], [], [], []
        self.tags, self.headings, self.scripts, self.labels, self.inputs = [], [], [], set(), []
        self.lang, self._script, self._heading = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("href", "src", "action"):
            if a.get(name) is not None:
                self.refs.append((tag, name, a[name]))
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id"))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(self._heading)
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def broken_links(site: Path) -> list[tuple[str, str]]:
    """Relative href/src/action targets (and #fragments) that do not exist in the built site."""
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    ids: dict[Path, set] = {}
    broken = []
    for path in pages:
        for _, _, ref in parse(path).refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(path.relative_to(site)), ref))
            elif parts.fragment and target.suffix == ".html":
                known = ids.setdefault(target, set(parse(target).ids))
                if parts.fragment not in known:
                    broken.append((str(path.relative_to(site)), ref))
    return broken


@pytest.fixture(scope="session")
def html():
    """parse(path) -> the parts of a page the checks read; broken_links(site) -> internal links that 404."""
    return SimpleNamespace(parse=parse, broken_links=broken_links)
