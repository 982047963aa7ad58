"""A fictional province workspace serving several regions: terbuka.json lists them, the declarations split budget
and performance data by region, and each region sends its own budget files (python -m sample --province DIR)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from sample import tables as data
from sample.budget import budgets
from sample.generator import csv_text, peraturan_json
from sample.workbook import klasifikasi, nama_rekening

# Fictional: Jawa Barat's kabupaten codes stop at 32.18 and its kota codes at 32.79.
REGIONS = [("32.60", "Kabupaten Sukamaju", "Kabupaten"), ("32.61", "Kabupaten Sukamulya", "Kabupaten"),
           ("32.80", "Kota Sukaraja", "Kota")]
REGION_FIELD = "kode_wilayah"  # the column naming a row's region (publish.regions; the sample stands apart)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"  # the repository's declarations
SEED = 32  # the province code; any fixed number keeps the output byte-identical


def province_config() -> dict:
    return {
        "baseUrl": "https://data.jabar-contoh.example.go.id/",
        "title": {"id": "Portal Data Anggaran Kabupaten/Kota (contoh)", "en": "Regency and City Budget Data Portal (sample)"},
        "description": {"id": "Contoh fiktif: satu provinsi menerbitkan APBD tiga kabupaten/kota.",
                        "en": "A fictional sample: one province publishes the budgets of three regencies and cities."},
        "publisher": {"name": "Diskominfo Provinsi (contoh)", "email": "data@jabar-contoh.example.go.id",
                      "url": "https://jabar-contoh.example.go.id/"},
        "region": {"kode": data.KODE_PROVINSI, "nama": f"Provinsi {data.NAMA_PROVINSI.title()}"},
        "regions": [{"kode": kode, "nama": nama} for kode, nama, _ in REGIONS],
        "ckan": {"prefix": "contoh-provinsi", "organization": "contoh-provinsi"},
        "sample": True, "timezone": "Asia/Jakarta", "promote": "auto",
    }


def split_declarations(schemas: Path) -> list[str]:
    """Every dataset split by year that names its region per row gets the region in its primary key and in the
    slice a file replaces, so one region's file replaces only that region's rows. Returns the datasets edited."""
    edited = []
    for folder in sorted(p for p in schemas.iterdir() if (p / "datapackage.json").is_file()):
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        schema = package["resources"][0]["schema"]
        if not package.get("terbuka:partition") or REGION_FIELD not in [f["name"] for f in schema["fields"]]:
            continue
        source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
        source["replaces"] = [REGION_FIELD] + [c for c in source.get("replaces", []) if c != REGION_FIELD]
        schema["primaryKey"] = [REGION_FIELD] + [c for c in schema.get("primaryKey", []) if c != REGION_FIELD]
        (folder / "source.json").write_text(json.dumps(source, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        edited.append(folder.name)
    return edited


def wilayah_csv() -> bytes:
    rows = [["Kode Wilayah", "Nama Wilayah", "Tingkat", "Kode Induk"],
            [data.KODE_PROVINSI, data.NAMA_PROVINSI, "Provinsi", ""]]
    rows += [[kode, nama.upper(), tingkat, data.KODE_PROVINSI] for kode, nama, tingkat in REGIONS]
    return csv_text(rows, ",").encode("utf-8")


def apbd_csv(kode: str, berkas: dict, anggaran: dict, realisasi: dict) -> bytes:
    """One region's budget file as a plain CSV export, its region code on every line. Only Sukamaju's lines cite
    their perda: the regulation register in this sample is Sukamaju's (the other regions leave it empty)."""
    nama_skpd = {s.kode: s.nama for s in data.SKPD}
    posisi = berkas["posisi"] or ""
    basis = berkas["dasar_hukum"] if kode == data.KODE_WILAYAH else ""
    rows = [berkas["kolom"]]
    for (skpd, sub, rek), pagu in anggaran.items():
        rows.append([berkas["tahun"], berkas["tahap"], kode, skpd, nama_skpd[skpd], *klasifikasi(sub), rek,
                     nama_rekening(rek), pagu, realisasi.get((skpd, sub, rek), ""), posisi, basis])
    return csv_text(rows, ",").encode("utf-8")


def region_files(inbox: Path, kode: str, stems: tuple[str, ...] | None = None, later: str | None = None) -> list[Path]:
    """A region's budget files (all of data.APBD_BERKAS, or `stems`), drawn from its own random numbers. `later`
    (an ISO date): the same budget re-sent with its realisation reported as of that date, further along."""
    out = []
    drawn = budgets(random.Random(f"{SEED}-{kode}"))
    for berkas, (anggaran, realisasi) in zip(data.APBD_BERKAS, drawn):
        if stems is not None and berkas["stem"] not in stems:
            continue
        if later:
            berkas = {**berkas, "posisi": later}
            realisasi = {k: min(anggaran[k], v * 3 // 2) for k, v in realisasi.items()}
        suffix = f"_{later.replace('-', '')}" if later else ""
        path = inbox / "apbd" / f"{berkas['stem']}_{kode.replace('.', '')}{suffix}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(apbd_csv(kode, berkas, anggaran, realisasi))
        out.append(path)
    return out


def generate_province(root: Path, with_inbox: bool = True) -> list[Path]:
    """A whole workspace at `root`: terbuka.json listing the regions, the repository's declarations split by
    region, and (with_inbox) the reference list of regions and every region's budget files in inbox/."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if (root / "terbuka.json").exists() or (root / "schemas").exists():
        raise FileExistsError(f"{root} sudah berisi ruang kerja / already holds a workspace")
    shutil.copytree(SCHEMAS, root / "schemas")
    split_declarations(root / "schemas")
    (root / "terbuka.json").write_text(json.dumps(province_config(), ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    if not with_inbox:
        return []
    wilayah = root / "inbox" / "wilayah" / "wilayah_provinsi.csv"
    wilayah.parent.mkdir(parents=True, exist_ok=True)
    wilayah.write_bytes(wilayah_csv())
    peraturan = root / "inbox" / "peraturan" / "jdih_sukamaju.json"
    peraturan.parent.mkdir(parents=True, exist_ok=True)
    peraturan.write_bytes(peraturan_json())
    files = [wilayah, peraturan]
    for kode, _, _ in REGIONS:
        files += region_files(root / "inbox", kode)
    return files
