"""The Definitions load and the asset graph has the declared shape (a snapshot of keys, checks and wiring)."""

import dagster as dg

from pipelines.definitions import build_definitions

EXPECTED_ASSETS = sorted(
    [f"{d}/{stage}" for d in ("apbd", "kinerja", "peraturan", "wilayah") for stage in ("raw", "clean", "release")]
    + ["portal", "preview"])


def test_definitions_load_with_the_declared_graph(workspace):
    defs = build_definitions(workspace)
    graph = defs.resolve_asset_graph()
    keys = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
    assert keys == EXPECTED_ASSETS
    checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    assert checks == sorted([f"{d}/clean:{n}" for d in ("apbd", "kinerja", "peraturan", "wilayah")
                             for n in ("business_rules", "personal_data", "structure")] + ["portal:verify"])
    parents = {k.to_user_string(): sorted(p.to_user_string() for p in graph.get(k).parent_keys)
               for k in graph.get_all_asset_keys()}
    assert parents["apbd/clean"] == ["apbd/raw", "peraturan/release", "wilayah/release"]
    assert parents["kinerja/clean"] == ["apbd/release", "kinerja/raw", "wilayah/release"]
    assert parents["apbd/release"] == ["apbd/clean"]
    assert parents["preview"] == sorted(f"{d}/release" for d in ("apbd", "kinerja", "peraturan", "wilayah"))
    assert parents["portal"] == ["preview"]
    partitioned = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).partitions_def}
    assert partitioned == {f"{d}/{s}" for d in ("apbd", "kinerja") for s in ("raw", "clean", "release")}
    years = graph.get(dg.AssetKey(["apbd", "release"])).partitions_def.get_partition_keys()
    assert years[0] == "2015" and {"2024", "2025"} <= set(years)
    assert {j.name for j in defs.jobs} >= {"apbd_job", "portal_job", "promote_job"}
    assert {s.name for s in defs.sensors} == {"inbox_sensor"}
    schedule = next(iter(defs.schedules))
    assert schedule.execution_timezone == "Asia/Jakarta"


def _job_assets(defs, name):
    job = defs.resolve_job_def(name)
    return {k.to_user_string() for k in job.asset_layer.selected_asset_keys}


def test_with_manual_promotion_nothing_scheduled_or_sensed_promotes(workspace):
    import json

    config = json.loads(workspace.config_file.read_text())
    config["promote"] = "manual"
    workspace.config_file.write_text(json.dumps(config))
    defs = build_definitions(workspace)
    schedule = next(iter(defs.schedules))
    for name in (schedule.job_name, "apbd_job", "wilayah_job"):
        assert "portal" not in _job_assets(defs, name) and "preview" in _job_assets(defs, name), name
    # the nightly run still verifies site/; a dataset run has nothing public to verify (and would run it first)
    assert "portal_verify" in defs.resolve_job_def(schedule.job_name).graph.node_names()
    assert "portal_verify" not in defs.resolve_job_def("apbd_job").graph.node_names()
    assert "portal" in _job_assets(defs, "promote_job")
    config["promote"] = "auto"
    workspace.config_file.write_text(json.dumps(config))
    assert "portal" in _job_assets(build_definitions(workspace), schedule.job_name)


def test_every_asset_has_a_description_and_group(workspace):
    graph = build_definitions(workspace).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and len(node.description) > 20
        assert node.group_name in ("apbd", "kinerja", "peraturan", "wilayah", "portal")


def test_module_level_defs_is_a_definitions_loader():
    from pipelines import definitions

    assert isinstance(definitions.defs, (dg.Definitions,)) or callable(definitions.defs)


def test_dagster_definitions_validate_passes_on_the_code_location(workspace):
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("dagster")
    env = dict(os.environ, TERBUKA_WORKSPACE=str(workspace.root), DAGSTER_HOME=str(workspace.dagster_home))
    result = subprocess.run([str(exe), "definitions", "validate", "-m", "pipelines.definitions"],
                            env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful" in result.stderr + result.stdout
