"""A budget file as a SIPD export looks: an XLSX workbook with a title block, written byte-stable."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.writer.excel import ExcelWriter

from sample import tables as data
from sample.budget import TANPA_SUB, penunjang

ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def klasifikasi(sub: str) -> list:
    """Urusan, programme and kegiatan columns (codes and names) of one sub kegiatan; empty for revenue."""
    if sub == TANPA_SUB:
        return [None] * 6 + [sub, None]
    urusan, program, kegiatan = sub[0], sub[:7], sub[:12]
    if penunjang(sub):
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
    # The date the realisation is reported as of ("posisi per"): on every line of a file that reports one.
    posisi = dt.date.fromisoformat(berkas["posisi"]) if berkas["posisi"] else None
    for row, ((skpd, sub, rek), pagu) in enumerate(anggaran.items(), start=6):
        sheet.append([berkas["tahun"], berkas["tahap"], data.KODE_WILAYAH, skpd, nama_skpd[skpd],
                      *klasifikasi(sub), rek, _nama_rekening(rek),
                      _amount(pagu, rng), _amount(realisasi.get((skpd, sub, rek)), rng), posisi,
                      berkas["dasar_hukum"]])
        if posisi:
            sheet.cell(row, 18).number_format = "dd/mm/yyyy"
        for cell in (sheet.cell(row, 16), sheet.cell(row, 17)):
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif cell.value is not None:
                cell.alignment = Alignment(horizontal="right")
    widths = (8, 14, 9, 24, 36, 7, 40, 10, 48, 14, 48, 19, 56, 19, 52, 18, 18, 12, 15)
    for column, size in zip("ABCDEFGHIJKLMNOPQRS", widths):
        sheet.column_dimensions[column].width = size
    sheet.freeze_panes = "A6"
    book.properties.creator = "BKAD Kabupaten Sukamaju"
    book.properties.created = book.properties.modified = dt.datetime(*berkas["dibuat"])
    return _stable_zip(_save(book))


def _nama_rekening(rekening: str) -> str:
    if rekening in data.REKENING:
        return data.REKENING[rekening][0]
    named = [row[:3] for row in data.PENDAPATAN + data.PENDAPATAN_2025_BARU + data.PEMBIAYAAN]
    return next(nama for _, kode, nama in named if kode == rekening)


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

