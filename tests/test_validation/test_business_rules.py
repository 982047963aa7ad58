"""The declared Great Expectations suites catch what they claim, with the severity they declare.

Each fixture table also goes through both engines (DuckDB, GX as the reference) via `engines_agree`."""

import datetime as dt

import pyarrow as pa

from assets.expectations import run_suite
from publish.declarations import Declaration, get_declaration


def line(rek, anggaran, realisasi, tahap="murni", tahun=2024, sub="1.02.01.2.01.0001", row=2):
    return dict(tahun=tahun, tahap=tahap, kode_wilayah="32.60", kode_skpd="1.02.0.00.0.00.01.0000",
                nama_skpd="Dinas Kesehatan", kode_urusan="1", nama_urusan=None, kode_program="1.02.01",
                nama_program=None, kode_kegiatan="1.02.01.2.01", nama_kegiatan=None, kode_sub_kegiatan=sub,
                nama_sub_kegiatan=None, kode_rekening=rek, nama_rekening="x", anggaran=anggaran,
                realisasi=realisasi, posisi_realisasi=dt.date(tahun, 6, 30) if realisasi is not None else None,
                dasar_hukum="perda-2023-12", __row=row)


def suite(workspace, dataset, rows, engines_agree):
    """run_suite on the rows, after checking that both engines agree on every rule for them."""
    table, declaration = pa.Table.from_pylist(rows), get_declaration(workspace, dataset)
    engines_agree(table, declaration)
    return run_suite(table, declaration)


def failed(workspace, dataset, rows, engines_agree):
    problems, _, outcomes = suite(workspace, dataset, rows, engines_agree)
    return {(p.check, p.severity, p.row) for p in problems}, {o["id"]: o["success"] for o in outcomes}


def test_apbd_rules(workspace, engines_agree):
    rows = [line("5.1.02.01.01.0024", 100, 150, row=2),          # belanja over budget: error
            line("4.1.01.09.01.0001", 100, 120, sub="0.00.00.0.00.0000", row=3),  # revenue over target: warning
            line("5.1.02.01.01", 500, None, row=4),               # parent row present ...
            line("5.1.02.01.01.0025", 300, None, row=5),          # ... but children sum to 400
            line("5.1.02.01.01.0026", 100, None, tahap="perubahan", sub="1.03.01.2.01.0001", row=6)]
    found, outcomes = failed(workspace, "apbd", rows, engines_agree)
    assert ("realisasi-belanja-tidak-melebihi-anggaran", "error", 2) in found
    assert ("realisasi-pendapatan-melebihi-target", "warning", 3) in found
    assert outcomes["jumlah-induk-sama-dengan-rincian"] is False
    assert outcomes["satu-tahap"] is False and outcomes["satu-tahun"] is True
    assert ("kode-program-sesuai-induk", "error", None) in {(c, s, None) for c, s, _ in found}


def test_apbd_rules_pass_on_consistent_lines(workspace, engines_agree):
    rows = [line("5.1.02.01.01.0024", 100, 90, row=2), line("5.1.02.01.01.0025", 300, 300, row=3),
            line("5.1.02.01.01", 400, None, row=4)]
    found, outcomes = failed(workspace, "apbd", rows, engines_agree)
    # no revenue (account 4) line: that rule is noted as not checked, at info severity
    assert found == {("realisasi-pendapatan-melebihi-target", "info", None)} and all(outcomes.values())


def test_peraturan_revoked_needs_its_revoker(workspace, engines_agree):
    import datetime as dt

    base = dict(kode_wilayah="32.60", jenis="Peraturan Daerah", judul="x", mengubah=None, diubah_oleh=None,
                mencabut=None, subjek=None, bidang_hukum=None, url_dokumen=None)
    rows = [dict(base, id="perda-2019-1", nomor="1", tahun=2019, tanggal_penetapan=dt.date(2019, 3, 15),
                 tanggal_pengundangan=dt.date(2019, 3, 14), status="tidak berlaku", dicabut_oleh=None, __row=2)]
    found, _ = failed(workspace, "peraturan", rows, engines_agree)
    assert ("dicabut-menyebut-pencabut", "error", 2) in found
    assert ("pengundangan-tidak-sebelum-penetapan", "warning", 2) in found


def test_rules_that_select_no_row_are_reported_as_not_checked(workspace, engines_agree):
    """A murni budget (one stage, no realisation yet, only detail lines) selects no row for the
    realisation and parent-sum rules: they are reported as not checked, with the reason, at info
    severity (neither an error nor a warning), never as a silent pass over zero rows."""
    from publish.report import Report

    rows = [line("5.1.02.01.01.0024", 100, None, row=2), line("5.1.02.01.01.0025", 300, None, row=3)]
    problems, _, outcomes = suite(workspace, "apbd", rows, engines_agree)
    by_id = {o["id"]: o for o in outcomes}
    skipped = {"realisasi-belanja-tidak-melebihi-anggaran", "realisasi-pendapatan-melebihi-target",
               "jumlah-induk-sama-dengan-rincian", "posisi-realisasi-disebut", "posisi-tidak-sebelum-tahun-anggaran"}
    assert {i for i, o in by_id.items() if o["skipped"]} == skipped
    for rule in skipped:
        assert by_id[rule]["rows_checked"] == 0 and "Not checked" in by_id[rule]["reason"]["en"]
        assert "Tidak diperiksa" in by_id[rule]["reason"]["id"]
    # the single-stage, single-year, single-date rules are meaningful here and pass over every row
    for rule in ("satu-tahap", "satu-tahun", "kode-program-sesuai-induk", "satu-posisi-realisasi"):
        assert by_id[rule]["success"] and not by_id[rule]["skipped"] and by_id[rule]["rows_checked"] == 2
    assert {(p.check, p.severity, p.row) for p in problems} == {(rule, "info", None) for rule in skipped}
    report = Report(dataset="apbd", rows=2)
    report.extend(problems)
    assert report.valid and report.errors == 0 and report.warnings == 0
    notes = {g["check"]: g["note"] for g in report.groups()}
    assert "Expenditure (account 5) realisation" in notes["realisasi-belanja-tidak-melebihi-anggaran"]


