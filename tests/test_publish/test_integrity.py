"""Nothing is built on damage, no number is issued twice, verify sees what was tampered with, and a failure
of the system says so (exit 3, the cause in words) without losing or half-publishing anything."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from publish.files import sha256_file
from publish.ledger import read_ledger
from publish.promote import build_preview, promote
from publish.releases import latest_release, list_releases
from publish.verify import verify_all
from tests.support import WILAYAH, take

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English

ROOT = Path(__file__).resolve().parents[2]


def version_of(name: str) -> str:
    return WILAYAH.replace("KABUPATEN SUKAMAJU", f"KABUPATEN SUKAMAJU {name}")


def invoke(*args):
    result = CliRunner(env=ENGLISH).invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def test_a_tampered_base_version_stops_the_next_publish(workspace, tmp_path):
    assert take(workspace, "wilayah", version_of("A"), "a.csv").release.version == "1.0.0"
    stored = workspace.releases / "datasets/wilayah/1.0.0/data.parquet"
    table = pq.read_table(stored)
    names = table.column("nama").to_pylist()
    names[1] = "DIUBAH DIAM-DIAM"
    pq.write_table(table.set_column(1, "nama", pa.array(names)), stored)

    path = tmp_path / "b.csv"
    path.write_text(version_of("B"))
    result = invoke("publish", "wilayah", path, "--workspace", workspace.root)
    assert result.exit_code == 3, result.output
    assert "release store is damaged" in result.output and "1.0.0/data.parquet" in result.output
    assert "nothing was published" in result.output
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert any("data.parquet" in c for c in verify_all(workspace).changed)


def test_a_deleted_version_folder_never_leads_to_a_reused_number(workspace):
    take(workspace, "wilayah", version_of("A"), "a.csv")
    take(workspace, "wilayah", version_of("B"), "b.csv")
    build_preview(workspace)
    promote(workspace)
    served = sha256_file(workspace.site / "datasets/wilayah/1.1.0/data.csv")
    shutil.rmtree(workspace.releases / "datasets/wilayah/1.1.0")
    result = verify_all(workspace)
    assert any("1.1.0/ (issued, now gone)" in m for m in result.missing)

    again = take(workspace, "wilayah", version_of("C"), "c.csv")
    assert again.release.version == "1.2.0"  # 1.1.0 was issued once: it is never issued again
    assert sha256_file(workspace.site / "datasets/wilayah/1.1.0/data.csv") == served


def test_verify_sees_what_an_editor_could_change_by_hand(workspace):
    take(workspace, "wilayah", version_of("A"), "a.csv")
    take(workspace, "wilayah", version_of("B"), "b.csv")
    build_preview(workspace)
    promote(workspace)
    assert verify_all(workspace).ok
    store = workspace.releases / "datasets/wilayah"

    link = workspace.site / "datasets/wilayah/latest"
    os.remove(link)
    os.symlink("1.0.0", link)  # `latest` turned back to an older version
    assert any("latest -> 1.0.0" in b for b in verify_all(workspace).broken)
    os.remove(link)
    os.symlink("1.1.0", link)

    index = json.loads((store / "releases.json").read_text())
    saved = json.dumps(index)
    index["releases"][1]["rows"] = 999  # an edited row count
    (store / "releases.json").write_text(json.dumps(index))
    assert any("rows differ" in c for c in verify_all(workspace).changed)
    (store / "releases.json").write_text(saved)

    provenance = store / "1.1.0" / "provenance.json"
    original = provenance.read_bytes()
    provenance.write_text(provenance.read_text().replace("b.csv", "lain.csv"))
    manifest = store / "1.1.0" / "SHA256SUMS"
    manifest_before = manifest.read_bytes()
    manifest.write_text("".join(f"{sha256_file(store / '1.1.0' / line.split('  ')[1])}  {line.split('  ')[1]}\n"
                                for line in manifest.read_text().splitlines()))  # and its manifest re-hashed
    changed = verify_all(workspace).changed
    assert any("1.1.0/SHA256SUMS (differs from the record of issued versions" in c for c in changed)
    provenance.write_bytes(original)
    manifest.write_bytes(manifest_before)

    (workspace.site / "datasets/wilayah/.staging-0badc0de").mkdir()  # what a killed promotion leaves
    (workspace.site / ".index.html.123.tmp").write_text("half")
    extra = verify_all(workspace).extra
    assert any(".staging-0badc0de" in e for e in extra) and any(".index.html.123.tmp" in e for e in extra)
    promote(workspace)  # the next promotion removes them
    assert verify_all(workspace).ok


def test_a_damaged_ledger_is_reported_never_blocks_and_is_rebuilt(workspace):
    take(workspace, "wilayah", version_of("A"), "a.csv")
    rejected = take(workspace, "wilayah", WILAYAH + "32.61.01,Lain,Kecamatan,32.61\n", "bad.csv")
    assert rejected.status == "rejected"
    with workspace.ledger.open("a") as fh:
        fh.write('{"sha256": "half a line')  # a write cut short
    result = verify_all(workspace)
    assert any("ledger.jsonl line 3" in c and "rebuild-ledger" in c for c in result.changed)
    assert take(workspace, "wilayah", version_of("B"), "b.csv").status == "published"  # publishing goes on

    out = invoke("rebuild-ledger", "--workspace", workspace.root)
    assert out.exit_code == 0 and "3 entries" in out.output, out.output
    ledger = read_ledger(workspace)
    assert ledger.damaged == []
    assert sorted(e["outcome"] for e in ledger.entries.values()) == ["published", "published", "rejected"]
    assert verify_all(workspace).ok


def test_an_old_json_ledger_still_reads(workspace):
    (workspace.state / "ledger.json").write_text(json.dumps({"ab" * 32: {
        "dataset": "wilayah", "name": "old.csv", "accepted": True, "version": "1.0.0"}}))
    assert read_ledger(workspace).get("ab" * 32)["outcome"] == "published"
    (workspace.state / "ledger.json").write_text("{broken")
    assert any("ledger.json" in c for c in verify_all(workspace).changed)


@pytest.fixture
def small_site(workspace):
    """site/ on a filesystem of 8 MB the test mounts (root only; skipped where mounting is not allowed)."""
    workspace.site.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(workspace.site)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({mounted.stderr.strip() or 'not root'})")
    yield workspace
    subprocess.run(["umount", "-l", str(workspace.site)], check=False)


def test_a_full_disk_under_site_says_so_and_loses_nothing(small_site, tmp_path):
    workspace = small_site
    (workspace.site / "filler").write_bytes(os.urandom(8 * 1024 * 1024 - 64 * 1024))  # the public disk is nearly full
    path = tmp_path / "w.csv"
    path.write_text(WILAYAH)
    result = invoke("publish", "wilayah", path, "--workspace", workspace.root)
    assert result.exit_code == 3, result.output
    assert "no space left on the disk holding site/" in result.output and "B free" in result.output
    assert "tidak ada ruang tersisa" in result.output  # and in Indonesian
    # the version is safe in the store, recorded as published; the portal is told to try again
    assert latest_release(workspace, "wilayah")["version"] == "1.0.0"
    assert read_ledger(workspace).entries[sha256_file(path)]["outcome"] == "published"
    (workspace.site / "filler").unlink()
    assert invoke("build-site", "--workspace", workspace.root).exit_code == 0
    assert verify_all(workspace).ok


def test_a_full_disk_under_state_publishes_nothing_and_says_so(workspace, tmp_path):
    releases = workspace.releases
    releases.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(releases)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({mounted.stderr.strip() or 'not root'})")
    try:
        path = tmp_path / "w.csv"
        path.write_text(WILAYAH + "".join(f"32.60.{i:02d},Kecamatan {i} {'x' * 200},Kecamatan,32.60\n"
                                          for i in range(1, 90)))
        result = invoke("publish", "wilayah", path, "--workspace", workspace.root, "--json")
        doc = json.loads(result.output)
        assert result.exit_code == 3 and doc["exit_code"] == 3
        [outcome] = doc["outcomes"]
        assert outcome["status"] == "system" and "state/releases/" in outcome["cause_en"]
        assert "nothing was published" in outcome["cause_en"]
        assert list_releases(workspace, "wilayah") == []
        assert not list((releases / "datasets" / "wilayah").glob(".staging-*"))  # no half version left
    finally:
        subprocess.run(["umount", "-l", str(releases)], check=False)


def test_the_core_runs_with_dagster_unimportable(workspace):
    """assets/ (but the Dagster factory) and publish/ import no Dagster: one file through the whole path in a
    process where `import dagster` fails."""
    script = f"""
