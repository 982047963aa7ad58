"""What a release says changed, as data: complete changes.csv, moved totals in totals.csv, the schema section,
and the release page that shows them."""

import csv
import io
import json

import pyarrow as pa

from publish.diff import KEEP_ROWS, TOTALS_COLUMNS
from publish.releases import write_release
from publish.workspace import Workspace
from tests.conftest import field, redeclare

REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}
DINKES, DISDIK = "1.02.0.00.0.00.01.0000", "1.01.0.00.0.00.01.0000"


def apbd_rows(stage="murni", dinkes=1_000_000, lines=0, scale=1):
    """Two budget lines, plus `lines` more for Dinas Pendidikan, each with its own account code."""
    base = dict(tahun=2024, tahap=stage, kode_wilayah="32.60", nama_urusan=None, nama_program=None,
                nama_kegiatan=None, nama_sub_kegiatan="Penyediaan", realisasi=None, dasar_hukum="perda-2023-12",
                kode_urusan="1", kode_program="1.02.01", kode_kegiatan="1.02.01.2.01",
                kode_sub_kegiatan="1.02.01.2.01.0001")
    rows = [dict(base, kode_skpd=DINKES, nama_skpd="Dinas Kesehatan", kode_rekening="5.1.02.01.01.0024",
                 nama_rekening="Belanja ATK", anggaran=dinkes),
            dict(base, kode_skpd=DISDIK, nama_skpd="Dinas Pendidikan", kode_rekening="5.1.02.01.01.0024",
                 nama_rekening="Belanja ATK", anggaran=500_000)]
    rows += [dict(base, kode_skpd=DISDIK, nama_skpd="Dinas Pendidikan", kode_rekening=f"5.2.02.05.01.{i:04d}",
                  nama_rekening=f"Belanja Modal {i}", anggaran=1_000 * (i + 1) * scale) for i in range(lines)]
    return pa.Table.from_pylist(rows)


def publish(ws, table, name="a.xlsx", dataset="apbd", confirmed=False):
    ws = Workspace(ws.root)  # as a run does: the declarations as they are now, read once
    return write_release(ws, ws.declaration(dataset), table, REPORT, {"name": name, "sha256": "0" * 64},
                         "https://example.test/", confirmed=confirmed)


def read_csv(path):
    text = path.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def add_field(ws, spec):
    redeclare(ws, "apbd", lambda doc: doc["resources"][0]["schema"]["fields"].append(spec))


CATATAN = field("catatan", title="Catatan", description="Catatan.")


def test_changes_csv_lists_every_row_past_the_json_limit(workspace):
    publish(workspace, apbd_rows(lines=700))
    # 600 of the 700 lines change, 100 disappear from the slice, and 1,661 new lines come in
    table = apbd_rows(lines=600, scale=2).to_pylist() + apbd_rows(lines=2361).to_pylist()[702:]
    result = publish(workspace, pa.Table.from_pylist(table), confirmed=True)  # 100 removed: past the guard
    changes = json.loads((result.path / "changes.json").read_text())
    assert (changes["added"], changes["removed"], changes["changed"]) == (1661, 100, 600)  # exact counts
    assert changes["rows_truncated"] is True and changes["rows_limit"] == KEEP_ROWS == 500
    assert changes["rows_kept"] == {"added": 500, "removed": 100, "changed": 500}
    assert len(changes["rows"]) == 1100
    assert (result.path / "changes.csv").read_bytes().count(b"\r\n") == 1 + 1661 + 100 + 600  # header + lines
    rows = read_csv(result.path / "changes.csv")
    assert list(rows[0]) == ["change", *changes["key"], "field", "old", "new"]
    by_kind = {k: [r for r in rows if r["change"] == k] for k in ("added", "removed", "changed")}
    assert {k: len(v) for k, v in by_kind.items()} == {"added": 1661, "removed": 100, "changed": 600}
    assert [r["change"] for r in rows] == ["added"] * 1661 + ["removed"] * 100 + ["changed"] * 600
    assert len({r["kode_rekening"] for r in by_kind["added"]}) == 1661
    last = next(r for r in by_kind["changed"] if r["kode_rekening"] == "5.2.02.05.01.0599")
    assert (last["field"], last["old"], last["new"]) == ("anggaran", "600000", "1200000")
    assert by_kind["added"][0]["field"] == by_kind["removed"][0]["old"] == ""
    assert "changes.csv" in (result.path / "SHA256SUMS").read_text()


def test_first_release_lists_every_row_as_added(workspace):
    result = publish(workspace, apbd_rows(lines=3))
    changes = json.loads((result.path / "changes.json").read_text())
    assert changes["from"] is None and changes["added"] == 5 and changes["schema"] is None
    assert changes["rows_truncated"] is False
    assert [r["change"] for r in read_csv(result.path / "changes.csv")] == ["added"] * 5


