"""Dagster runs on a real workspace: a failing blocking check stops the release, the sensor dedups by hash."""


import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.headless import Runner, read_result
from publish.releases import list_releases
from tests.support import WILAYAH, drop

GOOD = WILAYAH
BAD = GOOD + "32.61.01,Lain,Kecamatan,32.61\n"  # parent 32.61 does not exist: a foreign-key error


def events(result, kind):
    return [e for e in result.all_events if e.event_type_value == kind]


def test_a_rejected_file_leaves_clean_release_and_portal_as_they_were(workspace):
    runner = Runner(workspace)
    drop(workspace, "good.csv", GOOD)
    assert runner.run_dataset("wilayah", "inbox/wilayah/good.csv").success
    assert runner.run_portal().success
    index = (workspace.site / "index.html").read_bytes()

    drop(workspace, "bad.csv", BAD)
    run = runner.run_dataset("wilayah", "inbox/wilayah/bad.csv", with_portal=True)
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
              for e in events(run, "ASSET_CHECK_EVALUATION")}
    assert {name: c.passed for name, c in checks.items()} == {
        "structure": False, "business_rules": True, "personal_data": True}
    report = checks["structure"].metadata["report"].value  # the whole report, readable in the UI
    assert "32.61" in report and "How to fix" in report and "Cara memperbaiki" in report
    materialized = {e.asset_key.to_user_string() for e in events(run, "ASSET_MATERIALIZATION")}
    assert not materialized & {"wilayah/raw", "wilayah/clean", "wilayah/release"}
    [seen] = events(run, "ASSET_OBSERVATION")  # the file was received, and turned down
    assert seen.asset_key.to_user_string() == "wilayah/raw" and "rejected" in seen.event_specific_data.asset_observation.description
    assert not events(run, "STEP_FAILURE")  # the officer's data problem is not a failure of the system
    assert run.dagster_run.tags["terbuka/outcome"] == "rejected"
    latest = runner.instance.get_latest_materialization_event(dg.AssetKey(["wilayah", "release"]))
    assert latest.asset_materialization.metadata["version"].value == "1.0.0"  # the release shows what is live
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert (workspace.site / "index.html").read_bytes() == index
    [folder] = list((workspace.quarantine / "wilayah").glob("*-*"))
    assert (folder / "bad.csv").read_text() == BAD
    assert (folder / "report.json").is_file() and "Berkas ditolak" in (folder / "report.html").read_text()
    assert not (workspace.inbox / "wilayah" / "bad.csv").exists()
    result = read_result(run)
    assert result.exit_code == 1 and result.outcomes[0]["status"] == "rejected"
    assert "32.61" in result.outcomes[0]["message_en"] and "report.html" in result.outcomes[0]["message_en"]


def test_the_release_cannot_be_selected_without_its_checks(workspace):
    """raw, clean and release are one step (can_subset=False): Dagster refuses a selection that would
    release without running the blocking checks."""
    defs = build_definitions(workspace)
    drop(workspace, "bad.csv", BAD)
    with pytest.raises(dg.DagsterInvalidSubsetError, match="does not support subsetting"):
        defs.resolve_job_def("wilayah_job").execute_in_process(
            instance=Runner(workspace, defs=defs).instance, raise_on_error=False,
            asset_selection=[dg.AssetKey(["wilayah", "release"])])
    assert list_releases(workspace, "wilayah") == []


def test_a_run_refuses_bytes_other_than_the_ones_it_was_started_for(workspace):
    path = drop(workspace, "good.csv", GOOD)
    seen = "0" * 64  # what the sensor hashed before the file was replaced under the same name
    result = read_result(Runner(workspace).run_dataset("wilayah", "inbox/wilayah/good.csv", sha256=seen))
    assert result.outcomes[0]["status"] == "changed" and "other bytes" in result.outcomes[0]["cause_en"]
    assert path.exists() and list_releases(workspace, "wilayah") == []  # left for the sensor, nothing done


def test_every_materialization_carries_what_an_officer_reads(workspace):
    """Row count, column schema, a preview, the validation summary, the version and its URL, the source."""
    drop(workspace, "good.csv", GOOD)
    run = Runner(workspace).run_dataset("wilayah", "inbox/wilayah/good.csv")
    assert run.success
    meta = {e.asset_key.to_user_string(): e.materialization.metadata for e in run.get_asset_materialization_events()}
    raw, clean, release = meta["wilayah/raw"], meta["wilayah/clean"], meta["wilayah/release"]
    assert raw["files"].value == "good.csv" and len(raw["sha256"].value) == 64
    assert clean["dagster/row_count"].value == 2 and (clean["errors"].value, clean["warnings"].value) == (0, 0)
    columns = [c.name for c in clean["dagster/column_schema"].schema.columns]
    assert columns[:2] == ["kode", "nama"]
    assert "KABUPATEN SUKAMAJU" in clean["preview"].value
    assert release["version"].value == "1.0.0" and release["url"].value.endswith("/datasets/wilayah/1.0.0/")
    assert release["source_files"].value == "good.csv" and release["release_rows"].value == 2
    [outcome] = release["terbuka/outcome"].value
    assert (outcome["status"], outcome["exit_code"], outcome["version"]) == ("published", 0, "1.0.0")
    checks = [e.asset_check_evaluation_data for e in events(run, "ASSET_CHECK_EVALUATION")]
    assert {c.check_name: c.metadata["errors"].value for c in checks} == {
        "structure": 0, "business_rules": 0, "personal_data": 0}
