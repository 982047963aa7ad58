"""Generate the bundled sample inbox for the fictional Kabupaten Sukamaju, in the messy forms officers send."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.writer.excel import ExcelWriter

from pipelines import sample_data as data

SEED = 3260  # the region code without its dot; any fixed number keeps the output byte-identical
TANPA_SUB = "0.00.00.0.00.0000"  # revenue lines are not tied to a sub kegiatan
ZIP_TIME = (2025, 1, 1, 0, 0, 0)
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]


def generate_sample(inbox: Path) -> list[Path]:
    """Write the sample files below `inbox` (creating folders) and return them in publish order."""
    inbox = Path(inbox)
    files = [
        (inbox / "wilayah" / "wilayah_sukamaju.csv", wilayah_csv(random.Random(SEED))),
        (inbox / "peraturan" / "jdih_export.json", peraturan_json()),
    ]
    for berkas, (anggaran, realisasi) in zip(data.APBD_BERKAS, budgets(random.Random(SEED + 1))):
        content = apbd_xlsx(berkas, anggaran, realisasi, random.Random(f"{SEED}-{berkas['stem']}"))
        files.append((inbox / "apbd" / f"{berkas['stem']}.xlsx", content))
    files.append((inbox / "kinerja" / "kinerja_2024.csv", kinerja_csv()))
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
    return _csv(rows, ",").encode("utf-8-sig")


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


# --- apbd: the lines -------------------------------------------------------------------------

def sub_kegiatan(skpd: data.Skpd) -> list[str]:
    """Every sub kegiatan code an agency budgets: its support programme, then its own programmes."""
    support = data.PENUNJANG_UMUM + list(skpd.penunjang_tambahan)
    return [f"{skpd.bidang}.01.{suffix}" for suffix in support] + list(skpd.teknis)


def profil(sub: str) -> list[str]:
    """The accounts a sub kegiatan of this kind plausibly spends on."""
    kind = data.PENUNJANG_SUB[sub[8:]][1] if _penunjang(sub) else data.SUB_KEGIATAN[sub][1]
    return data.PROFIL[kind]


def _penunjang(sub: str) -> bool:
    return sub[4:7] == ".01"  # programme 01 of any bidang is the common support programme


def jumlah(rng: random.Random, rekening: str, pegawai: int) -> int:
    """A plausible, rounded budget for one line; salary lines scale with the agency's staff."""
    _, low, high = data.REKENING[rekening]
    if rekening in data.GAJI:
        value = pegawai * rng.uniform(low, high)
    else:
        value = math.exp(rng.uniform(math.log(low), math.log(high)))
    step = 1_000 if rng.random() < 0.8 else 100
    return max(step, round(value / step) * step)


def _skpd(kode: str) -> data.Skpd:
    return next(s for s in data.SKPD if s.kode == kode)


def _tambah(lines: dict, rng: random.Random, skpd: data.Skpd, sub: str, rekening: list[str]) -> None:
    for rek in rekening:
        lines.setdefault((skpd.kode, sub, rek), jumlah(rng, rek, skpd.pegawai))


def _tambahan_acak(lines: dict, rng: random.Random, count: int) -> None:
    """Add `count` new lines: accounts a sub kegiatan's profile allows but it did not budget yet."""
    candidates = sorted({(s, sub, rek) for s, sub, rek in lines if not sub.startswith("0")
                         for rek in profil(sub) if (s, sub, rek) not in lines})
    for key in rng.sample(candidates, count):
        lines[key] = jumlah(rng, key[2], _skpd(key[0]).pegawai)


def murni_2024(rng: random.Random) -> dict:
    """The enacted 2024 budget: revenue targets, then each agency's sub kegiatan and accounts."""
    lines: dict = {}
    for kode, rek, _, target in data.PENDAPATAN:
        lines[(kode, TANPA_SUB, rek)] = target
    for skpd in data.SKPD:
        for sub in sub_kegiatan(skpd):
            pilihan = profil(sub)
            if pilihan is not data.GAJI and len(pilihan) > 3:
                pilihan = rng.sample(pilihan, rng.randint(max(2, len(pilihan) - 3), len(pilihan) - 1))
            _tambah(lines, rng, skpd, sub, sorted(pilihan))
    return dict(sorted(lines.items()))


