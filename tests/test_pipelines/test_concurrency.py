"""Files dropped together, publishes started together, slow copies and killed runs: every file ends in its own
version or its own rejection, never another file's bytes, never half a file, and nothing is left behind."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.headless import Runner, run_pending
from pipelines.instance import instance_for
from publish.files import sha256_bytes
from publish.ledger import read_ledger
from publish.releases import list_releases
from publish.verify import verify_all
from publish.workspace import Workspace
from tests.support import WILAYAH, drop, tick

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
RUN_REQUEST = """
import json, sys
from pathlib import Path
from pipelines.definitions import build_definitions
from pipelines.instance import instance_for, process_tags
from publish.workspace import Workspace
ws = Workspace(Path(sys.argv[1]))
request = json.loads(sys.argv[2])
job = build_definitions(ws).resolve_job_def(request["job_name"])
result = job.execute_in_process(run_config=request["run_config"], instance=instance_for(ws), raise_on_error=False,
                                partition_key=request["partition_key"], tags={**request["tags"], **process_tags()})
print(json.dumps({"success": result.success}))
"""


def variant(name: str) -> str:
    """A whole wilayah file that differs from the others in one name (same codes: nothing is removed)."""
    return WILAYAH.replace("KABUPATEN SUKAMAJU", f"KABUPATEN SUKAMAJU {name}")


def versions_by_source(workspace) -> dict[str, list[str]]:
    """The versions each source file's bytes were released as, from the store's provenance."""
    out: dict[str, list[str]] = {}
    for entry in list_releases(workspace, "wilayah"):
        folder = workspace.releases / "datasets" / "wilayah" / entry["version"]
        source = json.loads((folder / "provenance.json").read_text())["source"]
        out.setdefault(source["sha256"], []).append(entry["version"])
        assert source["name"] in {"A.csv", "B.csv", "C.csv", "D.csv", "A-lagi.csv"}
    return out


def assert_each_version_holds_its_own_file(workspace, files: dict[str, str]) -> None:
    by_sha = {sha256_bytes(text.encode()): (name, text) for name, text in files.items()}
    for sha, versions in versions_by_source(workspace).items():
        name, text = by_sha[sha]  # a version whose provenance names bytes no one dropped would fail here
        for version in versions:
            data = (workspace.releases / "datasets" / "wilayah" / version / "data.csv").read_text()
            assert f"KABUPATEN SUKAMAJU {name[0]}" in data, (version, name)  # the bytes it names, not another's


def test_files_dropped_together_each_become_their_own_version_even_when_their_runs_overlap(workspace):
    files = {f"{k}.csv": variant(k) for k in "ABCD"}
    files["A-lagi.csv"] = files["A.csv"]  # the same file twice, under another name
    for name, text in files.items():
        drop(workspace, name, text)
    instance = instance_for(workspace)
    _, cursor = tick(workspace, instance=instance)
    requests, cursor = tick(workspace, cursor, instance)
    assert len(requests) == 4  # A's second copy waits for A's run: the same bytes are never run twice at once
    assert len({r.run_config["ops"]["wilayah__file"]["config"]["sha256"] for r in requests}) == 4
    children = [subprocess.Popen([sys.executable, "-c", RUN_REQUEST, str(workspace.root), json.dumps({
        "job_name": r.job_name, "run_config": r.run_config, "partition_key": r.partition_key,
        "tags": {**r.tags, "dagster/run_key": r.run_key}})], stdout=subprocess.PIPE, env=ENV, cwd=ROOT)
        for r in requests]  # four run workers at once, as a daemon without a queue would start them
    for child in children:
        out, _ = child.communicate(timeout=600)
        assert json.loads(out.decode().strip().splitlines()[-1])["success"]

    again, cursor = tick(workspace, cursor, instance)  # A's second copy: filed away, or run to bring A back
    for request in again if isinstance(again, list) else []:
        assert Runner(workspace, instance=instance).run_dataset(
            "wilayah", request.run_config["ops"]["wilayah__file"]["config"]["file"]).success
    assert list(workspace.inbox.rglob("*.csv")) == []
    assert_each_version_holds_its_own_file(workspace, files)
    sources = versions_by_source(workspace)
    assert len(sources) == 4 and all(sources.values())  # each distinct file has its version
    versions = [r["version"] for r in list_releases(workspace, "wilayah")]
    assert versions == [f"1.{n}.0" for n in range(len(versions))]  # one clean chain, no number twice
    ledger = read_ledger(workspace)
    assert {ledger.get(sha256_bytes(t.encode()))["outcome"] for t in files.values()} == {"published"}
    assert verify_all(workspace).ok


def test_terbuka_run_takes_files_of_one_dataset_in_drop_order(workspace):
    for name in ("C.csv", "A.csv", "B.csv"):
        drop(workspace, name, variant(name[0]))
        time.sleep(0.02)  # distinct arrival times
    lines = []
    assert run_pending(workspace, echo=lines.append) == 0
    order = [json.loads((workspace.releases / "datasets/wilayah" / v / "provenance.json").read_text())["source"]["name"]
             for v in ("1.0.0", "1.1.0", "1.2.0")]
    assert order == ["C.csv", "A.csv", "B.csv"]


def test_publishes_started_together_all_end_correctly(workspace, tmp_path):
    files = {f"{k}.csv": variant(k) for k in "ABCD"}
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    paths.append(tmp_path / "A.csv")  # the same file twice
    exe = Path(sys.executable).with_name("terbuka")
    children = [subprocess.Popen([str(exe), "publish", "wilayah", str(p), "--json", "--no-site", "--workspace",
                                  str(workspace.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
                for p in paths]
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, (out.decode()[-2000:], err.decode()[-2000:])
        outcomes += json.loads(out)["outcomes"]
    assert sorted(o["status"] for o in outcomes).count("published") >= 4
    assert all(o["status"] in ("published", "unchanged") for o in outcomes)
    assert_each_version_holds_its_own_file(workspace, files)
    assert len(versions_by_source(workspace)) == 4
    versions = [r["version"] for r in list_releases(workspace, "wilayah")]
    assert versions == [f"1.{n}.0" for n in range(len(versions))]
    assert not any(workspace.incoming.iterdir())  # every handed-over file cleaned up
    assert verify_all(workspace).ok


def test_a_copy_that_pauses_longer_than_the_settle_interval_is_never_taken_half(workspace):
    config = json.loads(workspace.config_file.read_text())
    config["settleSeconds"] = 1
    workspace.config_file.write_text(json.dumps(config))
    workspace = Workspace(workspace.root)
    rows = "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1, 80))
    whole = WILAYAH + rows
    target = workspace.inbox / "wilayah" / "lambat.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "data = sys.stdin.read()\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    f.write(data[: len(data) // 2]); f.flush()\n"
        "    print('paused', flush=True); time.sleep(4)  # a stalled share: four times the settle interval\n"
        "    f.write(data[len(data) // 2:])\n"), str(target)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    writer.stdin.write(whole)
    writer.stdin.close()
    assert writer.stdout.readline().strip() == "paused"
    runner = Runner(workspace)
    sensor = build_definitions(workspace).resolve_sensor_def("inbox_sensor")
    cursor, taken = None, []
    deadline = time.time() + 30
    while time.time() < deadline and not list_releases(workspace, "wilayah"):
        with dg.build_sensor_context(resources={"terbuka": workspace}, cursor=cursor, instance=runner.instance) as ctx:
            answer = sensor(ctx)
            cursor = ctx.cursor
        for request in answer.run_requests if isinstance(answer, dg.SensorResult) else []:
            taken.append(writer.poll() is not None)
            config = request.run_config["ops"]["wilayah__file"]["config"]
            runner.run_dataset("wilayah", config["file"], sha256=config["sha256"])
        time.sleep(0.3)
    writer.wait(timeout=30)
    assert taken and all(taken), "a file still being written was taken"
    [release] = list_releases(workspace, "wilayah")
    assert release["rows"] == 81


def test_a_run_killed_mid_way_is_marked_failed_and_its_leftovers_removed(workspace, tmp_path):
    big = tmp_path / "besar.csv"
    big.write_text(WILAYAH + "".join(f"32.60.{i // 100:02d}.{2000 + i % 100},Desa {i},Desa,32.60.{i // 100:02d}\n"
                                     for i in range(100, 200000)) +
                   "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(1, 400)))
    exe = Path(sys.executable).with_name("terbuka")
    child = subprocess.Popen([str(exe), "publish", "wilayah", str(big), "--workspace", str(workspace.root)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    instance = instance_for(workspace)
    deadline = time.time() + 120
    while not instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        assert child.poll() is None and time.time() < deadline, "the publish never started its run"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)  # mid-run: reading 200,000 rows takes seconds on any machine
    child.wait()
    [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.STARTED  # what a killed run looks like until someone notices
    assert any(workspace.incoming.iterdir())  # the handed-over copy, left behind

    fresh = instance_for(workspace)  # the next start notices
    assert fresh.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    small = tmp_path / "kecil.csv"
    small.write_text(WILAYAH)
    result = subprocess.run([str(exe), "publish", "wilayah", str(small), "--workspace", str(workspace.root)],
                            capture_output=True, text=True, env=ENV, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(workspace.incoming.iterdir())
    assert verify_all(workspace).ok


def test_the_instance_queues_runs_of_one_dataset_one_at_a_time(workspace):
    instance = instance_for(workspace)
    limits = instance.run_coordinator.get_run_queue_config().tag_concurrency_limits
    assert {"key": "terbuka/dataset", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits
    assert instance.run_monitoring_enabled
    assert not instance.telemetry_enabled
