"""A small published workspace for the portal tests: a few releases of each dataset, one withdrawn."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa

from publish.declarations import get_declaration
from publish.releases import withdraw, write_release
from publish.workspace import Workspace
from publish.writers import arrow_schema

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://data.sukamaju.example.go.id/"
REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}
WARNED = {"errors": 0, "warnings": 2, "rows": 9, "rules": [
    {"id": "realisasi_le_anggaran", "severity": "warning", "success": False, "unexpected": 2, "rows_checked": 9,
     "skipped": False}], "groups": [
    {"severity": "warning", "type": "plausibility", "field": "realisasi", "check": "realisasi_le_anggaran",
     "count": 2, "note": "Realisasi melebihi anggaran.", "note_id": "realisasi-exceeds", "examples": []}]}

SKPD = [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1", "Urusan Wajib Pelayanan Dasar"),
        ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "1", "Urusan Wajib Pelayanan Dasar"),
        ("5.02.0.00.0.00.01.0000", "Badan Keuangan dan Aset Daerah", "5", "Unsur Penunjang")]


def when(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, 0, tzinfo=dt.timezone.utc)


def apbd_rows(year: int, stage: str, basis: str, scale: float = 1.0, as_of: dt.date | None = None,
              silent: tuple = ()) -> list[dict]:
    """Budget lines of three agencies; murni lines report 80% realised (as of `as_of`, when given), perubahan
    lines none, nor do the agencies whose index is in `silent`."""
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
                "realisasi": int(planned * 0.8) if stage != "perubahan" and i not in silent else None,
                "dasar_hukum": basis, "posisi_realisasi": as_of if stage != "perubahan" else None,
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


def table(declaration, rows: list[dict]) -> pa.Table:
    """Rows as a table typed by the declaration (a missing field is empty)."""
    schema = arrow_schema(declaration)
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema)


def workspace(root: Path) -> Workspace:
    """A fresh workspace at `root` with this repository's declarations and config."""
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copy(ROOT / "terbuka.json", root / "terbuka.json")
    return Workspace(root).ensure()


def put(ws: Workspace, name: str, rows: list[dict], day: int, report: dict = REPORT, source: str = "sumber.csv"):
    """Release `rows` as the next version of dataset `name`, on 2024-03-<day>."""
    decl = get_declaration(ws, name)
    src = {"name": source, "sha256": f"{day:02d}" * 32}
    return write_release(ws, decl, table(decl, rows), report, src, BASE, run_id=f"run-{name}-{day}", now=when(day))


def publish_sample(root: Path) -> Workspace:
    """A workspace with a handful of releases of every dataset, one of them withdrawn."""
    ws = workspace(root)
    put(ws, "wilayah", WILAYAH, 1, source="kode_wilayah.csv")
    put(ws, "peraturan", PERATURAN, 2, source="jdih.csv")
    # 2024's realisation states its date; 2023's does not (an older export): the portal says so.
    put(ws, "apbd", apbd_rows(2023, "murni", "perda-2022-4")
        + apbd_rows(2024, "murni", "perda-2023-5", as_of=dt.date(2024, 6, 30), silent=(1,)), 3,
        source="sipd-2024-murni.xlsx")  # Dinas Pendidikan reports no realisation in 2024
    put(ws, "apbd", apbd_rows(2024, "perubahan", "perda-2024-3", 1.1), 4, WARNED, source="sipd-2024-perubahan.xlsx")
    put(ws, "kinerja", kinerja_rows(2023) + kinerja_rows(2024), 5, source="lkjip.xlsx")
    put(ws, "kinerja", kinerja_rows(2024, bump=-40.0), 6, source="lkjip-koreksi.xlsx")
    withdraw(ws, "kinerja", "1.1.0", "Realisasi salah ketik pada IKU-01", now=when(7))
    return ws
