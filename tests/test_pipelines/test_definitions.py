"""The Definitions load and the asset graph has the declared shape, compared with a golden snapshot.

The snapshot (golden/asset_graph.json) changes only on purpose: after a deliberate change to the graph,
regenerate it with `TERBUKA_UPDATE_GOLDEN=1 make test` and review the diff."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions, defs
from publish.workspace import Workspace

GOLDEN = Path(__file__).parent / "golden" / "asset_graph.json"


def graph_snapshot(definitions: dg.Definitions) -> dict:
    """What an officer sees of the graph: assets with group, upstream and partitioning, checks, jobs."""
    graph = definitions.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name, "upstream": sorted(p.to_user_string() for p in node.parent_keys),
            "partitions": f"{type(partitions).__name__} {getattr(partitions, 'name', '')}".strip() if partitions else None}
    return {
        "assets": assets,
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys),
        "jobs": {j.name: sorted(_job_assets(definitions, j.name)) for j in sorted(definitions.jobs, key=lambda j: j.name)},
        "sensors": sorted(s.name for s in definitions.sensors),
        "schedules": {s.name: [s.cron_schedule, s.execution_timezone, s.job_name] for s in definitions.schedules},
    }


def test_the_asset_graph_matches_its_golden_snapshot(workspace):
    snapshot = graph_snapshot(build_definitions(workspace))
    if os.environ.get("TERBUKA_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    assert snapshot == json.loads(GOLDEN.read_text()), "the asset graph changed: see this module's docstring"


def test_the_checks_sit_on_the_file_that_was_dropped_and_share_its_partitions(workspace):
    """They gate the release inside the one step (a failing check never releases), so Dagster's own
    `blocking` is not used: it would mark the live release as failed after the officer's data problem."""
    graph = build_definitions(workspace).resolve_asset_graph()
    for key in graph.asset_check_keys:
        if key.name != "verify":
            assert key.asset_key.path[-1] == "raw"
            spec = graph.get_check_spec(key)
            assert not spec.blocking
            assert spec.partitions_def == graph.get(key.asset_key).partitions_def


def _job_assets(definitions, name):
    return {k.to_user_string() for k in definitions.resolve_job_def(name).asset_layer.selected_asset_keys}


def test_with_manual_promotion_nothing_scheduled_or_sensed_promotes(workspace):
    config = json.loads(workspace.config_file.read_text())
    config["promote"] = "manual"
    workspace.config_file.write_text(json.dumps(config))
    manual = build_definitions(Workspace(workspace.root))
    schedule = next(iter(manual.schedules))
    for name in (schedule.job_name, "apbd_job", "wilayah_job"):
        assert "portal" not in _job_assets(manual, name) and "preview" in _job_assets(manual, name), name
    # the nightly run still verifies site/; a dataset run has nothing public to verify (and would run it first)
    assert "portal_verify" in manual.resolve_job_def(schedule.job_name).graph.node_names()
    assert "portal_verify" not in manual.resolve_job_def("apbd_job").graph.node_names()
    assert "portal" in _job_assets(manual, "promote_job")
    graph = manual.resolve_asset_graph()  # the automation that follows releases previews, never promotes
    assert graph.get(dg.AssetKey(["preview"])).automation_condition is not None
    assert graph.get(dg.AssetKey(["portal"])).automation_condition is None
    config["promote"] = "auto"
    workspace.config_file.write_text(json.dumps(config))
    assert "portal" in _job_assets(build_definitions(Workspace(workspace.root)), schedule.job_name)


def test_every_asset_has_a_description_and_group(workspace):
    graph = build_definitions(workspace).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and len(node.description) > 20
        assert node.group_name in ("apbd", "kinerja", "peraturan", "wilayah", "portal")


def test_the_code_location_loads_the_workspace_named_in_the_environment(workspace, monkeypatch):
    monkeypatch.setenv("TERBUKA_WORKSPACE", str(workspace.root))
    loaded = defs()
    assert isinstance(loaded, dg.Definitions)
    assert loaded.resources["terbuka"].root == workspace.root


def test_dagster_definitions_validate_passes_on_the_code_location(workspace):
    exe = Path(sys.executable).with_name("dagster")
    env = dict(os.environ, TERBUKA_WORKSPACE=str(workspace.root), DAGSTER_HOME=str(workspace.dagster_home))
    result = subprocess.run([str(exe), "definitions", "validate", "-m", "pipelines.definitions"],
                            env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful" in result.stderr + result.stdout
