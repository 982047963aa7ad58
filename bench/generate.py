"""Budget files in the messy form a province exports them: semicolon CSV, SIPD headers, Indonesian numbers."""

from __future__ import annotations

import random
from pathlib import Path

from sample import tables as data

# The SIPD column names of a realisation export (the sample's 2024 perubahan file uses the same).
HEADER = ["tahun", "tahap", "kode_pemda", "kode_skpd", "nama_skpd", "kode_urusan", "nama_urusan",
          "kode_program", "nama_program", "kode_giat", "nama_giat", "kode_sub_giat", "nama_sub_giat",
          "kode_akun", "nama_akun", "total_harga", "realisasi", "posisi_realisasi", "dasar_hukum"]
YEAR, STAGE, LAW = 2024, "APBD Perubahan", "perda-2024-8"  # the sample publishes perda-2024-8 for 2024
AS_OF = "2024-12-31"  # the one date the realisation is reported as of
REVENUE_SUB = "0.00.00.0.00.0000"
PARENT = "5.1.02.01.01"  # a rincian objek whose budget equals the sum of the lines below it
CHILDREN = 98  # lines per sub kegiatan below that parent (account codes .0001 to .0098)
ITEMS = ["Alat Tulis Kantor", "Kertas dan Cover", "Bahan Cetak", "Benda Pos", "Bahan Komputer",
         "Perabot Kantor", "Alat Listrik", "Perlengkapan Dinas", "Bahan Bakar dan Pelumas", "Suvenir/Cendera Mata",
         "Bahan Makanan Pokok", "Obat-Obatan", "Bahan Kimia", "Bibit Tanaman", "Isi Tabung Gas"]


def rupiah(value: int, rng: random.Random) -> str:
    """An amount the way officers type it: '1.234.567', sometimes 'Rp 1.234.567'."""
    text = f"{value:,}".replace(",", ".")
    return "Rp " + text if rng.random() < 0.07 else text


def _blocks():
    """(kode skpd, nama skpd, classification cells, nama sub kegiatan prefix), endlessly and never twice."""
    kegiatan = sorted(data.KEGIATAN)
    serial = 0
    while True:
        serial += 1
        for skpd in data.SKPD:
            for keg in kegiatan:
                urusan, program = keg[0], keg[:7]
                sub = f"{keg}.{serial:04d}"
                yield skpd, [urusan, data.URUSAN[urusan], program, data.PROGRAM[program], keg, data.KEGIATAN[keg],
                             sub, f"{data.KEGIATAN[keg]} Paket {serial}"]


def write_apbd(path: Path, rows: int, seed: int = 13) -> int:
    """Write a valid one-year, one-stage APBD file of exactly `rows` lines (plus header); returns its size.

    Each sub kegiatan has a parent account row whose budget and realisation equal the sums of its 98
    lines, so the parent-sum rule has real work; every twentieth block is revenue (account 4)."""
    rng = random.Random(seed)
    written = 0
    blocks = _blocks()
    revenue = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(";".join(HEADER) + "\n")
        while written < rows:
            skpd, cells = next(blocks)
            is_revenue = written // (CHILDREN + 1) % 20 == 19
            if is_revenue:
                skpd = data.SKPD[-1]
                cells = [""] * 6 + [REVENUE_SUB, ""]
                parent = f"4.1.01.{10 + revenue // 90:02d}.{10 + revenue % 90:02d}"  # 8,100 distinct blocks
                revenue += 1
            else:
                parent = PARENT
            head = f"{YEAR};{STAGE};{data.KODE_WILAYAH};{skpd.kode};{skpd.nama};" + ";".join(cells) + ";"
            lines = []
            for k in range(1, min(CHILDREN, rows - written - 1) + 1):  # the last block is complete, if short
                budget = rng.randrange(1_000, 5_000_000) * 1_000
                spent = budget * rng.randrange(50, 101) // 100
                lines.append((f"{parent}.{k:04d}", f"{'Pendapatan' if is_revenue else 'Belanja'} {ITEMS[k % len(ITEMS)]} {k}", budget, spent))
            lines.insert(0, (parent, "Pendapatan Daerah" if is_revenue else "Belanja Bahan Pakai Habis",
                             sum(x[2] for x in lines), sum(x[3] for x in lines)))
            for code, name, budget, spent in lines:
                out.write(f"{head}{code};{name};{rupiah(budget, rng)};{rupiah(spent, rng)};{AS_OF};{LAW}\n")
            written += len(lines)
    return path.stat().st_size
