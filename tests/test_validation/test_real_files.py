"""Every real file in ../shared/data/real/ ends in a clear outcome through `terbuka validate`.

Each file is validated (CliRunner, --json) against a dataset declared for it in a temporary
workspace; the outcome is either "accepted with N rows through the declared mapping" or "rejected
with a named problem at a named row/field". Never a traceback, never a silently coerced number.
"""

from __future__ import annotations

import time

import pytest

REAL = ("data", "real")

LRA_FIELDS = [{"name": "akun", "type": "string"}, {"name": "anggaran", "type": "integer"},
              {"name": "realisasi", "type": "integer"}, {"name": "persentase", "type": "number"}]
# DJPK summaries: amounts like "11.302,42 M" (Indonesian style, M = miliar), percentages like 87.97.
LRA_SOURCE = {"header": "first", "numbers": {"style": "id", "units": True, "fields": {"persentase": {"style": "en"}}}}

DANA_DESA_COLUMNS = ["tahun", "kdprov", "urprov", "kdpemda", "urpemda", "kdakun", "urakun", "kdkelompok",
                     "urkelompok", "kdjenis", "urjenis", "kdobjek", "urobjek", "nilai"]

PERATURAN_COLUMNS = ["url", "Jenis/Bentuk Peraturan", "Pemrakarsa", "Nomor", "Tahun", "Tentang", "Tempat Penetapan",
                     "Ditetapkan Tanggal", "Pejabat yang Menetapkan", "Status", "Tahun Pengundangan",
                     "Nomor Pengundangan", "Nomor Tambahan", "Tanggal", "Pejabat Pengundangan"]
PERATURAN_DATES = {"Ditetapkan Tanggal", "Tanggal"}
PERATURAN_INTEGERS = {"Tahun", "Tahun Pengundangan"}

KODE_PATTERN = r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?"
KODE_FIELDS = [{"name": "kode", "type": "string", "constraints": {"required": True, "pattern": KODE_PATTERN}},
               {"name": "nama", "type": "string", "constraints": {"required": True}}]

KINERJA_COLUMNS = ["id", "id_index", "kode_provinsi", "nama_provinsi", "deskripsi", "target", "realisasi",
                   "periode_update", "satuan", "tahun"]


def _snake(label: str) -> str:
    return label.lower().replace("/", "_").replace(" ", "_")


def _peraturan(declare, name: str, zero_date: str) -> None:
    fields = [{"name": _snake(c),
               "type": "date" if c in PERATURAN_DATES else ("integer" if c in PERATURAN_INTEGERS else "string")}
              for c in PERATURAN_COLUMNS]
    declare(name, fields, {"header": "first", "headerAliases": {_snake(c): [c] for c in PERATURAN_COLUMNS},
                           "dates": {"formats": ["id-long"], "zeroDate": zero_date}})


def test_djpk_surabaya_lra_is_accepted_with_units_and_mixed_decimal_styles(shared, declare, validate, test_workspace):
    path = shared(*REAL, "djpk_apbd_jatim_2024_Kota_Surabaya.csv")
    declare("lra_ringkas", LRA_FIELDS, LRA_SOURCE)
    out = validate("lra_ringkas", path)
    assert out.exit_code == 0, out.output
    assert out.report["valid"] and out.report["rows"] == 27 and out.report["errors"] == 0

    # The values themselves: "11.302,42 M" is 11 302 420 000 000 rupiah, 87.97 stays 87.97.
    from assets.validation import check_bytes
    from publish.declarations import load_declaration

    checked = check_bytes(path.read_bytes(), path.name, load_declaration(test_workspace / "schemas" / "lra_ringkas"), {})
    first = checked.table.slice(0, 1).to_pylist()[0]
    assert first["akun"] == "Pendapatan Daerah"  # the leading space is trimmed
    assert first["anggaran"] == 11_302_420_000_000
    assert first["realisasi"] == 9_942_430_000_000
    assert first["persentase"] == pytest.approx(87.97)
    retribusi = checked.table.slice(3, 1).to_pylist()[0]
    assert retribusi["anggaran"] == 413_530_000_000 and retribusi["__row"] == 5


