"""Generate the bundled sample inbox for the fictional Kabupaten Sukamaju, in the messy forms officers send."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

from sample import tables as data
from sample.budget import budgets
from sample.workbook import apbd_xlsx

SEED = 3260  # the region code without its dot; any fixed number keeps the output byte-identical
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]


def generate_sample(inbox: Path) -> list[Path]:
    """Write the sample files below `inbox` (creating folders) and return them in publish order."""
    inbox = Path(inbox)
    files = [
        (inbox / "wilayah" / "wilayah_sukamaju.csv", wilayah_csv(random.Random(SEED))),
        (inbox / "peraturan" / "jdih_export.json", peraturan_json()),
    ]
    drawn = budgets(random.Random(SEED + 1))
    for berkas, (anggaran, realisasi) in zip(data.APBD_BERKAS, drawn):
        content = apbd_xlsx(berkas, anggaran, realisasi, random.Random(f"{SEED}-{berkas['stem']}"))
        files.append((inbox / "apbd" / f"{berkas['stem']}.xlsx", content))
    files.append((inbox / "kinerja" / "kinerja_2024.csv", kinerja_csv(year_end(drawn, 2024))))
    for path, content in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return [path for path, _ in files]


# --- wilayah ---------------------------------------------------------------------------------

def wilayah_csv(rng: random.Random) -> bytes:
    """Province, regency, kecamatan and villages: UTF-8 with BOM, comma-separated, CRLF."""
    names = [a + b for a in data.DESA_AWAL for b in data.DESA_AKHIR]
    rng.shuffle(names)
    rows = [["Kode Wilayah", "Nama Wilayah", "Tingkat", "Kode Induk"],
            [data.KODE_PROVINSI, data.NAMA_PROVINSI, "Provinsi", ""],
            [data.KODE_WILAYAH, data.NAMA_WILAYAH, "Kabupaten", data.KODE_PROVINSI]]
    for kode, nama, kelurahan, desa in data.KECAMATAN:
        kec = f"{data.KODE_WILAYAH}.{kode}"
        rows.append([kec, nama, "Kecamatan", data.KODE_WILAYAH])
        rows += [[f"{kec}.{1001 + i}", names.pop(), "Kelurahan", kec] for i in range(kelurahan)]
        rows += [[f"{kec}.{2001 + i}", names.pop(), "Desa", kec] for i in range(desa)]
    return csv_text(rows, ",").encode("utf-8-sig")


# --- peraturan -------------------------------------------------------------------------------

def tanggal_panjang(iso: str | None) -> str | None:
    """'2019-03-15' as the JDIH writes it: '15 Maret 2019'."""
    if iso is None:
        return None
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def peraturan_json() -> bytes:
    """The JDIH register export: {"data": [...]}, Indonesian long dates, relations both ways."""
    ditetapkan = {row[0]: row[3] for row in data.PERATURAN}
    relasi: dict[str, dict[str, str]] = {row[0]: {} for row in data.PERATURAN}
    for jenis, dari, ke in data.HUBUNGAN:
        relasi[dari][jenis] = ke
        balik = "diubah oleh" if jenis == "mengubah" else "dicabut oleh"
        terakhir = relasi[ke].get(balik)
        if terakhir is None or ditetapkan[dari] > ditetapkan[terakhir]:  # the latest amendment wins
            relasi[ke][balik] = dari
    records = []
    for kode, jenis, nomor, tetap, undang, tentang, subjek, bidang in data.PERATURAN:
        rel = relasi[kode]
        status = "Tidak Berlaku" if "dicabut oleh" in rel else "Berlaku"
        records.append({
            "kode_peraturan": kode, "jenis": jenis, "nomor": nomor, "tahun": tetap[:4], "tentang": tentang,
            "tanggal penetapan": tanggal_panjang(tetap), "tanggal pengundangan": tanggal_panjang(undang),
            "status": status.upper() if jenis.isupper() else status,
            "mengubah": rel.get("mengubah"), "diubah oleh": rel.get("diubah oleh"),
            "mencabut": rel.get("mencabut"), "dicabut oleh": rel.get("dicabut oleh"),
            "subjek": subjek, "bidang hukum": bidang,
            "url": f"https://jdih.sukamaju.example.go.id/dokumen/{kode}.pdf",
            "kode_wilayah": data.KODE_WILAYAH,
        })
    return (json.dumps({"data": records}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- kinerja ---------------------------------------------------------------------------------

def angka_id(value: float, decimals: int | None = None) -> str:
    """A number the way an Indonesian spreadsheet shows it: decimal comma, no thousands mark."""
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def year_end(drawn: list[tuple[dict, dict]], year: int) -> tuple[dict, dict]:
    """(anggaran, realisasi) of the last budget file of `year` that reports its realisation as of 31 December."""
    closing = [pair for berkas, pair in zip(data.APBD_BERKAS, drawn)
               if berkas["tahun"] == year and (berkas["posisi"] or "").endswith("-12-31")]
    if not closing:
        raise ValueError(f"no budget file of {year} reports a year-end realisation")
    return closing[-1]


def realisation_rate(budget: tuple[dict, dict], prefix: str) -> float:
    """Realised over budgeted, in percent, of the lines whose account starts with `prefix` (4.1: own-source
    revenue, 5: spending), as the performance report states it: two decimals."""
    anggaran, realisasi = budget
    keys = [k for k in anggaran if k[2] == prefix or k[2].startswith(prefix + ".")]
    return round(sum(realisasi[k] for k in keys) / sum(anggaran[k] for k in keys) * 100, 2)


def kinerja_csv(budget: tuple[dict, dict]) -> bytes:
    """Performance indicators 2024: Windows-1252, semicolons, CRLF, decimal commas. Indicators measured on the
    budget take their realisation from `budget`, the year's closing (anggaran, realisasi)."""
    nama_skpd = {s.kode: s.nama for s in data.SKPD}
    rows = [["Tahun", "Kode Wilayah", "Kode SKPD", "Perangkat Daerah", "Kode Indikator", "Indikator Kinerja",
             "Satuan", "Target", "Realisasi", "Capaian (%)"]]
    for kode, indikator in data.KINERJA_2024.items():
        for kode_ind, uraian, satuan, target, real, dari_apbd in indikator:
            if dari_apbd:
                real = realisation_rate(budget, dari_apbd)
            capaian = round(real / target * 100, 2)
            rows.append(["2024", data.KODE_WILAYAH, kode, nama_skpd[kode], kode_ind, uraian, satuan,
                         angka_id(target), angka_id(real), angka_id(capaian, 2)])
    return csv_text(rows, ";").encode("cp1252")


def csv_text(rows: list[list], delimiter: str) -> str:
    """Rows as CSV text with CRLF line ends, as spreadsheet programs export them."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
