"""Releases: identity by content, semantic versions, diffs with moved budget totals, verify, withdraw."""

import json

import pyarrow as pa
import pytest

from publish.releases import latest_release, list_releases, withdraw, write_release
from publish.verify import verify_site
from publish.workspace import Workspace
from tests.conftest import field, redeclare

def store(ws):
    return ws.releases

REPORT = {"errors": 0, "warnings": 0, "groups": [], "rules": []}


def apbd_rows(stage="murni", dinkes=1_000_000, extra=False):
    base = dict(tahun=2024, tahap=stage, kode_wilayah="32.60", nama_urusan=None, nama_program=None,
                nama_kegiatan=None, nama_sub_kegiatan="Penyediaan", realisasi=None, dasar_hukum="perda-2023-12",
                kode_urusan="1", kode_program="1.02.01", kode_kegiatan="1.02.01.2.01")
    rows = [
        dict(base, kode_skpd="1.02.0.00.0.00.01.0000", nama_skpd="Dinas Kesehatan", kode_sub_kegiatan="1.02.01.2.01.0001",
             kode_rekening="5.1.02.01.01.0024", nama_rekening="Belanja ATK", anggaran=dinkes),
        dict(base, kode_skpd="1.01.0.00.0.00.01.0000", nama_skpd="Dinas Pendidikan", kode_sub_kegiatan="1.02.01.2.01.0001",
             kode_rekening="5.1.02.01.01.0024", nama_rekening="Belanja ATK", anggaran=500_000),
    ]
    if extra:
        rows.append(dict(base, kode_skpd="1.01.0.00.0.00.01.0000", nama_skpd="Dinas Pendidikan",
                         kode_sub_kegiatan="1.02.01.2.01.0001", kode_rekening="5.1.02.02.01.0026",
                         nama_rekening="Belanja Jasa", anggaran=250_000))
    return pa.Table.from_pylist(rows)


def publish(ws, table, name="a.xlsx"):
    ws = Workspace(ws.root)  # as a run does: the declarations as they are now, read once
    return write_release(ws, ws.declaration("apbd"), table, REPORT, {"name": name, "sha256": "0" * 64},
                         "https://example.test/")


def test_same_content_twice_is_one_release(workspace):
    first = publish(workspace, apbd_rows())
    again = publish(workspace, apbd_rows(), name="renamed.xlsx")
    assert (first.version, first.unchanged) == ("1.0.0", False)
    assert (again.version, again.unchanged) == ("1.0.0", True)
    assert len(list_releases(workspace, "apbd")) == 1


def test_changed_file_is_a_minor_version_with_a_diff_and_moved_totals(workspace):
    publish(workspace, apbd_rows())
    second = publish(workspace, apbd_rows(dinkes=1_500_000, extra=True))
    assert second.version == "1.1.0" and second.change == "minor"
    changes = json.loads((second.path / "changes.json").read_text())
    assert (changes["added"], changes["removed"], changes["changed"]) == (1, 0, 1)
    changed = next(r for r in changes["rows"] if r["change"] == "changed")
    assert changed["key"]["kode_skpd"] == "1.02.0.00.0.00.01.0000"
    assert changed["cells"] == [{"field": "anggaran", "old": 1_000_000, "new": 1_500_000}]
    skpd = {g["group"]: g for g in changes["totals"]["groups"]["skpd"]}
    assert skpd["1.02.0.00.0.00.01.0000"]["delta"] == 500_000
    assert skpd["1.02.0.00.0.00.01.0000"]["percent"] == 50.0
    assert "changed,2024,murni,1.02.0.00.0.00.01.0000" in (second.path / "changes.csv").read_text()


def test_perubahan_is_a_slice_of_its_own_compared_with_murni(workspace):
    publish(workspace, apbd_rows("murni"))
    result = publish(workspace, apbd_rows("perubahan", dinkes=1_200_000))
    import pyarrow.parquet as pq

    table = pq.read_table(result.path / "data.parquet")
    assert sorted(set(table.column("tahap").to_pylist())) == ["murni", "perubahan"]
    assert table.num_rows == 4
    stages = json.loads((result.path / "changes.json").read_text())["totals"]["stages"]
    skpd = next(s for s in stages if s["group"] == "skpd" and s["from"] == "murni" and s["to"] == "perubahan")
    moved = {r["group"]: r for r in skpd["rows"]}
    assert moved["1.02.0.00.0.00.01.0000"]["delta"] == 200_000


