"""Execute the same Dagster graph without the UI: one run per waiting file, then the portal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.sensors import raw_op_name
from publish.workspace import Workspace


QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # the CLI prints its own summary in words


def instance_for(workspace: Workspace) -> dg.DagsterInstance:
    """The workspace's own Dagster instance (SQLite under state/dagster), shared with `terbuka dev`."""
    workspace.ensure()
    return dg.DagsterInstance.from_config(str(workspace.dagster_home))


def run_file(workspace: Workspace, dataset: str, rel_path: str, defs: dg.Definitions | None = None,
             instance: dg.DagsterInstance | None = None, with_portal: bool = False):
    """Materialize raw -> clean -> release for one file in inbox/ (in its fiscal-year partition)."""
    from assets.factory import partition_for
    from publish.declarations import get_declaration

    path = workspace.inbox / rel_path
    year = partition_for(get_declaration(workspace, dataset), path.read_bytes(), path.name)
    return run_dataset(workspace, dataset, rel_path, year, defs, instance, with_portal)


def run_dataset(workspace: Workspace, dataset: str, rel_path: str = "", year: str | None = None,
                defs: dg.Definitions | None = None, instance: dg.DagsterInstance | None = None,
                with_portal: bool = False):
    """One run of a dataset's assets; without a file, a year's run re-processes that year (a backfill)."""
    defs = defs or build_definitions(workspace)
    job = defs.resolve_job_def(f"{dataset}_job")
    selection = [f"{dataset}/raw", f"{dataset}/clean", f"{dataset}/release"]
    if with_portal:
        from publish.config import promotes_automatically

        selection += ["preview"] + (["portal"] if promotes_automatically(workspace) else [])
    return job.execute_in_process(
        run_config={"ops": {raw_op_name(dataset): {"config": {"file": rel_path}}}, **QUIET},
        instance=instance or instance_for(workspace), raise_on_error=False, partition_key=year,
        asset_selection=[dg.AssetKey.from_user_string(s) for s in selection],
        tags={"terbuka/dataset": dataset, "terbuka/file": rel_path or "(backfill)"})


PUBLISHING = ".publishing"


@dataclass
class Published:
    """What one file published through the Dagster graph came to."""

    run: object  # the ExecuteInProcessResult
    entry: dict | None  # this drop's ledger entry (None when the run stopped before its checks)
    release: dict  # the release asset's metadata: version, unchanged, change, url

    @property
    def accepted(self) -> bool:
        return bool(self.run.success and self.entry and self.entry["accepted"])


def publish_file(workspace: Workspace, dataset: str, data: bytes, name: str, with_portal: bool = True) -> Published:
    """`terbuka publish`: the file goes through inbox/<dataset>/ and the same Dagster run the sensor starts, so
    it shows in the UI and its release records the run id."""
    from assets import stages
    from assets.factory import partition_for
    from publish.declarations import get_declaration
    from publish.files import sha256_bytes, write_atomic

    declaration = get_declaration(workspace, dataset)
    target = workspace.inbox / PUBLISHING / dataset / Path(name).name  # hidden: the sensor must not take it too
    if target.exists() and target.read_bytes() != data:
        target = target.with_name(f"{sha256_bytes(data)[:12]}-{target.name}")
    write_atomic(target, data)
    digest = sha256_bytes(data)
    before = stages.times_checked(stages.read_ledger(workspace).get(digest))
    result = run_dataset(workspace, dataset, str(target.relative_to(workspace.inbox)),
                         partition_for(declaration, data, target.name), with_portal=with_portal)
    entry = stages.entry_after(workspace, digest, before)
    release = {}
    for event in result.get_asset_materialization_events():
        if event.asset_key == dg.AssetKey([dataset, "release"]):
            release = {k: v.value for k, v in event.materialization.metadata.items()}
    return Published(result, entry, release)


