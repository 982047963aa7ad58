"""The inbox sensor: each complete new file in inbox/ (or inbox/<dataset>/) starts one run for its dataset."""

import json

import dagster as dg

from assets.factory import DATASET_TAG, job_name, op_name, years_name
from assets.inbox import Dropped, file_away, pending_files, unmatched_note
from pipelines.instance import fail_dead_runs
from publish.workspace import Workspace

DROP_TAG = "terbuka/drop"  # names the drop a run is for (Dropped.drop): how the sensor finds a drop's runs
MAX_RETRIES = 3  # runs asked again for one drop whose run ended before its checks, before an officer must look
ENDED_EARLY = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def run_request(ws: Workspace, dropped: Dropped, run_key: str | None = None) -> dg.RunRequest:
    """One run of the file's dataset job, in its fiscal year, keyed by this drop (or a retry of it); the run
    refuses the file if its bytes are no longer the ones seen here."""
    return dg.RunRequest(
        run_key=run_key or dropped.drop, job_name=job_name(dropped.dataset), partition_key=dropped.year,
        run_config={"ops": {op_name(dropped.dataset): {"config": {"file": ws.rel(dropped.path),
                                                                 "sha256": dropped.sha256}}}},
        tags={DATASET_TAG: dropped.dataset, "terbuka/file": dropped.path.name, "terbuka/sha256": dropped.sha256,
              DROP_TAG: dropped.drop})


def read_cursor(raw: str | None) -> dict:
    """The sensor's memory: `looks`, what it saw of each inbox file (size and times, since when, and its
    hash, dataset and year once read); `requested`, the last run_key asked for each drop still waiting;
    `warned`, the drops given up on. An older sensor's cursor starts the looks afresh."""
    state = {"looks": {}, "requested": {}, "warned": []}
    if raw:
        data = json.loads(raw)
        if isinstance(data, dict):
            state.update({k: data[k] for k in ("looks", "requested", "warned") if k in data})
    return state


def instance_of(context: dg.SensorEvaluationContext) -> dg.DagsterInstance | None:
    """The instance the sensor's runs are in; None for a context built in a test without one."""
    try:
        return context.instance
    except dg.DagsterInvariantViolationError:
        return None


def gave_up(dropped: Dropped, failed: int, run_id: str) -> str:
    """Why a file waits in inbox/ for an officer, in both languages."""
    where = f"inbox/{dropped.dataset}/"
    return (f"{dropped.path.name}: proses untuk berkas ini gagal {failed} kali sebelum pemeriksaannya selesai "
            f"dan tidak dicoba lagi. Buka proses terakhir (run {run_id[:8]}) di halaman Runs untuk melihat "
            f"sebabnya, perbaiki, lalu letakkan berkas itu lagi di {where}. / "
            f"The run for this file failed {failed} times before its checks finished and is not retried "
            f"again. Open the last run ({run_id[:8]}) under Runs to see why, fix the cause, then drop the file "
            f"into {where} again.")


def decide(dropped: Dropped, runs: list, asked: str | None) -> tuple[str | None, str | None, bool]:
    """For one waiting drop and its runs (newest first): the run_key to ask for (None: ask nothing), a note
    for the officer, and whether the sensor gave up on it. A run that ended before filing the file away is
    asked again under a retry key, at most MAX_RETRIES times."""
    latest = runs[0] if runs else None
    if latest is None:
        return (None if asked == dropped.drop else dropped.drop), None, False
    if not latest.is_finished:
        return None, None, False  # queued or running: no second run
    if latest.status in ENDED_EARLY:  # the file is still here, so the run never got to file it away
        failed = sum(r.status in ENDED_EARLY for r in runs)
        if failed > MAX_RETRIES:
            return None, gave_up(dropped, failed, latest.run_id), True
        key = f"{dropped.drop}.retry{failed}"
        return (None if asked == key else key), None, False
    return None, f"{dropped.path.name}: run {latest.run_id[:8]} succeeded; drop the file again to check it again", False


def build_inbox_sensor(jobs: list) -> dg.SensorDefinition:
    @dg.sensor(name="inbox_sensor", minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Watches inbox/: each new drop of a file starts one run of its dataset's job once the "
                           "file is complete (not open for writing, unchanged for settleSeconds across looks); "
                           f"a run that ends before filing the file away is retried (at most {MAX_RETRIES} times); "
                           "a file whose bytes are already live is filed away.",
               jobs=jobs or None)
    def inbox_sensor(context: dg.SensorEvaluationContext, terbuka: dg.ResourceParam[Workspace]):
        state = read_cursor(context.cursor)
        instance = instance_of(context)
        if instance is not None:
            fail_dead_runs(instance)  # a run whose process was killed would otherwise block its drop forever
        inbox = pending_files(terbuka, looks=state["looks"])
        for dropped in inbox.repeats:
            file_away(terbuka, dropped, accepted=True)
            context.log.info(f"{dropped.path.name}: already published (same SHA-256); filed away")
        for dropped in inbox.unmatched:
            context.log.warning(unmatched_note(terbuka, dropped))
        notes = [f"{rel}: waiting ({why})" for rel, why in inbox.arriving.items()]
        requests, requested, warned = [], {}, []
        busy = set()  # bytes with a run asked for or under way: other copies of the same bytes wait for it
        wanted = []
        for dropped in inbox.pending:
            drop = dropped.drop
            asked = state["requested"].get(drop)
            if asked:
                requested[drop] = asked
            runs = instance.get_runs(filters=dg.RunsFilter(tags={DROP_TAG: drop})) if instance else []
            key, note, given_up = decide(dropped, runs, asked)
            if note:
                notes.append(note)
            if given_up:
                warned.append(drop)
                if drop not in state["warned"]:
                    context.log.warning(note)
            if key is None:
                if not note:
                    busy.add(dropped.sha256)  # asked or running
                continue
            wanted.append((dropped, key))
        for dropped, key in wanted:
            if dropped.sha256 not in busy:
                busy.add(dropped.sha256)
                requests.append(run_request(terbuka, dropped, key))
                requested[dropped.drop] = key
        # The cursor keeps only what concerns files still in inbox/, so it stays small; a file dropped again is
        # a new drop (see Dropped.drop) and is taken again.
        context.update_cursor(json.dumps({"looks": inbox.looks, "requested": requested, "warned": warned},
                                         sort_keys=True))
        if not requests:
            return dg.SkipReason(" ".join(notes) or "no new file in inbox/")
        years = {}  # the fiscal years these files are for become partitions first (years_name per dataset)
        for request in requests:
            if request.partition_key:
                years.setdefault(years_name(request.tags[DATASET_TAG]), set()).add(request.partition_key)
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=[
            dg.AddDynamicPartitionsRequest(name, sorted(keys)) for name, keys in sorted(years.items())])

    return inbox_sensor