def test_djpk_surabaya_without_a_declared_style_is_not_silently_read(shared, declare, validate):
    """The same file with style auto and no units: every amount is refused, none is guessed."""
    path = shared(*REAL, "djpk_apbd_jatim_2024_Kota_Surabaya.csv")
    declare("lra_auto", LRA_FIELDS, {"header": "first", "numbers": {"style": "auto"}})
    out = validate("lra_auto", path)
    assert out.exit_code == 1
    bad = {(p["row"], p["field"]) for p in out.errors()}
    assert (2, "anggaran") in bad and (2, "realisasi") in bad
    assert not any(p["field"] == "persentase" for p in out.errors())


def test_handmade_ambiguous_number_is_reported_not_coerced(tmp_path, declare, validate):
    path = tmp_path / "ambigu.csv"
    path.write_text("akun,anggaran,realisasi,persentase\n"
                    "Belanja Pegawai,313.637,100,12.5\n"
                    "Belanja Barang,\"1.234,5\",200,7\n", encoding="utf-8")
    declare("lra_auto", [{"name": "akun", "type": "string"}, {"name": "anggaran", "type": "number"},
                         {"name": "realisasi", "type": "integer"}, {"name": "persentase", "type": "number"}],
            {"header": "first", "numbers": {"style": "auto"}})
    out = validate("lra_auto", path)
    assert out.exit_code == 1, out.output
    ambiguous = out.of_type("ambiguous-number")
    assert [(p["row"], p["field"], p["value"], p["severity"]) for p in ambiguous] == [(2, "anggaran", "313.637", "error")]
    # "1.234,5" can only be read one way (a comma decimal after a dot group), so it is not ambiguous.
    assert not any(p["row"] == 3 for p in out.errors()), out.problems


def test_djpk_pbg_malformed_quotes_is_rejected_row_by_row(shared, declare, validate):
    """Each data row is one quoted field holding the whole line: never parsed into numbers."""
    path = shared(*REAL, "djpk_pbg_malformed_quotes.csv")
    declare("lra_ringkas", LRA_FIELDS, LRA_SOURCE)
    out = validate("lra_ringkas", path)
    assert out.exit_code == 1, out.output
    missing = out.of_type("missing-cell")
    assert missing, out.problems
    assert missing[0]["row"] == 2
    assert "1 cells" in missing[0]["note"] and "4" in missing[0]["note"]
    assert {p["row"] for p in missing} == set(range(2, 34))  # all 32 data rows, none accepted as valid
    assert out.report["errors"] == 32


def test_dana_desa_tab_delimited_despite_csv_name_is_accepted(shared, declare, validate):
    path = shared(*REAL, "djpk_realisasi_dana_desa_2023_2024.tsv.csv")
    fields = [{"name": c, "type": "integer" if c in ("tahun", "nilai") else "string"} for c in DANA_DESA_COLUMNS]
    # DJPK region codes (kdprov 13 = Jawa Timur) are not Kemendagri codes: kept as text, no foreign key.
    declare("dana_desa", fields, {"header": "first", "numbers": {"style": "id"}})
    out = validate("dana_desa", path)
    assert out.exit_code == 0, out.output
    assert out.report["rows"] == 859 and out.report["errors"] == 0 and out.report["warnings"] == 0


def test_peraturan_zero_dates_are_reported_with_their_rows(shared, declare, validate):
    path = shared(*REAL, "peraturan_go_id_metadata_2023-05-06.csv")
    _peraturan(declare, "peraturan_pusat", "error")
    start = time.monotonic()
    out = validate("peraturan_pusat", path)
    assert time.monotonic() - start < 20
    assert out.exit_code == 1, out.output[:2000]
    assert out.report["rows"] == 15982
    zero = out.of_type("zero-date")
    assert [(p["row"], p["field"], p["value"]) for p in zero] == [
        (174, "ditetapkan_tanggal", "30 November -0001"), (450, "ditetapkan_tanggal", "30 November -0001")]
    assert out.report["errors"] == 2  # the 10,495 empty dates and Indonesian month names are fine


def test_peraturan_zero_dates_are_empty_when_declared_null(shared, declare, validate, test_workspace):
    path = shared(*REAL, "peraturan_go_id_metadata_2023-05-06.csv")
    _peraturan(declare, "peraturan_pusat", "null")
    out = validate("peraturan_pusat", path)
    assert out.exit_code == 0, out.output[:2000]
    assert out.report["rows"] == 15982 and out.report["errors"] == 0

    import datetime as dt

    from assets.validation import check_bytes
    from publish.declarations import load_declaration

    table = check_bytes(path.read_bytes(), path.name, load_declaration(test_workspace / "schemas" / "peraturan_pusat"),
                        {}, business_rules=False).table
    rows = {r["__row"]: r for r in table.select(["__row", "ditetapkan_tanggal", "tanggal"]).to_pylist()}
    assert rows[174]["ditetapkan_tanggal"] is None and rows[450]["ditetapkan_tanggal"] is None
    assert rows[2]["ditetapkan_tanggal"] == dt.date(2019, 3, 15) and rows[2]["tanggal"] == dt.date(2019, 3, 26)
    assert table.column("ditetapkan_tanggal").null_count == 10_495 + 2


