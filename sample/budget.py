"""The fictional budget lines: an enacted 2024 budget, its amendment and the next year's, with realisation."""

from __future__ import annotations

import math
import random

from sample import tables as data

TANPA_SUB = "0.00.00.0.00.0000"  # revenue lines are not tied to a sub kegiatan


def sub_kegiatan(skpd: data.Skpd) -> list[str]:
    """Every sub kegiatan code an agency budgets: its support programme, then its own programmes."""
    support = data.PENUNJANG_UMUM + list(skpd.penunjang_tambahan)
    return [f"{skpd.bidang}.01.{suffix}" for suffix in support] + list(skpd.teknis)


def profil(sub: str) -> list[str]:
    """The accounts a sub kegiatan of this kind plausibly spends on."""
    kind = data.PENUNJANG_SUB[sub[8:]][1] if penunjang(sub) else data.SUB_KEGIATAN[sub][1]
    return data.PROFIL[kind]


def penunjang(sub: str) -> bool:
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


def pembiayaan(stem: str, lines: dict) -> dict:
    """The file's financing lines (akun 6): the declared amounts, and the balancing one sized so that revenue
    plus financing receipts equal spending plus financing outlays, as an enacted APBD must."""
    out = {(kode, TANPA_SUB, rek): amounts[stem] for kode, rek, _, amounts in data.PEMBIAYAAN
           if amounts[stem] != data.BALANCING}
    balancing = [(kode, rek) for kode, rek, _, amounts in data.PEMBIAYAAN if amounts[stem] == data.BALANCING]

    def total(prefix: str, among: dict) -> int:
        return sum(v for k, v in among.items() if k[2].startswith(prefix))

    gap = total("4", lines) + total("6.1", out) - total("5", lines) - total("6.2", out)
    for kode, rek in balancing:
        receipt = rek.startswith("6.1")
        if (gap < 0) != receipt:
            raise ValueError(f"{stem}: {rek} cannot balance a gap of {gap} rupiah")
        out[(kode, TANPA_SUB, rek)] = abs(gap)
        gap = 0
    return out


def realisasi_pembiayaan(lines: dict, year_end: bool) -> dict:
    """Financing realised: at year end every line as planned; mid-year only the receipts, which are known
    (last year's surplus is counted in January); outlays are not reported yet."""
    return {k: v for k, v in lines.items() if year_end or k[2].startswith("6.1")}


def budgets(rng: random.Random) -> list[tuple[dict, dict]]:
    """(anggaran, realisasi) per file of data.APBD_BERKAS, each keyed by (skpd, sub kegiatan, rekening)."""
    murni = murni_2024(rng)
    perubahan = perubahan_2024(rng, murni)
    next_year = murni_2025(rng, perubahan)
    out = [(murni, {}), (perubahan, realisasi_2024(rng, perubahan)), (next_year, realisasi_2025(rng, next_year))]
    # Financing lines come last, so the random draws of the revenue and spending lines stay as they were.
    for berkas, (lines, realised) in zip(data.APBD_BERKAS, out):
        financing = pembiayaan(berkas["stem"], lines)
        if realised:
            year_end = (berkas["posisi"] or "").endswith("-12-31")  # the report's date: the year closed
            realised.update(realisasi_pembiayaan(financing, year_end))
        lines.update(financing)
    return [(dict(sorted(lines.items())), realised) for lines, realised in out]

