"""Execute the same Dagster graph without the UI: one run per file, then the portal; outcomes in words.

Runs started here go through the same jobs, steps and per-dataset lock as the runs the daemon launches,
and are tagged with this process, so a later start can mark them failed if it is killed."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from assets.calendar import fiscal_years
from assets.factory import DATASET_TAG, job_name, op_name, partition_key, regions_name, years_name
from assets.flow import EXIT_CODES, pick
from assets.inbox import file_away, partitions_for, past_limit, pending_files, unmatched_note
from assets.regions import split_by_region, unlisted_region
from pipelines.definitions import build_definitions
from pipelines.instance import instance_for, process_tags
from pipelines.options import UserError
from publish.files import copy_atomic, pid_alive
from publish.held import find_held
from publish.regions import served_regions
from publish.workspace import Workspace

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # the CLI prints its own summary in words


@dataclass
class Runner:
    """One workspace's Definitions and instance, built once per command and reused for all its runs."""

    workspace: Workspace
    defs: dg.Definitions = None
    instance: dg.DagsterInstance = None

    def __post_init__(self):
        self.instance = self.instance or instance_for(self.workspace)
        self.defs = self.defs or build_definitions(self.workspace)

    def run_dataset(self, dataset: str, file: str = "", year: str | None = None, sha256: str = "",
                    confirm: str = "", with_portal: bool = False, region: str | None = None) -> dg.ExecuteInProcessResult:
        """One run of a dataset's step (and the portal after it when asked) for one file, or for a year's
        files (a backfill) when no file is named; `region` too for a dataset split by region."""
        selection = [f"{dataset}/raw", f"{dataset}/clean", f"{dataset}/release"]
        if with_portal:
            selection += ["preview"] + (["portal"] if self.workspace.config.promotes_automatically else [])
        config = {"file": file, "sha256": sha256, "confirm": confirm}
        if year is not None:
            add_partitions(self.instance, years_name(dataset), [year])
        if region is not None:
            add_partitions(self.instance, regions_name(dataset), [region])
        key = partition_key(region is not None, year, region)
        return self.defs.resolve_job_def(job_name(dataset)).execute_in_process(
            run_config={"ops": {op_name(dataset): {"config": config}}, **QUIET},
            instance=self.instance, raise_on_error=False, partition_key=key,
            asset_selection=[dg.AssetKey.from_user_string(s) for s in selection],
            tags={DATASET_TAG: dataset, "terbuka/file": Path(file).name if file else "(backfill)", **process_tags()})

    def run_portal(self, promote: bool | None = None) -> dg.ExecuteInProcessResult:
        """Build the preview, and promote it to site/ when asked (default: the workspace's `promote` setting)."""
        if promote is None:
            promote = self.workspace.config.promotes_automatically
        keys = [dg.AssetKey(["preview"])] + ([dg.AssetKey(["portal"])] if promote else [])
        return self.defs.resolve_job_def("portal_job").execute_in_process(
            run_config=QUIET, instance=self.instance, raise_on_error=False, asset_selection=keys,
            tags=process_tags())

    def run_promote(self) -> dg.ExecuteInProcessResult:
        return self.defs.resolve_job_def("promote_job").execute_in_process(
            run_config=QUIET, instance=self.instance, raise_on_error=False, tags=process_tags())


def add_partitions(instance: dg.DagsterInstance, name: str, keys: list[str]) -> None:
    """Make fiscal years (or regions) partitions of a dataset before a run for them, as the sensor does."""
    new = [k for k in keys if not instance.has_dynamic_partition(name, k)]
    if new:
        instance.add_dynamic_partitions(name, new)


@dataclass
class Result:
    """What a run came to, read from its events: each file's outcome, then the portal and its verify check."""

    run: dg.ExecuteInProcessResult
    outcomes: list[dict] = field(default_factory=list)  # assets.flow.Outcome.summary() of each file
    failures: list[str] = field(default_factory=list)  # step failures no outcome explains (portal, bugs)
    verify: list[str] | None = None  # problems the verify check found (None: it did not run)

    @property
    def exit_code(self) -> int:
        codes = [o["exit_code"] for o in self.outcomes]
        if self.failures or self.verify or (not codes and not self.run.success):
            codes.append(EXIT_CODES["system"])
        return worst(codes)

    def lines(self, lang: str = "both") -> list[str]:
        """What happened, in words: "id", "en" or "both"."""
        out = [o.get(f"message_{lang}", o["message"]) for o in self.outcomes]
        out += self.failures
        if self.verify:
            out.append(f"verify: {pick(lang, 'ADA MASALAH', 'PROBLEMS FOUND')} — " + "; ".join(self.verify[:5]))
        return out


SEVERITY = [0, 1, 2, 4, 3]  # a failure of the system outweighs a held file, which outweighs a rejection


def worst(codes: list[int]) -> int:
    return max(codes, key=SEVERITY.index, default=0)


