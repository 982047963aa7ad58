"""The fixed tables behind the fictional Kabupaten Sukamaju, read from the data files in sample/data/.

Codes (urusan, programme chain, kode rekening) follow Permendagri 90/2019 and its SIPD-era updates; every
name of a person, place or agency head and every amount is invented (sample/data/README.md)."""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from typing import NamedTuple

DATA = files("sample") / "data"


class Skpd(NamedTuple):
    """A regional agency: its code, name, the bidang of its support programme, civil servants, and
    the sub kegiatan it budgets beyond the common support ones (support suffixes, then its own)."""

    kode: str
    nama: str
    bidang: str
    pegawai: int
    penunjang_tambahan: tuple
    teknis: tuple


def _json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict]:
    """Rows of a CSV file; an empty cell is None."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def _number(text: str | None) -> int | float | None:
    """'98' -> 98, '97.6' -> 97.6: written as the source tables had them; empty stays None."""
    if text is None:
        return None
    return float(text) if "." in text else int(text)


_wilayah = _json("wilayah.json")
KODE_PROVINSI, NAMA_PROVINSI = _wilayah["provinsi"]["kode"], _wilayah["provinsi"]["nama"]
KODE_WILAYAH, NAMA_WILAYAH = _wilayah["kabupaten"]["kode"], _wilayah["kabupaten"]["nama"]
DESA_AWAL, DESA_AKHIR = _wilayah["desa_awal"], _wilayah["desa_akhir"]
# (kode, nama, kelurahan count, desa count)
KECAMATAN = [(r["kode"], r["nama"], int(r["kelurahan"]), int(r["desa"])) for r in _csv("kecamatan.csv")]

URUSAN = {r["kode"]: r["nama"] for r in _csv("urusan.csv")}
PROGRAM = {r["kode"]: r["nama"] for r in _csv("program.csv")}
KEGIATAN = {r["kode"]: r["nama"] for r in _csv("kegiatan.csv")}
# kode -> (nama, account profile)
SUB_KEGIATAN = {r["kode"]: (r["nama"], r["profil"]) for r in _csv("sub_kegiatan.csv")}

_penunjang = _json("penunjang.json")
PENUNJANG = _penunjang["program"]
PENUNJANG_KEGIATAN = _penunjang["kegiatan"]  # keyed by the K.KK suffix after U.BB.01
PENUNJANG_SUB = {k: (v["nama"], v["profil"]) for k, v in _penunjang["sub_kegiatan"].items()}
PENUNJANG_UMUM = [k for k, v in _penunjang["sub_kegiatan"].items() if v["umum"]]

SKPD = [Skpd(s["kode"], s["nama"], s["bidang"], s["pegawai"], tuple(s["penunjang_tambahan"]), tuple(s["teknis"]))
        for s in _json("skpd.json")]

# kode rekening -> (nama, low, high); for salary accounts low/high are rupiah per civil servant a year.
REKENING = {r["kode"]: (r["nama"], int(r["rendah"]), int(r["tinggi"])) for r in _csv("rekening.csv")}
PROFIL = {k: v for k, v in _json("profil.json").items() if not k.startswith("_")}
GAJI = PROFIL["gaji"]  # the same list object: a salary profile is recognised by identity

# Revenue lines (akun 4): (kode SKPD, kode rekening, nama, target in the first year's APBD murni).
_pendapatan = _csv("pendapatan.csv")
PENDAPATAN = [(r["kode_skpd"], r["kode_rekening"], r["nama"], int(r["target"]))
              for r in _pendapatan if r["mulai"] == "2024"]
PENDAPATAN_2025_BARU = [(r["kode_skpd"], r["kode_rekening"], r["nama"], int(r["target"]))
                        for r in _pendapatan if r["mulai"] == "2025"]
PENDAPATAN_2025_HAPUS = {r["kode_rekening"] for r in _pendapatan if r["akhir"] == "2024"}

# Financing lines (akun 6) per budget file: (kode SKPD, kode rekening, nama, {file stem: amount}); the amount
# "seimbang" is what balances the file's budget (pendapatan + penerimaan = belanja + pengeluaran pembiayaan).
BALANCING = "seimbang"
PEMBIAYAAN = [(r["kode_skpd"], r["kode_rekening"], r["nama"],
               {k: (v if v == BALANCING else int(v)) for k, v in r.items() if k.startswith("APBD_")})
              for r in _csv("pembiayaan.csv")]

# Sub kegiatan first budgeted in a later file: (kode SKPD, sub).
_baru = _csv("sub_kegiatan_baru.csv")
SUB_BARU_PERUBAHAN_2024 = [(r["kode_skpd"], r["kode_sub_kegiatan"]) for r in _baru
                           if r["berkas"] == "APBD_2024_PERUBAHAN"]
SUB_BARU_2025 = [(r["kode_skpd"], r["kode_sub_kegiatan"]) for r in _baru if r["berkas"] == "APBD_2025_MURNI"]

# (id, jenis as the JDIH export spells it, nomor, penetapan, pengundangan or None, tentang, subjek, bidang hukum)
PERATURAN = [(r["id"], r["jenis"], r["nomor"], r["tanggal_penetapan"], r["tanggal_pengundangan"], r["tentang"],
              r["subjek"], r["bidang_hukum"]) for r in _csv("peraturan.csv")]
# (relation, from, to): "mengubah" = from amends to; "mencabut" = from revokes to.
HUBUNGAN = [(r["relasi"], r["dari"], r["ke"]) for r in _csv("hubungan.csv")]

# Budget files as three different exports label them; each header maps to the declared fields
# only through the aliases in schemas/apbd/source.json.
APBD_BERKAS = [{**b, "dibuat": tuple(b["dibuat"])} for b in _json("apbd_berkas.json")]

# Performance indicators 2024: kode SKPD -> [(kode, indikator, satuan, target, realisasi, account prefix)].
# An indicator measured on the budget itself (the share of revenue collected, of spending realised) names the
# account prefix in `dari_apbd` and has no realisasi of its own: the generator computes it from the sample's
# year-end budget, so the performance data never contradicts the budget data.
KINERJA_2024: dict[str, list[tuple]] = {}
for _row in _csv("kinerja_2024.csv"):
    KINERJA_2024.setdefault(_row["kode_skpd"], []).append(
        (_row["kode_indikator"], _row["indikator"], _row["satuan"], _number(_row["target"]),
         _number(_row["realisasi"]), _row["dari_apbd"]))
