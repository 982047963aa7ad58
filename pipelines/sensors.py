"""The inbox sensor: a settled new file in inbox/ (or inbox/<dataset>/) starts one run for its dataset."""


import json

import dagster as dg

from assets import stages
from assets.factory import TerbukaResource
from publish.workspace import Workspace

DROP_TAG = "terbuka/drop"  # names the drop a run is for (Dropped.drop): how the sensor finds a drop's runs
MAX_RETRIES = 3  # runs asked again for one drop whose run ended before its checks, before an officer must look
ENDED_EARLY = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def raw_op_name(dataset: str) -> str:
    return f"{dataset}__raw"


def run_request(ws: Workspace, dropped: stages.Dropped, run_key: str | None = None) -> dg.RunRequest:
    """One run of the file's dataset job, in its fiscal year, keyed by this drop (or a retry of it)."""
    rel = str(dropped.path.relative_to(ws.inbox))
    return dg.RunRequest(
        run_key=run_key or dropped.run_key, job_name=f"{dropped.dataset}_job", partition_key=dropped.year,
        run_config={"ops": {raw_op_name(dropped.dataset): {"config": {"file": rel}}}},
        tags={"terbuka/dataset": dropped.dataset, "terbuka/file": dropped.path.name,
              "terbuka/sha256": dropped.sha256, DROP_TAG: dropped.drop})


def read_cursor(raw: str | None) -> dict:
    """The sensor's memory: `seen`, each inbox file's size and times at the last look (None: no last look);
    `requested`, the last run_key asked for each drop still waiting; `warned`, the drops given up on."""
    state = {"seen": None, "requested": {}, "warned": [], "legacy": set()}
    if raw:
        data = json.loads(raw)
        if isinstance(data, list):  # an older sensor's cursor: the run keys (SHA-256, plus `.N`) it asked for
            state["legacy"] = {key.split(".")[0] for key in data}
        else:
            state.update({k: data[k] for k in ("seen", "requested", "warned") if k in data})
    return state


def instance_of(context: dg.SensorEvaluationContext) -> dg.DagsterInstance | None:
    """The instance the sensor's runs are in; None for a context built in a test without one."""
    try:
        return context.instance
    except dg.DagsterInvariantViolationError:
        return None


def gave_up(dropped: stages.Dropped, failed: int, run_id: str) -> str:
    """Why a file waits in inbox/ for an officer, in both languages."""
    where = f"inbox/{dropped.dataset}/"
    return (f"{dropped.path.name}: proses untuk berkas ini gagal {failed} kali sebelum pemeriksaannya selesai "
            f"dan tidak dicoba lagi. Buka proses terakhir (run {run_id[:8]}) di halaman Runs untuk melihat "
            f"sebabnya, perbaiki, lalu letakkan berkas itu lagi di {where}. / "
            f"The run for this file failed {failed} times before its checks finished and is not retried "
            f"again. Open the last run ({run_id[:8]}) under Runs to see why, fix the cause, then drop the file "
            f"into {where} again.")


def build_inbox_sensor(jobs: list) -> dg.SensorDefinition:
    @dg.sensor(name="inbox_sensor", minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Watches inbox/: each new drop of a file starts one run of its dataset's job, once the "
                           "file has stopped changing; a run that ends before the file's checks is retried "
                           f"(at most {MAX_RETRIES} times); a file already published (same SHA-256) is filed away.",
               jobs=jobs or None)
    def inbox_sensor(context: dg.SensorEvaluationContext, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        state = read_cursor(context.cursor)
        instance = instance_of(context)
        # A file the last look saw must be unchanged since (same size and times), besides SETTLE_SECONDS old.
        inbox = stages.pending_files(ws, previous=state["seen"])
        for dropped in inbox.repeats:
            stages.file_away(ws, dropped, accepted=True)
            context.log.info(f"{dropped.path.name}: already published (same SHA-256); filed away")
        for dropped in inbox.unmatched:
            context.log.warning(stages.unmatched_note(ws, dropped))
        requests, requested, warned, notes, wanted = [], {}, [], [], []
        busy = set()  # bytes with a run asked for or under way: other copies of the same bytes wait for it
        for dropped in inbox.pending:
            drop = dropped.drop
            asked = state["requested"].get(drop) or (drop if dropped.sha256 in state["legacy"] else None)
            if asked:
                requested[drop] = asked
            runs = instance.get_runs(filters=dg.RunsFilter(tags={DROP_TAG: drop})) if instance else []
            latest = runs[0] if runs else None  # newest first
            if latest is None:
                key = drop
            elif not latest.is_finished:
                busy.add(dropped.sha256)  # queued or running: no second run
                continue
            elif latest.status in ENDED_EARLY:  # the file is still here, so the run never got to file it away
                failed = sum(r.status in ENDED_EARLY for r in runs)
                if failed > MAX_RETRIES:
                    warned.append(drop)
                    notes.append(gave_up(dropped, failed, latest.run_id))
                    if drop not in state["warned"]:
                        context.log.warning(notes[-1])
                    continue
                key = f"{drop}.retry{failed}"
            else:  # it succeeded yet the file waits (e.g. the ledger was reset): asking again would repeat it
                notes.append(f"{dropped.path.name}: run {latest.run_id[:8]} succeeded; drop the file again "
                             "to check it again")
                continue
            if key == asked:  # asked before, its run not seen yet (or no instance to see it in)
                busy.add(dropped.sha256)
            else:
                wanted.append((dropped, key))
        for dropped, key in wanted:
            if dropped.sha256 not in busy:
                busy.add(dropped.sha256)
                requests.append(run_request(ws, dropped, key))
                requested[dropped.drop] = key
        # The cursor keeps only what concerns files still in inbox/, so it stays small; a file dropped again is
        # a new drop (see Dropped.drop) and is taken again.
        context.update_cursor(json.dumps({"seen": inbox.seen, "requested": requested, "warned": warned},
                                         sort_keys=True))
        if not requests:
            return dg.SkipReason(" ".join(notes) or "no new file in inbox/")
        return requests

    return inbox_sensor
