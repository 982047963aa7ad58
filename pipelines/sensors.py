"""The inbox sensor: a settled new file in inbox/ (or inbox/<dataset>/) starts one run for its dataset."""


import json

import dagster as dg

from assets import stages
from assets.factory import TerbukaResource
from publish.workspace import Workspace


def raw_op_name(dataset: str) -> str:
    return f"{dataset}__raw"


def run_request(ws: Workspace, dropped: stages.Dropped) -> dg.RunRequest:
    """One run of the file's dataset job, in its fiscal year, keyed by this drop of its bytes."""
    rel = str(dropped.path.relative_to(ws.inbox))
    return dg.RunRequest(
        run_key=dropped.run_key, job_name=f"{dropped.dataset}_job", partition_key=dropped.year,
        run_config={"ops": {raw_op_name(dropped.dataset): {"config": {"file": rel}}}},
        tags={"terbuka/dataset": dropped.dataset, "terbuka/file": dropped.path.name,
              "terbuka/sha256": dropped.sha256})


def build_inbox_sensor(jobs: list) -> dg.SensorDefinition:
    @dg.sensor(name="inbox_sensor", minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Watches inbox/: each new file (by SHA-256) starts one run of its dataset's job; "
                           "a file already published is filed away.",
               jobs=jobs or None)
    def inbox_sensor(context: dg.SensorEvaluationContext, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        requested = set(json.loads(context.cursor)) if context.cursor else set()
        inbox = stages.pending_files(ws)
        for dropped in inbox.repeats:
            stages.file_away(ws, dropped, accepted=True)
            context.log.info(f"{dropped.path.name}: already published (same SHA-256); filed away")
        for dropped in inbox.unmatched:
            context.log.warning(f"{dropped.path.name}: no declared dataset matches its header; "
                                "put it in inbox/<dataset>/")
        waiting: dict = {}
        for dropped in inbox.pending:
            waiting.setdefault(dropped.run_key, dropped)  # copies of the same bytes: one run
        requests = [run_request(ws, d) for key, d in waiting.items() if key not in requested]
        # The cursor holds the keys of files still waiting, so it stays small; a file that leaves and comes
        # back after a rejection has a new key (see Dropped.run_key) and is taken again.
        context.update_cursor(json.dumps(sorted(waiting)))
        if not requests:
            return dg.SkipReason("no new file in inbox/")
        return requests

    return inbox_sensor
