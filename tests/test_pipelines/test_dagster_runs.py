"""Dagster runs on a real workspace: a failing blocking check stops the release, the sensor dedups by hash."""

import os
import time

import dagster as dg

from assets.factory import TerbukaResource
from pipelines.definitions import build_definitions
from pipelines.headless import instance_for, run_file, run_portal
from publish.releases import list_releases

GOOD = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"
BAD = GOOD + "32.61.01,Lain,Kecamatan,32.61\n"  # parent 32.61 does not exist: a foreign-key error


def drop(ws, name, text):
    path = ws.inbox / "wilayah" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    old = time.time() - 60
    os.utime(path, (old, old))  # settled, as if copied a minute ago
    return path


def test_failing_blocking_check_leaves_release_and_portal_untouched(workspace):
    defs = build_definitions(workspace)
    instance = instance_for(workspace)
    drop(workspace, "good.csv", GOOD)
    assert run_file(workspace, "wilayah", "wilayah/good.csv", defs=defs, instance=instance).success
    assert run_portal(workspace, defs=defs, instance=instance).success
    index = (workspace.site / "index.html").read_bytes()

    drop(workspace, "bad.csv", BAD)
    result = run_file(workspace, "wilayah", "wilayah/bad.csv", defs=defs, instance=instance, with_portal=True)
    assert not result.success
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks == {"structure": False, "business_rules": True, "personal_data": True}
    materialized = {e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert "wilayah/release" not in materialized and "portal" not in materialized
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert (workspace.site / "index.html").read_bytes() == index
    [folder] = list((workspace.quarantine / "wilayah").glob("*-*"))
    assert (folder / "bad.csv").read_text() == BAD
    assert (folder / "report.json").is_file() and "Berkas ditolak" in (folder / "report.html").read_text()
    assert not (workspace.inbox / "wilayah" / "bad.csv").exists()


def test_release_alone_fails_closed_when_the_blocking_check_is_not_in_the_run(workspace):
    """Blocking checks only stop downstream steps of the same run: running the release asset on its own
    would skip the check entirely, so the release asset re-checks the report and refuses."""
    defs = build_definitions(workspace)
    instance = instance_for(workspace)
    drop(workspace, "bad.csv", BAD)
    first = run_file(workspace, "wilayah", "wilayah/bad.csv", defs=defs, instance=instance)
    assert not first.success
    job = defs.resolve_job_def("wilayah_job")
    alone = job.execute_in_process(instance=instance, raise_on_error=False,
                                   asset_selection=[dg.AssetKey(["wilayah", "release"])])
    assert not alone.success
    failure = next(e for e in alone.all_events if e.event_type_value == "STEP_FAILURE")
    assert "nothing was released" in str(failure.event_specific_data.error.message)
    assert list_releases(workspace, "wilayah") == []


def test_sensor_requests_one_run_per_new_file_and_none_for_the_same_bytes(workspace):
    defs = build_definitions(workspace)
    sensor = defs.resolve_sensor_def("inbox_sensor")
    resources = {"terbuka": TerbukaResource(workspace_dir=str(workspace.root))}
    drop(workspace, "good.csv", GOOD)
    with dg.build_sensor_context(resources=resources) as context:
        first = sensor(context)
        cursor = context.cursor
    assert len(first) == 1 and first[0].job_name == "wilayah_job"
    assert first[0].run_config["ops"]["wilayah__raw"]["config"]["file"] == "wilayah/good.csv"
    with dg.build_sensor_context(resources=resources, cursor=cursor) as context:
        assert isinstance(sensor(context), dg.SkipReason)
    drop(workspace, "copy-of-good.csv", GOOD)  # same bytes under another name
    with dg.build_sensor_context(resources=resources, cursor=cursor) as context:
        assert isinstance(sensor(context), dg.SkipReason)
    drop(workspace, "changed.csv", GOOD + "32.60.01,Sukamaju,Kecamatan,32.60\n")
    with dg.build_sensor_context(resources=resources, cursor=cursor) as context:
        assert len(sensor(context)) == 1


def test_sensor_waits_for_a_file_still_being_copied(workspace):
    defs = build_definitions(workspace)
    sensor = defs.resolve_sensor_def("inbox_sensor")
    path = workspace.inbox / "wilayah" / "fresh.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD)  # modified just now
    (workspace.inbox / "wilayah" / "big.csv.part").write_text(GOOD)
    with dg.build_sensor_context(resources={"terbuka": TerbukaResource(workspace_dir=str(workspace.root))}) as ctx:
        assert isinstance(sensor(ctx), dg.SkipReason)


def test_every_materialization_carries_what_an_officer_reads(workspace):
    """Row count, column schema, a preview, the validation summary, the version and its URL, the source."""
    drop(workspace, "good.csv", GOOD)
    result = run_file(workspace, "wilayah", "wilayah/good.csv")
    assert result.success
    meta = {e.asset_key.to_user_string(): e.materialization.metadata
            for e in result.get_asset_materialization_events()}
    raw, clean, release = meta["wilayah/raw"], meta["wilayah/clean"], meta["wilayah/release"]
    assert raw["files"].value == "good.csv" and len(raw["sha256"].value) == 64
    assert clean["dagster/row_count"].value == 2 and (clean["errors"].value, clean["warnings"].value) == (0, 0)
    columns = [c.name for c in clean["dagster/column_schema"].schema.columns]
    assert columns[:2] == ["kode", "nama"]
    assert "KABUPATEN SUKAMAJU" in clean["preview"].value
    assert release["version"].value == "1.0.0" and release["url"].value.endswith("/datasets/wilayah/1.0.0/")
    assert release["source_files"].value == "good.csv" and release["release_rows"].value == 2
    checks = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert {c.check_name: c.metadata["errors"].value for c in checks} == {
        "structure": 0, "business_rules": 0, "personal_data": 0}