def test_release_files_match_manifest_and_withdrawal_moves_latest(workspace):
    publish(workspace, apbd_rows())
    publish(workspace, apbd_rows(dinkes=2_000_000))
    assert verify_site(workspace, store(workspace)).ok
    assert latest_release(workspace, "apbd")["version"] == "1.1.0"
    withdraw(workspace, "apbd", "1.1.0", "typo in Dinas Kesehatan")
    assert latest_release(workspace, "apbd")["version"] == "1.0.0"
    link = store(workspace) / "datasets" / "apbd" / "latest"
    assert link.resolve().name == "1.0.0"
    assert (store(workspace) / "datasets" / "apbd" / "1.1.0" / "data.csv").exists()
    assert verify_site(workspace, store(workspace)).ok
    (store(workspace) / "datasets" / "apbd" / "1.0.0" / "data.csv").write_text("tampered")
    result = verify_site(workspace, store(workspace))
    assert result.changed == ["state/releases/datasets/apbd/1.0.0/data.csv"]


def test_verify_catches_a_tampered_file_whose_manifest_was_rewritten_to_match(workspace):
    from publish.files import sha256_file

    folder = publish(workspace, apbd_rows()).path
    (folder / "data.csv").write_text("kode\r\n1\r\n")
    manifest = folder / "SHA256SUMS"
    lines = [f"{sha256_file(folder / 'data.csv')}  data.csv" if line.endswith("  data.csv") else line
             for line in manifest.read_text().splitlines()]
    manifest.write_text("\n".join(lines) + "\n")
    result = verify_site(workspace, store(workspace))
    assert any("data.csv" in c for c in result.changed) and not result.ok
    # the manifest itself is anchored outside its folder, in the record of issued versions
    assert any("SHA256SUMS" in c and "issued" in c for c in result.changed)


def test_withdrawing_the_latest_never_reuses_its_number(workspace):
    publish(workspace, apbd_rows())
    publish(workspace, apbd_rows(dinkes=2_000_000))
    withdraw(workspace, "apbd", "1.1.0", "typo in Dinas Kesehatan")
    fixed = publish(workspace, apbd_rows(dinkes=1_200_000))
    assert (fixed.version, fixed.change) == ("1.2.0", "minor")
    changes = json.loads((fixed.path / "changes.json").read_text())
    assert changes["from"] == "1.0.0" and changes["changed"] == 1  # compared with what readers had: 1.0.0
    assert [r["version"] for r in list_releases(workspace, "apbd")] == ["1.0.0", "1.1.0", "1.2.0"]
    assert latest_release(workspace, "apbd")["version"] == "1.2.0"
    assert verify_site(workspace, store(workspace)).ok


def test_a_tombstone_is_not_rewritten(workspace):
    publish(workspace, apbd_rows())
    withdraw(workspace, "apbd", "1.0.0", "first reason")
    with pytest.raises(ValueError, match="already withdrawn"):
        withdraw(workspace, "apbd", "1.0.0", "second reason")
    assert list_releases(workspace, "apbd")[0]["withdrawn"]["reason"] == "first reason"


def test_schema_change_keeps_the_slices_the_file_does_not_cover(workspace):
    import pyarrow.parquet as pq

    publish(workspace, apbd_rows("murni"))
    publish(workspace, apbd_rows("perubahan", dinkes=1_200_000))
    redeclare(workspace, "apbd", lambda doc: doc["resources"][0]["schema"]["fields"].append(field("catatan")))
    table = apbd_rows("murni").append_column("catatan", pa.array(["baru", None]))
    result = publish(workspace, table)
    assert (result.version, result.change) == ("2.0.0", "major")
    data = pq.read_table(result.path / "data.parquet")
    assert sorted(set(data.column("tahap").to_pylist())) == ["murni", "perubahan"]  # perubahan carried over
    assert data.num_rows == 4 and "catatan" in data.column_names
    changes = json.loads((result.path / "changes.json").read_text())
    assert changes["from"] == "1.1.0" and (changes["added"], changes["removed"], changes["changed"]) == (0, 0, 1)
    assert changes["dropped"] is None