def test_totals_csv_holds_the_murni_to_perubahan_movement(workspace):
    first = publish(workspace, apbd_rows("murni"))
    result = publish(workspace, apbd_rows("perubahan", dinkes=1_200_000))
    rows = read_csv(result.path / "totals.csv")
    assert list(rows[0]) == TOTALS_COLUMNS
    stage = [r for r in rows if r["comparison"] == "stage"]
    assert {(r["breakdown"], r["group"]) for r in stage} == {("skpd", DINKES), ("kelompok_rekening", "5.1")}
    dinkes = next(r for r in stage if r["group"] == DINKES)
    assert dinkes == {"comparison": "stage", "breakdown": "skpd", "account": "5", "group": DINKES,
                      "label": "Dinas Kesehatan", "period": "2024", "from_version": "1.1.0", "from_stage": "murni",
                      "to_version": "1.1.0", "to_stage": "perubahan", "measure": "anggaran", "before": "1000000",
                      "after": "1200000", "delta": "200000", "percent": "20.0"}
    account = next(r for r in stage if r["group"] == "5.1")
    assert (account["before"], account["after"], account["percent"]) == ("1500000", "1700000", "13.33")
    assert account["label"]  # named from the account code list (Belanja Operasi)
    # against the previous version, perubahan is new: every group starts from nothing
    version = [r for r in rows if r["comparison"] == "version"]
    assert {(r["from_version"], r["to_version"], r["from_stage"], r["to_stage"]) for r in version} == {
        ("1.0.0", "1.1.0", "perubahan", "perubahan")}
    dinkes = next(r for r in version if r["group"] == DINKES)
    assert (dinkes["before"], dinkes["after"], dinkes["percent"]) == ("", "1200000", "")
    assert [r["breakdown"] for r in rows] == ["skpd", "skpd", "kelompok_rekening", "skpd", "kelompok_rekening"]
    assert "totals.csv" in (result.path / "SHA256SUMS").read_text()
    assert (first.path / "totals.csv").is_file()


def test_totals_csv_only_for_datasets_that_declare_totals(workspace):
    rows = pa.Table.from_pylist([{"kode": "32", "nama": "Jawa Barat", "tingkat": "provinsi", "kode_induk": None}])
    result = publish(workspace, rows, dataset="wilayah")
    assert not (result.path / "totals.csv").exists()
    assert json.loads((result.path / "changes.json").read_text())["totals"] is None


def test_schema_section_names_an_added_field(workspace):
    publish(workspace, apbd_rows())
    same = publish(workspace, apbd_rows(dinkes=2_000_000))
    assert json.loads((same.path / "changes.json").read_text())["schema"] is None  # data only
    add_field(workspace, CATATAN)
    result = publish(workspace, apbd_rows().append_column("catatan", pa.array(["baru", None])))
    assert result.change == "major"
    schema = json.loads((result.path / "changes.json").read_text())["schema"]
    assert schema["added"] == [{"name": "catatan", "type": "string", "title": "Catatan", "description": "Catatan."}]
    assert schema["removed"] == [] and schema["changed"] == [] and schema["primary_key"] is None


def test_schema_section_names_a_changed_type(workspace):
    publish(workspace, apbd_rows())

    def retype(doc):
        doc["resources"][0]["schema"]["fields"][-1]["type"] = "integer"  # dasar_hukum becomes a number
        doc["resources"][0]["schema"]["foreignKeys"] = doc["resources"][0]["schema"]["foreignKeys"][:1]
    redeclare(workspace, "apbd", retype)
    doc = json.loads((workspace.schemas / "apbd" / "datapackage.json").read_text())
    table = apbd_rows().drop_columns(["dasar_hukum"]).append_column("dasar_hukum", pa.array([1, 2]))
    schema = json.loads((publish(workspace, table).path / "changes.json").read_text())["schema"]
    assert schema["changed"] == [{"name": "dasar_hukum", "title": doc["resources"][0]["schema"]["fields"][-1]["title"],
                                  "changes": [{"attribute": "type", "before": "string", "after": "integer"}]}]


def test_release_page_shows_the_truncation_and_the_schema_change(workspace, tmp_path):
    from publish.portal import build_site

    publish(workspace, apbd_rows())
    add_field(workspace, CATATAN)
    table = apbd_rows(lines=1661)
    result = publish(workspace, table.append_column("catatan", pa.nulls(table.num_rows, pa.string())))
    assert result.version == "2.0.0"
    out = tmp_path / "out"
    build_site(Workspace(workspace.root), out)
    page = (out / "datasets/apbd/2.0.0/index.html").read_text(encoding="utf-8")
    assert "Ditampilkan 30 pertama dari 1.661 baris yang ditambah, dihapus, atau diubah" in page
    assert "memuat paling banyak 500 baris" in page
    assert 'href="changes.csv"' in page or "2.0.0/changes.csv" in page
    assert "Perubahan struktur data" in page and "<code>catatan</code>" in page and "kolom baru" in page
    assert ">totals.csv</a>" in page
    english = (out / "en/datasets/apbd/2.0.0/index.html").read_text(encoding="utf-8")
    assert "Showing the first 30 of 1,661 rows added, removed or changed" in english
    assert "Schema changes" in english and "field added" in english
    assert "Ditampilkan" not in (out / "datasets/apbd/1.0.0/index.html").read_text(encoding="utf-8")


def test_a_patch_release_names_the_metadata_that_changed(workspace):
    import json as _json

    from publish.portal import build_site

    publish(workspace, apbd_rows())

    def describe(doc):
        doc["description"] += " Diperbarui."
        doc["resources"][0]["schema"]["fields"][0]["description"] = "Tahun anggaran (diperbarui)."
    redeclare(workspace, "apbd", describe)
    doc = _json.loads((workspace.schemas / "apbd" / "datapackage.json").read_text())
    patch = publish(workspace, apbd_rows())
    assert patch.change == "patch"
    changes = _json.loads((patch.path / "changes.json").read_text())
    where = {m["where"]: m for m in changes["metadata"]}
    assert where["description"]["after"].endswith("Diperbarui.")
    first = doc["resources"][0]["schema"]["fields"][0]["name"]
    assert where[f"{first}.description"]["after"] == "Tahun anggaran (diperbarui)."
    assert "version" not in where and "created" not in where
    out = workspace.root / "out"
    build_site(Workspace(workspace.root), out)
    assert "Perubahan metadata" in (out / "datasets/apbd" / patch.version / "index.html").read_text()