def backfill(workspace: Workspace, dataset: str, years: list[str], echo=print) -> list[str]:
    """Re-process a range of fiscal years, one run each; returns the years whose run failed."""
    defs = build_definitions(workspace)
    instance = instance_for(workspace)
    failed = []
    for year in years:
        result = run_dataset(workspace, dataset, "", year, defs, instance)
        release = next((e.materialization.metadata for e in result.get_asset_materialization_events()
                        if e.asset_key == dg.AssetKey([dataset, "release"])), None)
        if not result.success:
            failed.append(year)
        label = "nothing to re-process"
        if release:
            version = release["version"].value
            label = f"unchanged, still {version}" if release["unchanged"].value else f"version {version}"
        echo(f"{dataset} {year}: {'ok' if result.success else 'FAILED'} ({label}; run {result.run_id[:8]})")
    return failed


def run_portal(workspace: Workspace, defs: dg.Definitions | None = None, instance=None,
               promote: bool | None = None):
    """Build the preview, and promote it to site/ when asked (default: the workspace's `promote` setting)."""
    from publish.config import promotes_automatically

    defs = defs or build_definitions(workspace)
    if promote is None:
        promote = promotes_automatically(workspace)
    keys = [dg.AssetKey(["preview"])] + ([dg.AssetKey(["portal"])] if promote else [])
    return defs.resolve_job_def("portal_job").execute_in_process(
        run_config=QUIET, instance=instance or instance_for(workspace), raise_on_error=False, asset_selection=keys)


def run_promote(workspace: Workspace, defs: dg.Definitions | None = None, instance=None):
    defs = defs or build_definitions(workspace)
    return defs.resolve_job_def("promote_job").execute_in_process(
        run_config=QUIET, instance=instance or instance_for(workspace), raise_on_error=False)


def run_pending(workspace: Workspace, echo=print) -> list[str]:
    """Every file waiting in inbox/, in dependency order; returns the names that were rejected."""
    from assets import stages

    defs = build_definitions(workspace)
    instance = instance_for(workspace)
    inbox = stages.pending_files(workspace, settle=False)
    for dropped in inbox.unmatched:
        echo(f"skipped {stages.unmatched_note(workspace, dropped)}")
    for dropped in inbox.repeats:
        stages.file_away(workspace, dropped, accepted=True)
        echo(f"{dropped.dataset}: {dropped.path.name} already published (same SHA-256); filed away")
    failures = []
    for dropped in inbox.pending:
        name, dataset = dropped.path.name, dropped.dataset
        rel = str(dropped.path.relative_to(workspace.inbox))
        result = run_dataset(workspace, dataset, rel, dropped.year, defs=defs, instance=instance)
        entry = stages.entry_after(workspace, dropped.sha256, dropped.checked)
        if result.success and entry and entry["accepted"]:
            echo(f"{dataset}: {name} -> version {entry['version']} (run {result.run_id[:8]})")
        else:
            failures.append(name)
            echo(f"{dataset}: {name} REJECTED (run {result.run_id[:8]}){why_rejected(workspace, entry, result)}")
    portal = run_portal(workspace, defs=defs, instance=instance)
    live = any(e.asset_key == dg.AssetKey(["portal"]) for e in portal.get_asset_materialization_events())
    where = "site/ (live)" if live else f"{workspace.preview} (preview; put it live with `terbuka promote`)"
    echo(f"portal: {'rebuilt in ' + where if portal.success else 'FAILED'} (run {portal.run_id[:8]})")
    if not portal.success:
        failures.append("portal")
    return failures


def why_rejected(workspace: Workspace, entry: dict | None, result) -> str:
    """The rejection in words: the error count, the first problem (Indonesian / English), the report."""
    if not entry or not entry.get("quarantine"):
        failure = next((e.event_specific_data.error.message.strip() for e in result.all_events
                        if e.event_type_value == "STEP_FAILURE" and e.event_specific_data.error), "")
        return f": {failure.splitlines()[0][:300]}" if failure else ""
    folder = workspace.root / entry["quarantine"]
    report = json.loads((folder / "report.json").read_text())
    first = next((g for g in report["groups"] if g["severity"] == "error"), None)
    said = f" — {first['note_id']} / {first['note']}" if first else ""
    example = first["examples"][0] if first and first["examples"] else None
    if example and example.get("row"):
        said += f" (baris / row {example['row']}" + (f", {example['field']}" if example.get("field") else "")
        said += (f" = {example['value']!r})" if example.get("value") is not None else ")")
    return f": {report['errors']} kesalahan / errors{said}\n    report: {entry['quarantine']}/report.html"
