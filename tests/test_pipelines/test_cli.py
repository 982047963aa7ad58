"""The CLI as a user meets it: exit codes, sentences instead of tracebacks, and a dataset declared without Python."""

import json

from click.testing import CliRunner

from pipelines.cli import cli

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English

WILAYAH = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n" \
          "32.60.01,Sukamaju,Kecamatan,32.60\n32.60.01.2001,Cibeureum,Desa,32.60.01\n"


def invoke(*args):
    result = CliRunner(env=ENGLISH).invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_validate_exit_codes(workspace, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(WILAYAH)
    bad = tmp_path / "bad.csv"
    bad.write_text(WILAYAH + "32.60.09.2001,Orphan,Desa,32.60.09\n32.6x,Typo,Kota,32\n")
    unreadable = tmp_path / "page.xls"
    unreadable.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")

    assert invoke("validate", "wilayah", good, "--workspace", workspace.root).exit_code == 0
    result = invoke("validate", "wilayah", bad, "--workspace", workspace.root, "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    found = {(p["type"], p["row"], p["field"]) for p in report["problems"]}
    assert ("foreign-key", 6, "kode_induk") in found
    assert ("constraint-error", 7, "kode") in found
    assert all({"type", "row", "field", "value", "severity"} <= set(p) for p in report["problems"])
    result = invoke("validate", "wilayah", unreadable, "--workspace", workspace.root)
    assert result.exit_code == 2 and "HTML" in result.output
    missing = invoke("validate", "wilayah", tmp_path / "nope.csv", "--workspace", workspace.root)
    assert missing.exit_code == 2 and "cannot read" in missing.output
    unknown = invoke("validate", "anggaran", good, "--workspace", workspace.root)
    assert unknown.exit_code == 2 and "no dataset called 'anggaran'" in unknown.output


def test_new_dataset_declared_only_as_data_is_published(workspace, tmp_path):
    folder = workspace.schemas / "sekolah"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({
        "name": "sekolah", "title": "Daftar Sekolah", "description": "Sekolah negeri per kecamatan.",
        "terbuka:title_en": "Schools", "terbuka:description_en": "Public schools by district.",
        "terbuka:topic": "pendidikan", "keywords": ["sekolah"],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": "Dinas Pendidikan"}], "contributors": [{"title": "Dinas Pendidikan"}],
        "resources": [{"name": "sekolah", "schema": {
            "fields": [{"name": "npsn", "type": "string", "title": "NPSN", "description": "Nomor pokok sekolah.",
                        "terbuka:description_en": "School number.", "constraints": {"required": True, "pattern": "\\d{8}"}},
                       {"name": "nama", "type": "string", "title": "Nama", "description": "Nama sekolah.",
                        "terbuka:description_en": "Name."},
                       {"name": "siswa", "type": "integer", "title": "Siswa", "description": "Jumlah siswa.",
                        "terbuka:description_en": "Pupils.", "constraints": {"minimum": 0}}],
            "primaryKey": ["npsn"]}}]}))
    (folder / "source.json").write_text(json.dumps({"headerAliases": {"siswa": ["jumlah siswa"]},
                                                     "numbers": {"style": "id"}}))
    data = tmp_path / "sekolah.csv"
    data.write_text("NPSN;Nama;Jumlah Siswa\n20212345;SDN 1 Sukamaju;1.204\n20212346;SDN 2 Sukamaju;987\n",
                    encoding="cp1252")
    listed = invoke("datasets", "--workspace", workspace.root)
    assert "sekolah" in listed.output
    result = invoke("publish", "sekolah", data, "--workspace", workspace.root, "--no-site")
    assert result.exit_code == 0, result.output
    assert "published version 1.0.0" in result.output
    csv = (workspace.releases / "datasets" / "sekolah" / "1.0.0" / "data.csv").read_text()
    assert "20212345,SDN 1 Sukamaju,1204" in csv.replace('"', "")
    again = invoke("publish", "sekolah", data, "--workspace", workspace.root, "--no-site")
    assert again.exit_code == 0 and "unchanged" in again.output


def test_publish_runs_through_dagster_and_records_the_run(workspace, tmp_path):
    import json as _json

    data = tmp_path / "w.csv"
    data.write_text("kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n")
    result = invoke("publish", "wilayah", data, "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert "published version 1.0.0" in result.output and "Dagster run" in result.output
    provenance = _json.loads((workspace.releases / "datasets/wilayah/1.0.0/provenance.json").read_text())
    assert provenance["dagster_run_id"]  # the same run the UI lists
    assert (workspace.site / "datasets/wilayah/latest/data.csv").is_file()  # promotion is automatic here
    assert not list((workspace.inbox).rglob("*.csv"))  # nothing left behind for the sensor


def test_backfill_refuses_years_without_a_partition(workspace):
    result = invoke("backfill", "apbd", "--from", "2030", "--to", "2031", "--workspace", workspace.root)
    assert result.exit_code == 2 and "2015" in result.output and "2031" in result.output, result.output


def test_withdraw_of_an_alias_or_without_a_reason_is_refused(workspace, tmp_path):
    data = tmp_path / "w.csv"
    data.write_text("kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n")
    assert invoke("publish", "wilayah", data, "--workspace", workspace.root, "--no-site").exit_code == 0
    alias = invoke("withdraw", "wilayah", "latest", "--reason", "x", "--workspace", workspace.root)
    assert alias.exit_code == 2 and "1.0.0" in alias.output
    empty = invoke("withdraw", "wilayah", "1.0.0", "--reason", " ", "--workspace", workspace.root)
    assert empty.exit_code == 2 and "reason" in empty.output