def perubahan_2024(rng: random.Random, murni: dict) -> dict:
    """The amended budget: a minority of lines up or down, a few cut to zero, a few added."""
    lines = dict(murni)
    belanja = [k for k in lines if k[2].startswith("5") and k[2] not in data.GAJI]
    for key in rng.sample(belanja, len(belanja) // 7):
        factor = rng.uniform(1.05, 1.45) if rng.random() < 0.55 else rng.uniform(0.6, 0.95)
        lines[key] = int(round(lines[key] * factor, -3))
    for key in rng.sample(belanja, 4):
        lines[key] = 0  # cut entirely in the amendment, as SIPD keeps it: a zero line
    for key in rng.sample([k for k in lines if k[1] == TANPA_SUB], 7):
        lines[key] = int(round(lines[key] * rng.uniform(0.9, 1.12), -6))
    for kode, sub in data.SUB_BARU_PERUBAHAN_2024:
        _tambah(lines, rng, _skpd(kode), sub, profil(sub))
    _tambahan_acak(lines, rng, 18)
    return dict(sorted(lines.items()))


def murni_2025(rng: random.Random, perubahan: dict) -> dict:
    """Next year's enacted budget: last year's lines carried forward, grown, a few dropped or new."""
    lines: dict = {}
    for key, value in perubahan.items():
        rek = key[2]
        if value == 0 or rek in data.PENDAPATAN_2025_HAPUS:
            continue
        if rek.startswith("5") and rek not in data.GAJI and rng.random() < 0.03:
            continue
        low, high = (1.02, 1.07) if rek in data.GAJI else (0.95, 1.12) if rek.startswith("4") else (0.85, 1.15)
        lines[key] = int(round(value * rng.uniform(low, high), -3))
    for kode, rek, _, target in data.PENDAPATAN_2025_BARU:
        lines[(kode, TANPA_SUB, rek)] = target
    for kode, sub in data.SUB_BARU_2025:
        _tambah(lines, rng, _skpd(kode), sub, profil(sub))
    _tambahan_acak(lines, rng, 15)
    return dict(sorted(lines.items()))


def realisasi_2024(rng: random.Random, lines: dict) -> dict:
    """A closed year: spending never above its budget; some revenue beats its target."""
    out = {}
    pendapatan = [k for k in lines if k[1] == TANPA_SUB]
    above = set(rng.sample(pendapatan, 5))
    for key, anggaran in lines.items():
        rek = key[2]
        if rek.startswith("4"):
            factor = rng.uniform(1.01, 1.12) if key in above else rng.uniform(0.86, 0.995)
        elif rek in data.GAJI:
            factor = rng.uniform(0.93, 0.995)
        elif rng.random() < 0.12:
            factor = 1.0
        else:
            factor = rng.uniform(0.82, 0.995) if rek.startswith("5.2") else rng.uniform(0.62, 0.995)
        out[key] = int(anggaran * factor)
    return out


def realisasi_2025(rng: random.Random, lines: dict) -> dict:
    """First-semester realisation: reported for about half of the lines, empty for the rest."""
    out = {}
    for key, anggaran in lines.items():
        if rng.random() < 0.55:
            if key[2] in data.GAJI:
                low, high = 0.45, 0.5
            else:
                low, high = (0.3, 0.6) if key[1] == TANPA_SUB else (0.1, 0.55)
            out[key] = int(anggaran * rng.uniform(low, high))
    return out


def budgets(rng: random.Random) -> list[tuple[dict, dict]]:
    """(anggaran, realisasi) per file of data.APBD_BERKAS, each keyed by (skpd, sub kegiatan, rekening)."""
    murni = murni_2024(rng)
    perubahan = perubahan_2024(rng, murni)
    next_year = murni_2025(rng, perubahan)
    return [(murni, {}), (perubahan, realisasi_2024(rng, perubahan)), (next_year, realisasi_2025(rng, next_year))]


# --- apbd: the workbook ----------------------------------------------------------------------

def klasifikasi(sub: str) -> list:
    """Urusan, programme and kegiatan columns (codes and names) of one sub kegiatan; empty for revenue."""
    if sub == TANPA_SUB:
        return [None] * 6 + [sub, None]
    urusan, program, kegiatan = sub[0], sub[:7], sub[:12]
    if _penunjang(sub):
        nama_program = data.PENUNJANG
        nama_kegiatan = data.PENUNJANG_KEGIATAN[sub[8:12]]
        nama_sub = data.PENUNJANG_SUB[sub[8:]][0]
    else:
        nama_program, nama_kegiatan = data.PROGRAM[program], data.KEGIATAN[kegiatan]
        nama_sub = data.SUB_KEGIATAN[sub][0]
    return [urusan, data.URUSAN[urusan], program, nama_program, kegiatan, nama_kegiatan, sub, nama_sub]


def rupiah_teks(value: int, rng: random.Random) -> str:
    """An amount typed as text the Indonesian way: '1.234.567' or 'Rp 1.234.567'."""
    text = f"{value:,}".replace(",", ".")
    return f"Rp {text}" if rng.random() < 0.5 else text


def apbd_xlsx(berkas: dict, anggaran: dict, realisasi: dict, rng: random.Random) -> bytes:
    """One budget workbook: a title block, then the header row, then one row per budget line."""
    nama_skpd = {s.kode: s.nama for s in data.SKPD}
    book = Workbook()
    sheet = book.active
    sheet.title = f"APBD {berkas['tahun']}"
    width = len(berkas["kolom"])
    judul = ["PEMERINTAH KABUPATEN SUKAMAJU", berkas["judul"], f"TAHUN ANGGARAN {berkas['tahun']}"]
    for row, text in enumerate(judul, start=1):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=True, size=12 if row > 1 else 14)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.append([])
    sheet.append(berkas["kolom"])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, ((skpd, sub, rek), pagu) in enumerate(anggaran.items(), start=6):
        sheet.append([berkas["tahun"], berkas["tahap"], data.KODE_WILAYAH, skpd, nama_skpd[skpd],
                      *klasifikasi(sub), rek, _nama_rekening(rek),
                      _amount(pagu, rng), _amount(realisasi.get((skpd, sub, rek)), rng), berkas["dasar_hukum"]])
        for cell in (sheet.cell(row, 16), sheet.cell(row, 17)):
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif cell.value is not None:
                cell.alignment = Alignment(horizontal="right")
    widths = (8, 14, 9, 24, 36, 7, 40, 10, 48, 14, 48, 19, 56, 19, 52, 18, 18, 15)
    for column, size in zip("ABCDEFGHIJKLMNOPQR", widths):
        sheet.column_dimensions[column].width = size
    sheet.freeze_panes = "A6"
    book.properties.creator = "BKAD Kabupaten Sukamaju"
    book.properties.created = book.properties.modified = dt.datetime(*berkas["dibuat"])
    return _stable_zip(_save(book))