def read_result(run: dg.ExecuteInProcessResult) -> Result:
    result = Result(run)
    for event in run.all_events:
        if event.event_type_value in ("ASSET_MATERIALIZATION", "ASSET_OBSERVATION"):
            data = event.event_specific_data
            meta = (data.materialization if event.event_type_value == "ASSET_MATERIALIZATION"
                    else data.asset_observation).metadata
            if "terbuka/outcome" in meta:  # each event carries the outcomes of its own files
                result.outcomes += meta["terbuka/outcome"].value
        elif event.event_type_value == "STEP_FAILURE":
            data = event.step_failure_data
            meta = data.user_failure_data.metadata if data.user_failure_data else {}
            if "terbuka/outcome" in meta:
                result.outcomes += meta["terbuka/outcome"].value
            elif data.user_failure_data and data.user_failure_data.description:
                result.failures.append(f"{event.step_key}: {data.user_failure_data.description}")
            elif data.error is not None:
                result.failures.append(f"{event.step_key}: kesalahan internal / internal error: {_innermost(data.error)}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.asset_check_evaluation_data
            if check.check_name == "verify":
                text = check.metadata.get("first_problems")
                result.verify = [] if check.passed else [line[2:] for line in (text.value if text else "").splitlines()]
    return result


def _innermost(error) -> str:
    """The error that started it all (Dagster wraps a step's exception in its own)."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[0][:300] if error.message.strip() else error.cls_name or "?"


LEGACY_HANDOVER = ".publishing"  # where commands before the incoming folder placed their files, in inbox/


def clear_incoming(workspace: Workspace) -> None:
    """Remove files handed over by commands that were killed before their run read them."""
    shutil.rmtree(workspace.inbox / LEGACY_HANDOVER, ignore_errors=True)
    if workspace.incoming.is_dir():
        for folder in workspace.incoming.iterdir():
            pid = folder.name.split("-", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def publish_file(workspace: Workspace, dataset: str, path: Path, with_portal: bool = True,
                 runner: Runner | None = None) -> Result:
    """`terbuka publish`: the file is handed over under state/incoming/ and goes through the same Dagster run
    the sensor starts, so it shows in the UI and its release records the run id. Runs of one dataset take
    the dataset's lock in turn, whoever started them."""
    declaration = workspace.declaration(dataset)
    runner = runner or Runner(workspace)
    clear_incoming(workspace)
    folder = workspace.incoming / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    target = folder / path.name
    copy_atomic(path, target)  # streamed: a file past its limit is refused by the run, unread
    try:
        year = region = None
        if declaration.partition and not past_limit(declaration, target.stat().st_size):
            year, region = partitions_for(declaration, target, path.name,  # its first rows only
                                           regions_of(workspace, dataset))
            if region is None and regions_of(workspace, dataset):
                raise UserError(unlisted_region(workspace, path.name))
        return read_result(runner.run_dataset(dataset, workspace.rel(target), year, with_portal=with_portal,
                                              region=region))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def confirm_held(workspace: Workspace, dataset: str, sha256: str, with_portal: bool = True) -> Result | None:
    """Publish a file the change guard held, as an officer confirmed it (None: no such held file)."""
    held = find_held(workspace, dataset, sha256)
    if held is None:
        return None
    runner = Runner(workspace)
    region = None
    if regions_of(workspace, dataset):  # the region the held file is for, from its first rows
        raw = workspace.root / held["raw"]
        region = partitions_for(workspace.declaration(dataset), raw, raw.name,
                                regions_of(workspace, dataset))[1]
    return read_result(runner.run_dataset(dataset, year=held.get("year"), confirm=held["sha256"],
                                          with_portal=with_portal, region=region))


def regions_of(workspace: Workspace, dataset: str) -> list[str] | None:
    """The region codes a dataset is split by (None: it is not split by region)."""
    if not split_by_region(workspace, workspace.declaration(dataset)):
        return None
    return [r.kode for r in served_regions(workspace.config)]


def run_pending(workspace: Workspace, echo=print, lang: str = "both") -> int:
    """Every file waiting in inbox/, in dependency order then drop order, each in its own run; a file's
    failure is that file's outcome and the others go on. Returns the worst exit code."""
    runner = Runner(workspace)
    inbox = pending_files(workspace, settle=False)
    for dropped in inbox.unmatched:
        echo(f"{pick(lang, 'dilewati', 'skipped')} {unmatched_note(workspace, dropped)}")
    for rel, why in inbox.arriving.items():
        echo(f"{pick(lang, 'dilewati', 'skipped')} inbox/{rel}: {why}")
    for dropped in inbox.repeats:
        file_away(workspace, dropped, accepted=True)
        echo(f"{dropped.dataset}: {dropped.path.name} " + pick(
            lang, "sudah tayang (SHA-256 sama); dipindah ke arsip", "already published (same SHA-256); filed away"))
    code = 0
    for dropped in inbox.pending:
        if dropped.year and dropped.region is None and regions_of(workspace, dropped.dataset):
            echo(f"{pick(lang, 'dilewati', 'skipped')} {unlisted_region(workspace, dropped.path.name)}")
            continue
        run = runner.run_dataset(dropped.dataset, workspace.rel(dropped.path), dropped.year, sha256=dropped.sha256,
                                 region=dropped.region)
        result = read_result(run)
        for line in result.lines(lang) or [f"{dropped.dataset}: {dropped.path.name}: run {run.run_id[:8]} ended"]:
            echo(f"{line} (run {run.run_id[:8]})")
        code = worst([code, result.exit_code])
    portal = read_result(runner.run_portal())
    live = any(e.asset_key == dg.AssetKey(["portal"]) for e in portal.run.get_asset_materialization_events())
    where = "site/" + pick(lang, " (tayang)", " (live)") if live else f"{workspace.rel(workspace.preview)}/ " + pick(
        lang, "(pratinjau; tayangkan dengan `terbuka promote`)", "(preview; put it live with `terbuka promote`)")
    done = pick(lang, "dibangun ulang di ", "rebuilt in ") + where if portal.run.success and not portal.verify \
        else pick(lang, "GAGAL", "FAILED")
    echo(f"portal: {done} (run {portal.run.run_id[:8]})")
    for line in portal.lines(lang):
        echo(f"  {line}")
    return worst([code, portal.exit_code])


def backfill(workspace: Workspace, dataset: str, years: list[str], echo=print, lang: str = "both",
             runner: Runner | None = None) -> int:
    """Re-process a range of fiscal years here, one run each, then rebuild the portal; returns the worst exit
    code. (With a daemon running, `submit_backfill` makes it a Dagster backfill instead.)"""
    runner = runner or Runner(workspace)
    code = 0
    for year in years:
        for region in regions_of(workspace, dataset) or [None]:  # a dataset split by region: each region's year
            result = read_result(runner.run_dataset(dataset, year=year, region=region))
            said = "; ".join(result.lines(lang)) or pick(lang, "tidak ada yang diproses ulang", "nothing to re-process")
            echo(f"{dataset} {region + ' ' if region else ''}{year}: {said} (run {result.run.run_id[:8]})")
            code = worst([code, result.exit_code])
    portal = read_result(runner.run_portal())
    done = pick(lang, "dibangun ulang", "rebuilt") if portal.run.success else pick(lang, "GAGAL", "FAILED")
    echo(f"portal: {done} (run {portal.run.run_id[:8]})")
    return worst([code, portal.exit_code])


BACKFILL_DAEMON = "BACKFILL"
HEARTBEAT = 120.0  # seconds: a daemon heard from within this is running


def daemon_running(instance: dg.DagsterInstance) -> bool:
    """Whether a Dagster daemon for this instance is alive to run backfills (`terbuka dev`, or the service)."""
    beat = instance.get_daemon_heartbeats().get(BACKFILL_DAEMON)
    return bool(beat) and time.time() - beat.timestamp < HEARTBEAT


def submit_backfill(runner: Runner, dataset: str, years: list[str]) -> str:
    """A real Dagster backfill of the dataset's assets for these fiscal years, listed under Backfills in the UI
    and run by the daemon (through the run queue, one run of the dataset at a time); the portal follows
    through its automation. Returns the backfill id."""
    from dagster._core.execution.backfill import PartitionBackfill  # noqa: PLC0415 - lazy: Dagster internals
    from dagster._core.utils import make_new_backfill_id  # noqa: PLC0415 - lazy: Dagster internals

    keys = [dg.AssetKey([dataset, stage]) for stage in ("raw", "clean", "release")]
    add_partitions(runner.instance, years_name(dataset), years)
    names = years
    regions = regions_of(runner.workspace, dataset)
    if regions:  # a dataset split by region: every listed region's years (a region without files runs empty)
        add_partitions(runner.instance, regions_name(dataset), regions)
        names = [partition_key(True, year, region) for region in regions for year in years]
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(), asset_graph=runner.defs.resolve_asset_graph(), partition_names=names,
        asset_selection=keys, backfill_timestamp=time.time(), tags={DATASET_TAG: dataset, "terbuka/file": "(backfill)"},
        dynamic_partitions_store=runner.instance, all_partitions=False,
        title=f"{dataset} {years[0]}–{years[-1]}", description=f"terbuka backfill {dataset}", run_config=None)
    runner.instance.add_backfill(backfill)
    return backfill.backfill_id


def valid_years(first: int, last: int) -> tuple[list[str], list[str]]:
    """The fiscal years in a range that can be processed, and those that cannot."""
    keys = fiscal_years()
    wanted = [str(y) for y in range(first, last + 1)]
    return [y for y in wanted if y in keys], [y for y in wanted if y not in keys]
