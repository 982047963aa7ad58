"""The change guard: a release that removes much of what it replaces, or codes other datasets refer to, is
held with its reasons in both languages until an officer confirms it, on the command line or in Dagster."""

import json

from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.headless import Runner, read_result
from publish.held import list_held
from publish.ledger import read_ledger
from publish.releases import list_releases
from tests.support import WILAYAH, drop, take

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English

REGION = WILAYAH + "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1, 21))
PERATURAN = ("id,kode_wilayah,jenis,nomor,tahun,judul,tanggal_penetapan,status\n"
             "perda-2023-12,32.60,Peraturan Daerah,12,2023,APBD 2024,2023-12-20,berlaku\n")


def invoke(*args):
    result = CliRunner(env=ENGLISH).invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def test_removing_a_code_other_datasets_use_is_held_then_confirmed(workspace, tmp_path):
    assert take(workspace, "wilayah", REGION, "wilayah.csv").status == "published"
    assert take(workspace, "peraturan", PERATURAN, "jdih.csv").status == "published"
    # the next file forgets the regency itself (and so all its districts): peraturan points at 32.60
    shrunk = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.61,KAB LAIN,Kabupaten,32\n"
    path = tmp_path / "wilayah_baru.csv"
    path.write_text(shrunk)
    held = invoke("publish", "wilayah", path, "--workspace", workspace.root)
    assert held.exit_code == 4, held.output
    assert "is held" in held.output
    assert "21 of the 22 rows it replaces" in held.output  # the share, with its base
    assert "32.60" in held.output and "peraturan" in held.output  # which code, who uses it
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]  # nothing published
    [record] = list_held(workspace)
    assert "ditahan" in record["message_id"] and "is held" in record["message_en"]  # both languages kept
    assert record["removal"]["references"] == [{"dataset": "peraturan", "field": "kode_wilayah", "rows": 1,
                                                "keys": ["32.60"]}]
    sha = record["sha256"]
    assert read_ledger(workspace).get(sha)["outcome"] == "held"
    assert not path.with_name("x").exists()

    confirmed = invoke("confirm", "wilayah", sha[:16], "--workspace", workspace.root)
    assert confirmed.exit_code == 0, confirmed.output
    assert "published version 1.1.0" in confirmed.output
    provenance = json.loads((workspace.releases / "datasets/wilayah/1.1.0/provenance.json").read_text())
    assert provenance["confirmed"] is True and provenance["source"]["sha256"] == sha
    assert list_held(workspace) == [] and read_ledger(workspace).get(sha)["outcome"] == "published"
    assert invoke("confirm", "wilayah", sha[:16], "--workspace", workspace.root).exit_code == 2  # nothing held


def test_a_truncated_budget_is_held_but_a_small_correction_goes_through(workspace):
    header = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"
    rows = [f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1, 41)]
    assert take(workspace, "wilayah", header + "".join(rows), "full.csv").status == "published"
    corrected = take(workspace, "wilayah", header + "".join(rows[:-2]), "fixed.csv")  # 2 of 42 rows: 4.8 %
    assert corrected.status == "published" and corrected.release.version == "1.1.0"
    truncated = take(workspace, "wilayah", header + "".join(rows[:20]), "half.csv")  # a copy cut short
    assert truncated.status == "held" and truncated.exit_code == 4
    said_id, said_en = truncated.cause
    assert "menghapus 18 dari 40 baris" in said_id and "removes 18 of the 40 rows it replaces (45.0%; limit 5%)" in said_en
    assert "terbuka confirm wilayah" in said_en and [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0", "1.1.0"]


def test_the_limit_is_declared_per_dataset(workspace):
    source = workspace.schemas / "wilayah" / "source.json"
    doc = json.loads(source.read_text()) if source.is_file() else {}
    doc["changeGuard"] = {"maxRemovedShare": 0.5}
    source.write_text(json.dumps(doc))
    header = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n"
    rows = [f"32.{i:02d},Kab {i},Kabupaten,32\n" for i in range(1, 11)]
    assert take(workspace, "wilayah", header + "".join(rows), "a.csv").status == "published"
    assert take(workspace, "wilayah", header + "".join(rows[:6]), "b.csv").status == "published"  # 4 of 11


def test_a_held_drop_in_dagster_says_why_and_the_confirmation_is_a_run(workspace):
    assert take(workspace, "wilayah", REGION, "wilayah.csv").status == "published"
    drop(workspace, "kecil.csv", WILAYAH)  # 20 of 22 rows gone
    runner = Runner(workspace)
    result = read_result(runner.run_dataset("wilayah", "inbox/wilayah/kecil.csv"))
    assert result.exit_code == 4 and result.run.dagster_run.tags["terbuka/outcome"] == "held"
    [seen] = [e for e in result.run.all_events if e.event_type_value == "ASSET_OBSERVATION"]
    assert "held, not published" in seen.event_specific_data.asset_observation.description
    assert not (workspace.inbox / "wilayah" / "kecil.csv").exists()  # kept under state/raw, recorded as held
    [record] = list_held(workspace)
    confirmed = read_result(runner.run_dataset("wilayah", confirm=record["sha256"][:16]))
    assert confirmed.exit_code == 0 and confirmed.outcomes[0]["version"] == "1.1.0"