import sys
sys.modules["dagster"] = None  # any import of Dagster now raises ImportError
from pathlib import Path
from tests.support import WILAYAH, take
from publish.workspace import Workspace
ws = Workspace(Path({str(workspace.root)!r}))
outcome = take(ws, "wilayah", WILAYAH, "w.csv", )
assert outcome.status == "published", outcome.cause
bad = take(ws, "wilayah", WILAYAH + "32.61.01,Lain,Kecamatan,32.61\\n", "bad.csv")
assert bad.status == "rejected" and bad.quarantine.is_dir()
from assets import flow, inbox, calendar, validation, ingest, reading, expectations  # noqa
from publish import verify, promote, releases, portal  # noqa

print("ok", sorted(m for m in sys.modules if m.split(".")[0] == "dagster" and sys.modules[m] is not None))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok []"


def test_a_file_past_its_byte_limit_is_refused_unread_and_kept(workspace, tmp_path):
    source = workspace.schemas / "wilayah" / "source.json"
    doc = json.loads(source.read_text()) if source.is_file() else {}
    doc["limits"] = {"bytes": 1000}
    source.write_text(json.dumps(doc))
    big = tmp_path / "besar.csv"
    big.write_text(WILAYAH + "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1, 60)))
    result = invoke("publish", "wilayah", big, "--workspace", workspace.root, "--json")
    [outcome] = json.loads(result.output)["outcomes"]
    assert result.exit_code == 2 and outcome["status"] == "unusable"
    kept = workspace.root / outcome["quarantine"] / "besar.csv"
    assert kept.read_bytes() == big.read_bytes()  # nothing lost, though it was never parsed
    validated = invoke("validate", "wilayah", big, "--workspace", workspace.root, "--json")
    assert validated.exit_code == 2 and "1000" in validated.output.replace(".", "").replace(",", "")