def test_kode_wilayah_is_not_a_direct_fit_for_the_repo_wilayah(shared, validate):
    """The repository's wilayah expects a header (and a tingkat column): no header row is found."""
    out = validate("wilayah", shared(*REAL, "kode_wilayah_permendagri_72_2019.csv"))
    assert out.exit_code == 2, out.output[:2000]
    assert out.report["unusable"]
    (problem,) = out.problems
    assert problem["type"] == "source-error" and "No header row" in problem["note"]


@pytest.mark.parametrize("header", ["first", 0])
def test_headerless_kode_wilayah_is_rejected_naming_the_missing_columns(shared, declare, validate, header):
    """A headerless file cannot be declared (header is "auto", "first" or a 0-based row index, and an
    index only chooses which row is the header): the first data row is read as labels and the
    required columns are reported missing, rather than 91,219 rows published without Aceh."""
    declare("kode_wilayah", KODE_FIELDS, {"header": header})
    out = validate("kode_wilayah", shared(*REAL, "kode_wilayah_permendagri_72_2019.csv"))
    assert out.exit_code == 1, out.output[:2000]
    assert {(p["type"], p["field"], p["row"]) for p in out.errors()} == {
        ("missing-label", "kode", 1), ("missing-label", "nama", 1)}
    assert {p["value"] for p in out.of_type("extra-label")} == {"11", "ACEH"}


def test_kode_wilayah_with_a_header_line_added_is_accepted(shared, declare, validate, tmp_path):
    """What the officer is told to do (add the header) works: every code matches the dotted pattern."""
    source = shared(*REAL, "kode_wilayah_permendagri_72_2019.csv")
    fixed = tmp_path / "kode_wilayah_with_header.csv"
    fixed.write_bytes(b"kode,nama\n" + source.read_bytes())
    declare("kode_wilayah", KODE_FIELDS, {"header": "first"}, primary_key=["kode"])
    out = validate("kode_wilayah", fixed)
    assert out.exit_code == 0, out.output[:2000]
    assert out.report["rows"] == 91220 and out.problems == []


def test_odjatim_percent_strings_are_accepted(shared, declare, validate, test_workspace):
    path = shared(*REAL, "odjatim_target_realisasi_persen.csv")
    fields = [{"name": c, "type": "number" if c in ("target", "realisasi")
               else ("integer" if c in ("id", "id_index", "periode_update", "tahun") else "string")}
              for c in KINERJA_COLUMNS]
    declare("kinerja_persen", fields, {"header": "first", "numbers": {"style": "en", "percent": True}},
            primary_key=["id"])
    out = validate("kinerja_persen", path)
    assert out.exit_code == 0, out.output[:2000]
    assert out.report["rows"] == 190 and out.report["errors"] == 0

    from assets.validation import check_bytes
    from publish.declarations import load_declaration

    table = check_bytes(path.read_bytes(), path.name, load_declaration(test_workspace / "schemas" / "kinerja_persen"), {}).table
    second = table.slice(1, 1).to_pylist()[0]
    assert (second["deskripsi"], second["target"], second["realisasi"]) == ("FEBRUARI", 80.0, 94.23)


def test_odjatim_percent_strings_are_rejected_without_percent_declared(shared, declare, validate):
    path = shared(*REAL, "odjatim_target_realisasi_persen.csv")
    declare("kinerja_persen", [{"name": "deskripsi", "type": "string"}, {"name": "target", "type": "number"},
                               {"name": "realisasi", "type": "number"}], {"header": "first", "numbers": {"style": "en"}})
    out = validate("kinerja_persen", path)
    assert out.exit_code == 1
    first = min(out.errors(), key=lambda p: (p["row"], p["field"]))
    assert (first["type"], first["row"], first["field"], first["value"]) == ("type-error", 2, "realisasi", "97%")
