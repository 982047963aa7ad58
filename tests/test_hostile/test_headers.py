"""Header problems say what was expected (with every accepted name), what was found (with column letters),
and what to do: several-row headers and look-alike letters are named, each group is labelled by its rule."""

from __future__ import annotations

from tests.test_hostile.workbooks import workbook

WILAYAH_ROWS = "32,JAWA BARAT,provinsi,\n32.01,KABUPATEN BOGOR,kabupaten,32\n"


def _only(report, kind: str):
    found = [p for p in report.problems if p.type == kind]
    assert len(found) == 1, [(p.type, p.note[:100]) for p in report.problems]
    return found[0]


def test_no_header_lists_expected_names_and_the_closest_row(check):
    report = check("apbd", "tahun\tkdprov\turprov\tkdpemda\tnilai\n2024\t13\tJawa Timur\t00\t1000\n".encode())
    (problem,) = report.problems
    assert report.unusable and problem.note.startswith("No header row")
    assert "row 1: A 'tahun', B 'kdprov', C 'urprov', D 'kdpemda', E 'nilai'" in problem.note
    assert "; anggaran (anggaran, " in problem.note and "pagu anggaran, total harga" in problem.note
    assert "baris 1: A 'tahun'" in problem.note_id


def test_a_headerless_list_is_named_as_such(check):
    report = check("wilayah", b"11,ACEH\n11.01,KAB. SIMEULUE\n")
    (problem,) = report.problems
    assert "no header row" in problem.note.lower() and "row 1 already holds values (A '11', B 'ACEH')" in problem.note
    assert "kode (kode, kode wilayah, kd wilayah)" in problem.note


def test_a_missing_column_names_accepted_names_found_columns_and_what_did_not_run(check):
    report = check("wilayah", b"kode_bps,kode_kemendagri,nama_wilayah,level\n3201,32.01,KABUPATEN BOGOR,kabupaten\n")
    (missing,) = [p for p in report.problems if p.type == "missing-label" and p.severity == "error"]
    assert missing.field == "kode" and "kode, kode wilayah, kd wilayah" in missing.note
    assert "A 'kode_bps', B 'kode_kemendagri', C 'nama_wilayah', D 'level'" in missing.note
    assert "did not run" in missing.note and "tidak dijalankan" in missing.note_id
    extras = [p for p in report.problems if p.type == "extra-label"]
    assert [p.note.split("'")[0] for p in extras] == ["Column A ", "Column B "]


def test_a_three_tier_header_is_one_problem_with_positions(check):
    top = ["KODE REKENING", "URAIAN"] + ["ANGGARAN"] * 4 + ["REALISASI"] * 4
    middle = ["", ""] + ["MURNI", "MURNI", "PERUBAHAN", "PERUBAHAN"] * 2
    bottom = ["", ""] + ["PEGAWAI", "BARANG"] * 4
    rows = [top, middle, bottom] + [["5.1.02.01.01.0001", "Belanja"] + ["1000"] * 8]
    report = check("apbd", "".join(";".join(r) + "\n" for r in rows).encode())
    tiers = _only(report, "multi-tier-header")
    assert "Rows 1 to 3 form one header in 3 tiers" in tiers.note
    assert "column C reads 'ANGGARAN / MURNI / PEGAWAI'" in tiers.note
    assert not [p for p in report.problems if p.type in ("duplicate-label", "blank-label")]
    assert not [p for p in report.problems if p.row in (2, 3) and p.type == "type-error"]  # tiers are not data


def test_a_merged_header_in_a_workbook_is_recognised(check):
    rows = [["kode", "nama", "ANGGARAN", None, None], [None, None, "MURNI", "PERGESERAN", "PERUBAHAN"],
            ["32", "JAWA", 1, 2, 3]]
    report = check("wilayah", workbook(rows), "f.xlsx")
    assert "Rows 1 to 2" in _only(report, "multi-tier-header").note


def test_one_header_row_with_a_repeated_name_is_not_a_tier(check):
    report = check("wilayah", b"kode,nama,nama,tingkat\n32,JAWA,Jawa,provinsi\n")
    duplicate = _only(report, "duplicate-label")
    assert duplicate.note.startswith("Columns B 'nama' and C 'nama' both mean 'nama'")


def test_a_cyrillic_letter_is_named_with_the_letter_it_imitates(check):
    report = check("wilayah", ("kode,nаma,tingkat,kode_induk\n" + WILAYAH_ROWS).encode())
    odd = _only(report, "lookalike-label")
    assert odd.field == "nama" and odd.severity == "error"
    assert "Column B 'nаma'" in odd.note and "U+0430 CYRILLIC SMALL LETTER A" in odd.note
    assert "Latin letter 'a'" in odd.note and "huruf Latin 'a'" in odd.note_id
    assert not [p for p in report.problems if p.type in ("missing-label", "extra-label")]
    assert report.rows == 2  # the column is read, so its values are checked too


def test_invisible_and_full_width_characters_are_named(check):
    report = check("wilayah", ("\u200bkode,ｎａｍａ,tingkat,kode_induk\n" + WILAYAH_ROWS).encode())
    notes = sorted(p.note for p in report.problems if p.type == "lookalike-label")
    assert len(notes) == 2
    assert "invisible character (U+200B ZERO WIDTH SPACE)" in notes[0] or "invisible" in notes[1]
    assert any("U+FF4E FULLWIDTH LATIN SMALL LETTER N" in n and "letter 'n'" in n for n in notes)


def test_each_group_is_labelled_by_its_own_rule(check):
    rows = "".join(f"32.{i:02d},KAB {i},{'negara' if i % 2 else ''},32\n" for i in range(1, 21))
    report = check("wilayah", ("kode,nama,tingkat,kode_induk\n32,JAWA,provinsi,\n" + rows).encode())
    groups = {g["check"]: g for g in report.groups() if g["type"] == "constraint-error"}
    assert groups["enum"]["count"] == 10 and "enum" in groups["enum"]["note"]
    assert groups["required"]["count"] == 10 and "required" in groups["required"]["note"]
