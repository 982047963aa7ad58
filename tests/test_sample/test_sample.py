"""The generated sample inbox: deterministic, complete, mapped by the declared aliases, and consistent."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from sample import generate_sample

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
EXPECTED = [
    "wilayah/wilayah_sukamaju.csv",
    "peraturan/jdih_export.json",
    "apbd/APBD_2024_MURNI.xlsx",
    "apbd/APBD_2024_PERUBAHAN.xlsx",
    "apbd/APBD_2025_MURNI.xlsx",
    "kinerja/kinerja_2024.csv",
]
APBD_KEY = ("tahun", "tahap", "kode_skpd", "kode_sub_kegiatan", "kode_rekening")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("inbox")
    return root, generate_sample(root)


def _norm(label) -> str:
    return re.sub(r"[\s_]+", " ", str(label).replace("\ufeff", "")).strip().lower()


def _declared(dataset: str) -> tuple[list[str], dict[str, str]]:
    """Declared field names, and every accepted header spelling (normalised) -> field."""
    fields = json.loads((SCHEMAS / dataset / "datapackage.json").read_text("utf-8"))["resources"][0]["schema"]["fields"]
    aliases = json.loads((SCHEMAS / dataset / "source.json").read_text("utf-8")).get("headerAliases", {})
    index = {}
    for f in fields:
        for label in [f["name"], f.get("title", "")] + aliases.get(f["name"], []):
            index.setdefault(_norm(label), f["name"])
    return [f["name"] for f in fields], index


@functools.cache
def _records(path: Path, dataset: str) -> tuple[list, list[dict]]:
    """Header as sent and the rows keyed by declared field, mapped only through the aliases."""
    _, index = _declared(dataset)
    if path.suffix == ".json":
        records = json.loads(path.read_text("utf-8"))["data"]
        header = list(records[0])
        return header, [{index[_norm(k)]: v for k, v in r.items()} for r in records]
    if path.suffix == ".csv":
        encoding, delimiter = ("cp1252", ";") if dataset == "kinerja" else ("utf-8-sig", ",")
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter))
    else:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        rows = rows[next(i for i, r in enumerate(rows) if sum(_norm(c) in index for c in r if c) > 3):]
    header = rows[0]
    return header, [dict(zip((index[_norm(c)] for c in header), r)) for r in rows[1:]]


def _rupiah(value) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value.removeprefix("Rp").strip().replace(".", ""))


def _file(sample, name: str) -> Path:
    return sample[0] / name


def test_writes_the_expected_files_in_publish_order(sample):
    root, paths = sample
    assert [p.relative_to(root).as_posix() for p in paths] == EXPECTED
    assert all(p.stat().st_size > 0 for p in paths)


def test_output_is_byte_identical_across_runs(sample, tmp_path):
    again = generate_sample(tmp_path)
    for first, second in zip(sample[1], again):
        assert first.read_bytes() == second.read_bytes(), first.name


@pytest.mark.parametrize("name", EXPECTED)
def test_headers_reach_every_declared_field_through_aliases(sample, name):
    dataset = name.split("/")[0]
    fields, index = _declared(dataset)
    header, rows = _records(_file(sample, name), dataset)
    assert all(_norm(label) in index for label in header)
    assert sorted(index[_norm(label)] for label in header) == sorted(fields)
    assert rows


def test_delivered_in_the_messy_forms_officers_send(sample):
    wilayah = _file(sample, EXPECTED[0]).read_bytes()
    assert wilayah.startswith(b"\xef\xbb\xbf") and b"\r\n" in wilayah
    kinerja = _file(sample, EXPECTED[-1]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        kinerja.decode("utf-8")
    assert b"\r\n" in kinerja and re.search(rb";\d+,\d+;", kinerja)
    first = openpyxl.load_workbook(_file(sample, EXPECTED[2]), read_only=True).worksheets[0]
    assert next(first.iter_rows(values_only=True))[0] == "PEMERINTAH KABUPATEN SUKAMAJU"


def test_peraturan_references_exist_and_agree_both_ways(sample):
    _, rows = _records(_file(sample, EXPECTED[1]), "peraturan")
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows)
    assert all(re.fullmatch(r"[a-z]+-\d{4}-[0-9a-z-]+", i) for i in by_id)
    for r in rows:
        for relation in ("mengubah", "diubah_oleh", "mencabut", "dicabut_oleh"):
            assert r[relation] is None or r[relation] in by_id, (r["id"], relation)
        if r["mengubah"]:
            assert by_id[r["mengubah"]]["diubah_oleh"] is not None
        if r["diubah_oleh"]:
            assert by_id[r["diubah_oleh"]]["mengubah"] == r["id"]
        if r["mencabut"]:
            assert by_id[r["mencabut"]]["dicabut_oleh"] == r["id"]
        if r["dicabut_oleh"]:
            assert by_id[r["dicabut_oleh"]]["mencabut"] == r["id"]
        assert (r["status"].lower() == "tidak berlaku") == (r["dicabut_oleh"] is not None)
    for basis in ("perda-2023-12", "perbup-2023-60", "perda-2024-8", "perda-2024-15"):
        assert basis in by_id


@pytest.mark.parametrize("name", EXPECTED[2:5])
def test_apbd_primary_key_is_unique_and_codes_follow_the_declaration(sample, name):
    _, rows = _records(_file(sample, name), "apbd")
    keys = [tuple(r[k] for k in APBD_KEY) for r in rows]
    assert len(keys) == len(set(keys)) > 1000
    fields = json.loads((SCHEMAS / "apbd" / "datapackage.json").read_text("utf-8"))["resources"][0]["schema"]["fields"]
    patterns = {f["name"]: f["constraints"]["pattern"] for f in fields if "pattern" in f.get("constraints", {})}
    _, peraturan = _records(_file(sample, EXPECTED[1]), "peraturan")
    ids = {r["id"] for r in peraturan}
    for r in rows:
        for field, pattern in patterns.items():
            assert r[field] is None or re.fullmatch(pattern, r[field]), (field, r[field])
        assert r["kode_rekening"].count(".") == 5  # only sub rincian objek lines, no parents or totals
        assert r["dasar_hukum"] in ids
        if r["kode_rekening"].startswith(("4", "6")):  # revenue and financing belong to no sub kegiatan
            assert r["kode_sub_kegiatan"] == "0.00.00.0.00.0000" and r["kode_program"] is None
        else:
            assert r["kode_sub_kegiatan"].startswith(r["kode_kegiatan"] + ".")
            assert r["kode_kegiatan"].startswith(r["kode_program"] + ".")
            assert r["kode_program"].startswith(r["kode_urusan"] + ".")


def test_closed_year_spending_stays_within_budget_while_some_revenue_beats_target(sample):
    _, rows = _records(_file(sample, "apbd/APBD_2024_PERUBAHAN.xlsx"), "apbd")
    belanja = [r for r in rows if r["kode_rekening"].startswith("5")]
    pendapatan = [r for r in rows if r["kode_rekening"].startswith("4")]
    assert all(_rupiah(r["realisasi"]) <= _rupiah(r["anggaran"]) for r in belanja)
    assert any(_rupiah(r["realisasi"]) > _rupiah(r["anggaran"]) for r in pendapatan)


def test_perubahan_changes_a_minority_of_murni_lines(sample):
    def lines(name):
        _, rows = _records(_file(sample, name), "apbd")
        return {(r["kode_skpd"], r["kode_sub_kegiatan"], r["kode_rekening"]): _rupiah(r["anggaran"]) for r in rows}

    murni, perubahan = lines("apbd/APBD_2024_MURNI.xlsx"), lines("apbd/APBD_2024_PERUBAHAN.xlsx")
    changed = [k for k in murni if perubahan.get(k) != murni[k]]
    assert 0 < len(changed) < len(murni) / 3
    assert any(perubahan[k] > murni[k] for k in changed) and any(perubahan[k] < murni[k] for k in changed)
    assert set(perubahan) > set(murni)


def test_kinerja_agencies_are_budgeted_in_2024_and_capaian_adds_up(sample):
    _, kinerja = _records(_file(sample, EXPECTED[-1]), "kinerja")
    agencies = set()
    for name in ("apbd/APBD_2024_MURNI.xlsx", "apbd/APBD_2024_PERUBAHAN.xlsx"):
        agencies |= {r["kode_skpd"] for r in _records(_file(sample, name), "apbd")[1]}
    assert {r["kode_skpd"] for r in kinerja} <= agencies
    for r in kinerja:
        target, real, capaian = (float(r[k].replace(",", ".")) for k in ("target", "realisasi", "capaian"))
        assert abs(capaian - real / target * 100) <= 0.5


def _closing(sample, prefix: str) -> float:
    """Realised over budgeted (percent) of the 2024 year-end file's lines under an account prefix."""
    _, rows = _records(_file(sample, "apbd/APBD_2024_PERUBAHAN.xlsx"), "apbd")
    mine = [r for r in rows if r["kode_rekening"] == prefix or r["kode_rekening"].startswith(prefix + ".")]
    return sum(_rupiah(r["realisasi"]) for r in mine) / sum(_rupiah(r["anggaran"]) for r in mine) * 100