def test_mixed_stages_name_the_stages_not_their_count(workspace, engines_agree):
    rows = [line("5.1.02.01.01.0024", 100, None, row=2),
            line("5.1.02.01.01.0025", 300, None, tahap="perubahan", row=3)]
    problems, _, _ = suite(workspace, "apbd", rows, engines_agree)
    (stage,) = [p for p in problems if p.check == "satu-tahap"]
    assert stage.severity == "error" and stage.value == "murni, perubahan" and stage.field == "tahap"


def test_realisation_states_one_reporting_date_within_its_year(workspace, engines_agree):
    rows = [line("5.1.02.01.01.0024", 100, 90, row=2),
            dict(line("5.1.02.01.01.0025", 300, 200, row=3), posisi_realisasi=dt.date(2024, 12, 31)),  # second date
            dict(line("5.1.02.01.01.0026", 300, 100, row=4), posisi_realisasi=None),  # realised, no date
            dict(line("5.1.02.01.01.0027", 300, 100, row=5), posisi_realisasi=dt.date(2023, 12, 31))]  # too early
    found, outcomes = failed(workspace, "apbd", rows, engines_agree)
    assert outcomes["satu-posisi-realisasi"] is False
    assert ("posisi-realisasi-disebut", "warning", 4) in found
    assert ("posisi-tidak-sebelum-tahun-anggaran", "warning", 5) in found


def test_peraturan_relations_must_agree_both_ways(workspace, engines_agree):
    """An amendment is recorded on both rows, and diubah_oleh names the latest of them; a revocation too."""
    base = dict(kode_wilayah="32.60", jenis="Peraturan Daerah", judul="x", subjek=None, bidang_hukum=None,
                url_dokumen=None, status="berlaku", mengubah=None, diubah_oleh=None, mencabut=None,
                dicabut_oleh=None, tanggal_pengundangan=None)

    def reg(ident, year, row, **kw):
        return dict(base, id=ident, nomor=ident.rsplit("-", 1)[1], tahun=year,
                    tanggal_penetapan=dt.date(year, 5, 1), __row=row, **kw)

    consistent = [reg("perda-2019-4", 2019, 2, diubah_oleh="perda-2024-3"),
                  reg("perda-2022-5", 2022, 3, mengubah="perda-2019-4"),
                  reg("perda-2024-3", 2024, 4, mengubah="perda-2019-4"),
                  reg("perda-2018-1", 2018, 5, status="tidak berlaku", dicabut_oleh="perda-2023-2"),
                  reg("perda-2023-2", 2023, 6, mencabut="perda-2018-1")]
    _, outcomes = failed(workspace, "peraturan", consistent, engines_agree)
    for rule in ("diubah-oleh-timbal-balik", "diubah-oleh-yang-terakhir", "pencabutan-timbal-balik"):
        assert outcomes[rule] is True, rule
    broken = [reg("perda-2019-4", 2019, 2, diubah_oleh="perda-2022-5"),  # names the older amendment
              reg("perda-2022-5", 2022, 3, mengubah="perda-2019-4"),
              reg("perda-2024-3", 2024, 4, mengubah="perda-2019-4"),
              reg("perda-2018-1", 2018, 5, status="tidak berlaku", dicabut_oleh="perda-2023-2"),
              reg("perda-2023-2", 2023, 6)]  # does not record that it revokes perda-2018-1
    _, outcomes = failed(workspace, "peraturan", broken, engines_agree)
    assert outcomes["diubah-oleh-yang-terakhir"] is False and outcomes["diubah-oleh-timbal-balik"] is True
    assert outcomes["pencabutan-timbal-balik"] is False


def test_many_failing_rows_keep_the_first_examples_and_count_the_rest(workspace, engines_agree):
    """250 lines over budget: 200 kept as examples (by row, with both values), 50 more counted."""
    rows = [line(f"5.1.02.01.01.{i:04d}", 100, 150, row=i + 2) for i in range(250)]
    problems, overflow, outcomes = suite(workspace, "apbd", rows, engines_agree)
    over = [p for p in problems if p.check == "realisasi-belanja-tidak-melebihi-anggaran"]
    assert [p.row for p in over] == list(range(2, 202))
    assert (over[0].value, over[0].field, over[0].severity) == ("100, 150", "anggaran, realisasi", "error")
    assert overflow == [(over[-1], 50)]
    assert {o["id"]: o["unexpected"] for o in outcomes}["realisasi-belanja-tidak-melebihi-anggaran"] == 250


def test_a_rule_naming_a_missing_column_fails_with_that_name(workspace):
    spec = {"id": "ada", "severity": "error", "description": {"id": "x", "en": "x"},
            "type": "expect_column_values_to_not_be_null", "kwargs": {"column": "tidak_ada"}}
    declaration = Declaration(id="t", folder=workspace.root, descriptor={}, expectations=[spec])
    problems, _, outcomes = run_suite(pa.Table.from_pylist([{"a": 1, "__row": 2}]), declaration)
    assert [(p.check, p.row) for p in problems] == [("ada", None)] and "tidak_ada" in problems[0].value
    assert outcomes[0]["success"] is False
