"""Fiscal-year partitions: a file for one year re-processes that year only; backfills re-check a range."""

import json
import shutil

import dagster as dg
from click.testing import CliRunner

from assets.calendar import fiscal_years
from assets.factory import fiscal_year_partitions
from assets.validation import check_bytes
from pipelines.cli import cli
from pipelines.definitions import build_definitions
from pipelines.headless import Runner, read_result
from sample import generate_sample
from publish.files import sha256_file
from publish.releases import dataset_dir, list_releases
from tests.support import settle, take

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}  # an officer whose locale is English


def prepared(workspace, tmp_path):
    """Sample files generated aside; wilayah and peraturan published so apbd's foreign keys resolve."""
    sample = tmp_path / "sample"
    generate_sample(sample)
    for dataset in ("wilayah", "peraturan"):
        [path] = list((sample / dataset).iterdir())
        assert take(workspace, dataset, path.read_bytes(), path.name).accepted
    return sample


def drop(workspace, sample, name):
    target = workspace.inbox / "apbd" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample / "apbd" / name, target)
    settle(target)
    return workspace.rel(target)


def test_a_fiscal_year_becomes_a_partition_when_its_first_file_is_taken(workspace, tmp_path):
    """No year before the first published one is offered as 'missing': the years are the files' own."""
    sample = prepared(workspace, tmp_path)
    runner = Runner(workspace)
    assert runner.instance.get_dynamic_partitions(fiscal_year_partitions("apbd").name) == []
    assert runner.run_dataset("apbd", drop(workspace, sample, "APBD_2024_MURNI.xlsx"), "2024").success
    assert runner.instance.get_dynamic_partitions("apbd_fiscal_years") == ["2024"]
    assert set(runner.instance.get_dynamic_partitions("apbd_fiscal_years")) <= set(fiscal_years())


def test_a_year_is_processed_in_its_partition_and_leaves_other_years_untouched(workspace, tmp_path):
    sample = prepared(workspace, tmp_path)
    runner = Runner(workspace)
    first = runner.run_dataset("apbd", drop(workspace, sample, "APBD_2024_MURNI.xlsx"), "2024")
    assert first.success and first.dagster_run.tags.get("dagster/partition") == "2024"
    second = runner.run_dataset("apbd", drop(workspace, sample, "APBD_2025_MURNI.xlsx"), "2025")
    assert second.success and second.dagster_run.tags.get("dagster/partition") == "2025"
    root = dataset_dir(workspace, "apbd")
    assert [r["version"] for r in list_releases(workspace, "apbd")] == ["1.0.0", "1.1.0"]
    for name in ("data-2024.csv", "data-2024.parquet"):
        assert sha256_file(root / "1.0.0" / name) == sha256_file(root / "1.1.0" / name)
    assert (root / "1.1.0" / "data-2025.csv").is_file() and not (root / "1.0.0" / "data-2025.csv").exists()

    result = CliRunner(env=ENGLISH).invoke(cli, ["backfill", "apbd", "--from", "2024", "--to", "2025",
                                      "--workspace", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "apbd 2024:" in result.output and "unchanged" in result.output
    assert [r["version"] for r in list_releases(workspace, "apbd")] == ["1.0.0", "1.1.0"]  # nothing changed


def test_a_file_run_in_the_wrong_year_is_rejected_row_by_row(workspace, tmp_path):
    sample = prepared(workspace, tmp_path)
    rel = drop(workspace, sample, "APBD_2025_MURNI.xlsx")
    result = read_result(Runner(workspace).run_dataset("apbd", rel, "2024"))
    assert result.exit_code == 1 and result.run.dagster_run.tags["terbuka/outcome"] == "rejected"
    [check] = [e.asset_check_evaluation_data for e in result.run.all_events
               if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.check_name == "structure"]
    assert not check.passed and check.partition == "2024"  # the result names the fiscal year it was for
    assert list_releases(workspace, "apbd") == []
    [folder] = (workspace.quarantine / "apbd").glob("*-*")
    report = json.loads((folder / "report.json").read_text())
    [group] = [g for g in report["groups"] if g["type"] == "partition-mismatch"]
    assert group["count"] == report["rows"] > 200  # every row counted, past the kept examples


def test_a_year_before_the_first_partition_is_named_in_the_report(workspace):
    rows = "tahun,kode_wilayah,kode_skpd,nama_skpd,kode_indikator,indikator,satuan,target,realisasi\n"
    rows += "2013,32.60,1.02.0.00.0.00.01.0000,Dinas Kesehatan,IKU-01,Angka harapan hidup,tahun,70,71\n"
    checked = check_bytes(rows.encode(), "k.csv", workspace.declaration("kinerja"), {}, partition="2027")
    notes = [p.note for p in checked.report.problems if p.type == "partition-mismatch"]
    assert notes and "2015" in notes[0] and "2013" in notes[0]


def test_the_sensor_requests_the_files_fiscal_year(workspace, tmp_path):
    sample = prepared(workspace, tmp_path)
    drop(workspace, sample, "APBD_2025_MURNI.xlsx")
    sensor = build_definitions(workspace).resolve_sensor_def("inbox_sensor")
    with dg.build_sensor_context(resources={"terbuka": workspace}) as ctx:
        sensor(ctx)  # the first look
        cursor = ctx.cursor
    looks = json.loads(cursor)["looks"]
    for look in looks.values():
        look["since"] -= 3600  # an hour later, unchanged
    with dg.build_sensor_context(resources={"terbuka": workspace}, cursor=json.dumps({"looks": looks})) as ctx:
        result = sensor(ctx)
    [request] = result.run_requests
    assert (request.job_name, request.partition_key) == ("apbd_job", "2025")
    [added] = result.dynamic_partitions_requests  # the year becomes a partition with the run that needs it
    assert (added.partitions_def_name, list(added.partition_keys)) == ("apbd_fiscal_years", ["2025"])


def test_with_a_daemon_running_a_backfill_is_a_dagster_backfill(workspace, tmp_path):
    """What the Backfills tab lists: the dataset's three assets, the years asked for, submitted for the daemon
    (whose own machinery then runs it through the queue); without a daemon the years run in-process."""
    from pipelines.headless import daemon_running, submit_backfill

    runner = Runner(workspace)
    assert not daemon_running(runner.instance)  # none in tests: `terbuka backfill` runs the years here
    backfill_id = submit_backfill(runner, "apbd", ["2024", "2025"])
    [backfill] = runner.instance.get_backfills()
    assert backfill.backfill_id == backfill_id and backfill.status.value == "REQUESTED"
    targets = backfill.asset_backfill_data.target_subset
    assert sorted(k.to_user_string() for k in targets.asset_keys) == ["apbd/clean", "apbd/raw", "apbd/release"]
    assert sorted(targets.get_partitions_subset(dg.AssetKey(["apbd", "release"])).get_partition_keys()) == ["2024", "2025"]