def _nama_rekening(rekening: str) -> str:
    if rekening in data.REKENING:
        return data.REKENING[rekening][0]
    return next(row[2] for row in data.PENDAPATAN + data.PENDAPATAN_2025_BARU if row[1] == rekening)


def _amount(value: int | None, rng: random.Random) -> int | str | None:
    """Most amounts as numbers; about one in fourteen typed as Indonesian text instead."""
    if value is None:
        return None
    return rupiah_teks(value, rng) if rng.random() < 0.07 else value


def _save(book) -> bytes:
    # Workbook.save() stamps the modified time with now(); ExcelWriter keeps the one we set.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


def _stable_zip(content: bytes) -> bytes:
    """The same workbook with fixed entry timestamps and attributes, so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --- kinerja ---------------------------------------------------------------------------------

def angka_id(value: float, decimals: int | None = None) -> str:
    """A number the way an Indonesian spreadsheet shows it: decimal comma, no thousands mark."""
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def kinerja_csv() -> bytes:
    """Performance indicators 2024: Windows-1252, semicolons, CRLF, decimal commas."""
    nama_skpd = {s.kode: s.nama for s in data.SKPD}
    rows = [["Tahun", "Kode Wilayah", "Kode SKPD", "Perangkat Daerah", "Kode Indikator", "Indikator Kinerja",
             "Satuan", "Target", "Realisasi", "Capaian (%)"]]
    for kode, indikator in data.KINERJA_2024.items():
        for kode_ind, uraian, satuan, target, real in indikator:
            capaian = round(real / target * 100, 2)
            rows.append(["2024", data.KODE_WILAYAH, kode, nama_skpd[kode], kode_ind, uraian, satuan,
                         angka_id(target), angka_id(real), angka_id(capaian, 2)])
    return _csv(rows, ";").encode("cp1252")


def _csv(rows: list[list], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.sample",
        description="Write the Kabupaten Sukamaju sample files into an inbox folder. "
                    "Example: python -m pipelines.sample inbox")
    parser.add_argument("inbox", type=Path, help="folder to write into (created if missing)")
    args = parser.parse_args(argv)
    for path in generate_sample(args.inbox):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