def test_schema_change_is_a_major_version(workspace):
    publish(workspace, apbd_rows())

    def retype(doc):
        doc["resources"][0]["schema"]["fields"][-1]["type"] = "integer"  # dasar_hukum becomes a number
        doc["resources"][0]["schema"]["foreignKeys"] = doc["resources"][0]["schema"]["foreignKeys"][:1]
    redeclare(workspace, "apbd", retype)
    table = apbd_rows().drop_columns(["dasar_hukum"]).append_column("dasar_hukum", pa.array([1, 2]))
    result = publish(workspace, table)
    assert result.version == "2.0.0"
    changes = json.loads((result.path / "changes.json").read_text())
    # "perda-2023-12" cannot become a number: nothing is carried, and the diff says what readers lose
    assert "dasar_hukum" in changes["dropped"] and changes["from"] == "1.0.0" and changes["changed"] == 2


def test_metadata_only_change_is_a_patch(workspace):
    publish(workspace, apbd_rows())
    redeclare(workspace, "apbd", lambda doc: doc.update(description=doc["description"] + " Diperbarui."))
    assert publish(workspace, apbd_rows()).version == "1.0.1"


def test_published_datapackage_is_valid_for_frictionless(workspace):
    import frictionless

    result = publish(workspace, apbd_rows())
    report = frictionless.validate(str(result.path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_recovery_on_a_healthy_site_writes_nothing(workspace):
    from publish.releases import recover_all

    publish(workspace, apbd_rows())
    before = {p: p.stat().st_mtime_ns for p in workspace.releases.rglob("*")}
    recover_all(workspace)
    assert {p: p.stat().st_mtime_ns for p in workspace.releases.rglob("*")} == before


def test_a_workspace_from_before_the_store_keeps_its_history(workspace):
    """Versions that lived only in site/datasets/ are adopted into the store: the next publish is 1.1.0,
    not a second, different 1.0.0."""
    import shutil

    from publish.promote import build_preview, promote
    from publish.verify import verify_all

    publish(workspace, apbd_rows())
    legacy = workspace.site / "datasets" / "apbd"
    legacy.parent.mkdir(parents=True)
    shutil.move(str(store(workspace) / "datasets" / "apbd"), legacy)
    (legacy / "1.0.0" / "index.html").write_text("<p>old page</p>")
    assert list_releases(workspace, "apbd") == []
    result = publish(workspace, apbd_rows(dinkes=3_000_000))
    assert (result.version, result.change) == ("1.1.0", "minor")
    assert not (store(workspace) / "datasets/apbd/1.0.0/index.html").exists()  # pages are not release files
    build_preview(workspace)
    promote(workspace)
    assert verify_all(workspace).ok
    assert (workspace.site / "datasets/apbd/latest").resolve().name == "1.1.0"


def test_concurrent_publishes_are_serialised_into_distinct_versions(workspace):
    """Four publishes at once (flock is per open file, so threads contend like processes): each gets its own
    version, none is lost or half-written, and a lock file left behind by a dead process blocks nobody."""
    from concurrent.futures import ThreadPoolExecutor

    lock = workspace.state / "locks" / "apbd.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("99999999\n")  # what a killed publisher leaves: the file, never the lock itself
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: publish(workspace, apbd_rows(dinkes=1_000_000 + n)), range(4)))
    versions = sorted(r.version for r in results)
    assert versions == ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]
    chain = [(r["previous"], r["version"]) for r in list_releases(workspace, "apbd")]
    assert chain == [(None, "1.0.0"), ("1.0.0", "1.1.0"), ("1.1.0", "1.2.0"), ("1.2.0", "1.3.0")]
    assert verify_site(workspace, store(workspace)).ok


def test_withdraw_names_a_real_version_and_a_reason(workspace):
    publish(workspace, apbd_rows())
    with pytest.raises(FileNotFoundError, match="not an alias"):
        withdraw(workspace, "apbd", "latest", "typo")
    with pytest.raises(ValueError, match="reason"):
        withdraw(workspace, "apbd", "1.0.0", "  ")
    assert list_releases(workspace, "apbd")[0]["withdrawn"] is None


def test_after_every_version_is_withdrawn_new_data_is_a_minor_version(workspace):
    publish(workspace, apbd_rows())
    withdraw(workspace, "apbd", "1.0.0", "wrong file")
    again = publish(workspace, apbd_rows(dinkes=7))
    assert (again.version, again.change) == ("1.1.0", "minor")