def test_performance_indicators_measured_on_the_budget_agree_with_it(sample):
    """The finance agency's indicators state the budget's own figures: own-source revenue (4.1) collected and
    spending (5) realised in the closing 2024 report, to the two decimals the report gives."""
    _, kinerja = _records(_file(sample, EXPECTED[-1]), "kinerja")
    stated = {r["indikator"]: float(r["realisasi"].replace(",", ".")) for r in kinerja}
    assert stated["Persentase Realisasi Pendapatan Asli Daerah terhadap Target"] == round(_closing(sample, "4.1"), 2)
    assert stated["Persentase Realisasi Belanja Daerah"] == round(_closing(sample, "5"), 2)


@pytest.mark.parametrize("name", EXPECTED[2:5])
def test_each_budget_file_balances_and_reports_realisation_as_of_one_date(sample, name):
    """Revenue plus financing receipts equal spending plus financing outlays (an enacted APBD balances), and a
    file that reports realisation says as of which day, on every line that has one."""
    _, rows = _records(_file(sample, name), "apbd")

    def total(prefix):
        return sum(_rupiah(r["anggaran"]) for r in rows if r["kode_rekening"].startswith(prefix))

    assert total("4") + total("6.1") == total("5") + total("6.2") and total("6.1") > 0
    dates = {r["posisi_realisasi"] for r in rows}
    reports = any(r["realisasi"] is not None for r in rows)
    assert len(dates) == 1 and (None in dates) != reports
