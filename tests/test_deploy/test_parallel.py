"""The same jobs run under Dagster's multiprocess executor: each step in a process of its own, on the sample."""

import os

from pipelines.instance import instance_for
from pipelines.parallel import run_multiprocess
from publish.releases import list_releases
from publish.verify import verify_all
from sample import generate_sample


def test_the_sample_wilayah_job_runs_with_the_multiprocess_executor(workspace):
    generate_sample(workspace.inbox)
    instance = instance_for(workspace)
    result = run_multiprocess(workspace, instance, "wilayah_job", max_concurrent=2,
                              run_config={"ops": {"wilayah__file": {"config": {"file": ""}}}})
    assert result.success
    events = instance.all_logs(result.run_id)
    started = {e.step_key: e.dagster_event.pid for e in events if e.dagster_event and e.dagster_event.event_type_value == "STEP_START"}
    assert {"wilayah__file", "preview", "portal"} <= set(started)
    assert len(set(started.values()) | {os.getpid()}) == len(started) + 1  # a process per step, none of them ours
    assert [r["version"] for r in list_releases(workspace, "wilayah")] == ["1.0.0"]
    assert not (workspace.inbox / "wilayah" / "wilayah_sukamaju.csv").exists()  # taken, then filed away
    assert (workspace.site / "datasets" / "wilayah" / "1.0.0" / "data.csv").is_file()
    assert verify_all(workspace).ok
