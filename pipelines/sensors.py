"""The inbox sensor: a settled new file in inbox/ (or inbox/<dataset>/) starts one run for its dataset."""


import json

import dagster as dg

from assets.factory import TerbukaResource


def raw_op_name(dataset: str) -> str:
    return f"{dataset}__raw"


def build_inbox_sensor(jobs: list) -> dg.SensorDefinition:
    @dg.sensor(name="inbox_sensor", minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Watches inbox/: each new file (by SHA-256) starts one run of its dataset's job.",
               jobs=jobs or None)
    def inbox_sensor(context: dg.SensorEvaluationContext, terbuka: TerbukaResource):
        from assets import stages
        from assets.factory import partition_for
        from publish.declarations import get_declaration

        ws = terbuka.workspace()
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        ledger = stages.read_ledger(ws)
        requests = []
        for dropped in stages.scan_inbox(ws):
            if dropped.sha256 in seen or dropped.sha256 in ledger:
                continue
            dataset = dropped.dataset or stages.guess_dataset(ws, dropped.path.read_bytes(), dropped.path.name)
            if dataset is None:
                context.log.warning(f"{dropped.path.name}: no declared dataset matches its header; "
                                    "put it in inbox/<dataset>/")
                continue
            seen.add(dropped.sha256)
            rel = str(dropped.path.relative_to(ws.inbox))
            year = partition_for(get_declaration(ws, dataset), dropped.path.read_bytes(), dropped.path.name)
            requests.append(dg.RunRequest(
                run_key=dropped.sha256, job_name=f"{dataset}_job", partition_key=year,
                run_config={"ops": {raw_op_name(dataset): {"config": {"file": rel}}}},
                tags={"terbuka/dataset": dataset, "terbuka/file": dropped.path.name,
                      "terbuka/sha256": dropped.sha256}))
        context.update_cursor(json.dumps(sorted(seen)))
        if not requests:
            return dg.SkipReason("no new file in inbox/")
        return requests

    return inbox_sensor
