"""Two published regions with known release dates, built once per session, and served on 127.0.0.1.

Region A declares its CKAN name prefix; region B relies on the default (its region code). Both publish the
same dataset ids (apbd, peraturan, kinerja, wilayah), which is what a national harvester has to keep apart."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str
    base: str
    ckan: dict = field(default_factory=dict)
    scale: int = 1


A = Region("32.60", "Kabupaten Sukamaju", "https://data.sukamaju.example.go.id/",
           {"prefix": "kab-sukamaju", "organization": "pemkab-sukamaju"})
B = Region("33.71", "Kota Sukamakmur", "https://opendata.sukamakmur.example.go.id/portal/", scale=3)


def day(text: str) -> dt.datetime:
    """A release time: 03:00 UTC (10:00 WIB) on the given date."""
    return dt.datetime.fromisoformat(text).replace(hour=3, tzinfo=dt.timezone.utc)


def regulations(r: Region) -> list[dict]:
    def reg(id_, jenis, nomor, tahun, judul, ditetapkan, diundangkan, **extra):
        row = {"id": id_, "kode_wilayah": r.kode, "jenis": jenis, "nomor": nomor, "tahun": tahun, "judul": judul,
               "tanggal_penetapan": ditetapkan and dt.date.fromisoformat(ditetapkan),
               "tanggal_pengundangan": diundangkan and dt.date.fromisoformat(diundangkan),
               "status": "berlaku", "mengubah": None, "diubah_oleh": None, "mencabut": None, "dicabut_oleh": None,
               "subjek": "APBD", "bidang_hukum": "Hukum Keuangan Negara", "url_dokumen": None}
        row.update(extra)
        return row

    perda = "Peraturan Daerah"
    return [
        reg("perda-2022-4", perda, "4", 2022, "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2023",
            "2022-12-20", "2022-12-21", url_dokumen=f"{r.base}jdih/perda-2022-4.pdf"),
        reg("perda-2023-9", perda, "9", 2023, "Perubahan Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2023",
            "2023-09-28", "2023-09-29"),
        reg("perda-2023-12", perda, "12", 2023, "Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2024",
            "2023-12-15", "2023-12-18", diubah_oleh="perda-2024-8"),
        reg("perda-2024-8", perda, "8", 2024, "Perubahan Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2024",
            "2024-09-27", "2024-09-27", mengubah="perda-2023-12"),
        reg("perbup-2019-12", "Peraturan Bupati", "12", 2019, "Tata Cara Pengelolaan Data", "2019-03-15", None,
            status="tidak berlaku", subjek=None, bidang_hukum=None),
        reg("kepdprd-2023-2", "Keputusan DPRD", "2/KPTS/2023", 2023, "Persetujuan Bersama Rancangan APBD 2024",
            "2023-11-30", None, subjek="APBD", bidang_hukum=None),
    ]


def budget(r: Region, year: int, stage: str, basis: str, factor: float, realised: float | None) -> list[dict]:
    """Budget lines of one year and stage: revenue, spending, both kinds of financing, and two subtotal rows
    (shorter account codes) that a fiscal package must not count again."""
    skpd = [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1", "1.02.02"),
            ("5.02.0.00.0.00.01.0000", "Badan Keuangan Daerah", "5", "5.02.02")]
    lines = [(0, "4.1.01.09.01.0001", "Pajak Hotel", 2_000_000_000),
             (0, "5.1.01.01.01.0001", "Belanja Gaji", 900_000_000),
             (0, "5.2.02.05.01.0001", "Belanja Modal Mebel", 300_000_000),
             (1, "5.1.02.01.01.0024", "Belanja ATK", 150_000_000),
             (1, "6.1.01.01.01.0001", "SiLPA", 500_000_000), (1, "6.2.02.01.01.0001", "Penyertaan Modal", 250_000_000),
             (0, "5.1", "Belanja Operasi (subtotal)", 1_050_000_000), (1, "4", "Pendapatan (subtotal)", 2_000_000_000)]
    rows = []
    for i, code, name, amount in lines:
        kode, nama, urusan, prog = skpd[i]
        planned = int(amount * factor * r.scale)
        finance = code[0] in "46"
        rows.append({"tahun": year, "tahap": stage, "kode_wilayah": r.kode, "kode_skpd": kode, "nama_skpd": nama,
                     "kode_urusan": urusan, "nama_urusan": f"Urusan {urusan}", "kode_program": prog,
                     "nama_program": "Program", "kode_kegiatan": prog + ".2.01", "nama_kegiatan": "Kegiatan",
                     "kode_sub_kegiatan": "0.00.00.0.00.0000" if finance else prog + ".2.01.0001",
                     "nama_sub_kegiatan": None if finance else "Sub kegiatan", "kode_rekening": code,
                     "nama_rekening": name, "anggaran": planned,
                     "realisasi": None if realised is None else int(planned * realised), "dasar_hukum": basis})
    return rows


def performance(r: Region, year: int) -> list[dict]:
    return [{"tahun": year, "kode_wilayah": r.kode, "kode_skpd": "1.02.0.00.0.00.01.0000",
             "nama_skpd": "Dinas Kesehatan",
             "kode_indikator": "IKU-01", "indikator": "Cakupan imunisasi", "satuan": "persen", "target": 95.0,
             "realisasi": 93.0, "capaian": 97.89}]


# (when, dataset, rows, source name): the release history every region shares. The dates are chosen for the
# scorecard: see test_scorecard.py for the grades they must give.
def history(r: Region) -> list[tuple[str, str, list[dict], str]]:
    wilayah = [{"kode": r.kode.split(".")[0], "nama": "Provinsi", "tingkat": "provinsi", "kode_induk": None},
               {"kode": r.kode, "nama": r.nama, "tingkat": "kabupaten", "kode_induk": r.kode.split(".")[0]}]
    regs = regulations(r)
    return [
        ("2023-01-05", "wilayah", wilayah, "kode_wilayah.csv"),
        ("2023-01-06", "peraturan", regs, "jdih.csv"),
        ("2023-01-20", "apbd", budget(r, 2023, "murni", "perda-2022-4", 1.0, None), "apbd-2023-murni.xlsx"),
        ("2023-12-27", "apbd", budget(r, 2024, "murni", "perda-2023-12", 1.1, None), "apbd-2024-murni.xlsx"),
        ("2024-02-15", "apbd", budget(r, 2023, "perubahan", "perda-2023-9", 1.05, 0.9), "apbd-2023-lra.xlsx"),
        ("2024-05-15", "kinerja", performance(r, 2023), "lkjip-2023.xlsx"),
        ("2024-07-20", "apbd", budget(r, 2024, "murni", "perda-2023-12", 1.1, 0.45), "apbd-2024-sem1.xlsx"),
        ("2024-08-01", "apbd", budget(r, 2024, "pergeseran", "perda-2023-12", 1.12, None), "apbd-2024-geser.xlsx"),
        ("2024-08-02", "apbd", budget(r, 2024, "pergeseran", "perda-2023-12", 9.99, None), "apbd-2024-salah.xlsx"),
        ("2024-12-20", "apbd", budget(r, 2024, "perubahan", "perda-2024-8", 1.2, None), "apbd-2024-perubahan.xlsx"),
        ("2025-03-10", "apbd", budget(r, 2024, "perubahan", "perda-2024-8", 1.2, 0.95), "apbd-2024-lra.xlsx"),
    ]


# The release above that is withdrawn, and when.
WITHDRAWN = ("apbd", "2024-08-02", "2024-08-03", "Pergeseran salah unggah: angka dikali sepuluh")


def _table(declaration, rows: list[dict]) -> pa.Table:
    from publish.writers import arrow_schema

    schema = arrow_schema(declaration)
    return pa.Table.from_pylist([{f.name: row.get(f.name) for f in schema} for row in rows], schema=schema)


def publish_region(root: Path, r: Region, until: str | None = None):
    """A workspace for region `r` with its release history (up to `until`), and its portal built in site/."""
    from publish.declarations import get_declaration
    from publish.portal import build_site
    from publish.releases import list_releases, withdraw, write_release
    from publish.workspace import Workspace

    shutil.copytree(ROOT / "schemas", root / "schemas")
    config = json.loads((ROOT / "terbuka.json").read_text(encoding="utf-8"))
    config.update({"baseUrl": r.base, "region": {"kode": r.kode, "nama": r.nama},
                   "title": {"id": f"Portal Data {r.nama}", "en": f"{r.nama} Open Data"},
                   "publisher": {"name": f"Diskominfo {r.nama}", "email": "data@example.go.id", "url": r.base}})
    config.pop("ckan", None)
    if r.ckan:
        config["ckan"] = r.ckan
    (root / "terbuka.json").write_text(json.dumps(config), encoding="utf-8")
    ws = Workspace(root).ensure()
    gone_dataset, gone_when, gone_date, reason = WITHDRAWN
    for when, name, rows, source in history(r):
        if until and when > until:
            break
        decl = get_declaration(ws, name)
        src = {"name": source, "sha256": f"{len(source):02d}" * 32}
        result = write_release(ws, decl, _table(decl, rows), REPORT, src, r.base, run_id=f"run-{name}-{when}",
                               now=day(when))
        if (name, when) == (gone_dataset, gone_when):
            withdraw(ws, name, result.version, reason, now=day(gone_date))
    assert list_releases(ws, "apbd")
    build_site(ws)
    return ws


@pytest.fixture(scope="session")
def no_search_index():
    """Pagefind indexing costs seconds per build and nothing here reads it."""
    from publish.portal import pagefind

    mp = pytest.MonkeyPatch()
    mp.setattr(pagefind, "run", lambda site_dir: [])
    yield
    mp.undo()


@pytest.fixture(scope="session")
def regions(tmp_path_factory, no_search_index):
    """{"A": workspace, "B": workspace}, each with its portal built."""
    return {name: publish_region(tmp_path_factory.mktemp(f"region-{name}"), r) for name, r in (("A", A), ("B", B))}


@pytest.fixture(scope="session")
def shapes():
    """The DCAT-AP 3.0.1 shapes in ../shared/data/dcat-ap, or a skip saying they are absent."""
    folder = ROOT.parent / "shared" / "data" / "dcat-ap"
    if not folder.is_dir():
        pytest.skip("../shared/data/dcat-ap (the DCAT-AP 3.0.1 shapes) is not present beside this clone")
    return folder


@pytest.fixture(scope="session")
def specs():
    """The two regions' declarations (Region objects) by name."""
    return {"A": A, "B": B}


@pytest.fixture(scope="session")
def served(regions):
    """Both portals served by the project's own server on 127.0.0.1: {"A": base URL, "B": base URL}."""
    from publish.portal.server import make_server

    servers, urls = [], {}
    for name, ws in regions.items():
        server = make_server(ws.site, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()
