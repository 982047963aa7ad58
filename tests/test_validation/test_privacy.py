"""Personal data and spreadsheet formulas never reach the portal: `terbuka validate` rejects them,
naming the row and the column; numbers that only look long are left alone."""

from __future__ import annotations

import pytest

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English

FIELDS = [{"name": "no", "type": "integer"}, {"name": "kegiatan", "type": "string"},
          {"name": "keterangan", "type": "string"}]


@pytest.fixture
def catatan(declare):
    declare("catatan", FIELDS, {"header": "first"}, primary_key=["no"])
    return "catatan"


def _csv(tmp_path, rows: list[str], name: str = "catatan.csv"):
    path = tmp_path / name
    path.write_text("no,kegiatan,keterangan\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _where(out, kind: str) -> set[tuple[int, str]]:
    return {(p["row"], p["field"]) for p in out.of_type(kind) if p["severity"] == "error"}


def test_nik_and_formula_are_rejected_with_row_and_column(tmp_path, catatan, validate):
    path = _csv(tmp_path, [
        "1,Rapat koordinasi,Peserta hadir lengkap",
        # 32 Jawa Barat, 01 regency, 01 district, day 45 = a woman born on the 5th, month 06, 1990
        "2,Bantuan sosial,Penerima NIK 3201014506900001 sudah diverifikasi",
        '3,Sosialisasi,"=HYPERLINK(""http://contoh.test"",""klik"")"',
    ])
    out = validate(catatan, path)
    assert out.exit_code == 1, out.output
    assert _where(out, "personal-data") == {(3, "keterangan")}
    assert _where(out, "formula-injection") == {(4, "keterangan")}
    formula = out.of_type("formula-injection")[0]
    assert formula["value"].startswith("=HYPERLINK(")
    assert out.report["errors"] == 2


def test_formula_in_any_text_column_is_rejected(tmp_path, catatan, validate):
    path = _csv(tmp_path, ["1,@SUM(A1:A9),biasa", "2,+62 bukan rumus?,biasa", "3,Kegiatan = rapat,biasa"])
    out = validate(catatan, path)
    assert out.exit_code == 1
    assert _where(out, "formula-injection") == {(2, "kegiatan"), (3, "kegiatan")}  # "=" inside a text is fine


@pytest.mark.parametrize("digits", [
    "0012345678901234",   # no province 00
    "3201017506900001",   # day 75: neither a man's (1-31) nor a woman's (41-71) birth day
    "3201014513900001",   # month 13
])
def test_sixteen_digits_that_are_not_nik_shaped_pass(tmp_path, catatan, validate, digits):
    path = _csv(tmp_path, [f"1,Pengadaan,Nomor kontrak {digits}"])
    out = validate(catatan, path)
    assert out.exit_code == 0, out.output
    assert out.problems == []


def test_nik_in_a_coded_column_with_a_pattern_is_not_free_text(tmp_path, declare, validate):
    """Codes constrained by a pattern are not free text; a 16-digit account code there is not a NIK."""
    declare("kode16", [{"name": "kode", "type": "string", "constraints": {"pattern": r"\d{16}"}},
                       {"name": "uraian", "type": "string"}], {"header": "first"})
    path = tmp_path / "kode.csv"
    path.write_text("kode,uraian\n3201014506900001,Belanja\n", encoding="utf-8")
    assert validate("kode16", path).exit_code == 0


@pytest.mark.parametrize("text", ["Hubungi 0812-3456-7890 untuk info", "Kontak +62 812 3456 7890",
                                  "Kirim ke bendahara.dinkes@example.go.id"])
def test_phone_and_email_are_flagged(tmp_path, catatan, validate, text):
    path = _csv(tmp_path, ["1,Rapat,Tanpa data pribadi", f'2,Pengaduan,"{text}"'])
    out = validate(catatan, path)
    assert out.exit_code == 1, out.output
    assert _where(out, "personal-data") == {(3, "keterangan")}
    assert out.of_type("personal-data")[0]["value"] == text


def test_contact_column_declared_public_is_allowed(tmp_path, declare, validate):
    declare("kontak_opd", [{"name": "opd", "type": "string"}, {"name": "surel", "type": "string"}],
            {"header": "first", "personalDataAllowed": ["surel"]})
    path = tmp_path / "kontak.csv"
    path.write_text("opd,surel\nDinas Kesehatan,dinkes@example.go.id\n", encoding="utf-8")
    out = validate("kontak_opd", path)
    assert out.exit_code == 0, out.output


def test_plain_report_names_row_and_column(tmp_path, catatan, test_workspace):
    """The officer-facing (non-JSON) output says where: row and column, for each kind of problem."""
    from click.testing import CliRunner

    from pipelines.cli import cli

    path = _csv(tmp_path, ["1,Bantuan,NIK 3201014506900001", '2,Sosialisasi,"=HYPERLINK(""http://x.test"")"'])
    result = CliRunner(env=ENGLISH).invoke(cli, ["validate", catatan, str(path), "--workspace", str(test_workspace)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "personal-data x1: row 2 column keterangan" in result.output, result.output
    assert "formula-injection x1: row 3 column keterangan" in result.output, result.output


def test_each_kind_of_personal_data_is_its_own_group(tmp_path, catatan, validate):
    """NIK, phone and e-mail in one column are three groups, each with its own count and note:
    a group keyed without the kind would call all of them "NIK" after its first example."""
    path = _csv(tmp_path, [
        "1,Bantuan,NIK 3201014506900001",
        "2,Bantuan,NIK 3201010203850002",
        "3,Pengaduan,Hubungi 0812-3456-7890",
        "4,Pengaduan,Kirim ke bendahara.dinkes@example.go.id",
        "5,Pengaduan,Kirim ke pengaduan@example.go.id",
        "6,Pengaduan,Kirim ke humas@example.go.id",
    ])
    out = validate(catatan, path)
    assert out.exit_code == 1, out.output
    groups = {g["check"]: g for g in out.report["groups"]
              if g["type"] == "personal-data" and g["field"] == "keterangan"}
    assert {kind: g["count"] for kind, g in groups.items()} == {"nik": 2, "phone": 1, "email": 3}
    assert "NIK" in groups["nik"]["note"] and "NIK" in groups["nik"]["note_id"]
    assert "phone number" in groups["phone"]["note"] and "nomor telepon" in groups["phone"]["note_id"]
    assert "e-mail" in groups["email"]["note"] and "surel" in groups["email"]["note_id"]
    for kind, group in groups.items():
        assert "NIK" not in group["note"] or kind == "nik"
        assert {e["check"] for e in group["examples"]} == {kind}
    assert [e["row"] for e in groups["email"]["examples"]] == [5, 6, 7]
    assert out.report["errors"] == 6


def test_counts_are_exact_past_the_kept_examples(tmp_path, catatan, validate):
    from assets.privacy import LIMIT

    rows = [f"{n},Pengaduan,Hubungi 0812-3456-{n:04d}" for n in range(1, LIMIT + 51)]
    out = validate(catatan, _csv(tmp_path, rows))
    assert out.exit_code == 1, out.output
    phone = next(g for g in out.report["groups"] if g["check"] == "phone")
    assert phone["count"] == LIMIT + 50  # every cell counted, though only LIMIT are kept as examples
    assert out.report["errors"] == LIMIT + 50


def test_a_repeated_value_is_flagged_in_every_row_that_holds_it(tmp_path, catatan, validate):
    """The patterns run once per distinct value; each row holding a flagged value is still named."""
    rows = [f"{n},Bantuan,{'NIK 3201014506900001' if n % 3 == 0 else 'Penerima terverifikasi'}" for n in range(1, 31)]
    out = validate(catatan, _csv(tmp_path, rows))
    assert _where(out, "personal-data") == {(n + 1, "keterangan") for n in range(3, 31, 3)}


def test_a_nik_right_after_another_long_number_is_found(tmp_path, catatan, validate):
    """Two 16-digit runs one space apart: the first is not NIK-shaped, the second is."""
    out = validate(catatan, _csv(tmp_path, ["1,Bantuan,0012345678901234 3201014506900001"]))
    assert _where(out, "personal-data") == {(2, "keterangan")}
