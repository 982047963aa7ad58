"""The Dagster UI serves the workspace: start the webserver on 127.0.0.1, ask GraphQL what an officer sees
(the asset graph; after a rejected file, the live release, the check with its report and fiscal year)."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from openpyxl import load_workbook

from pipelines.headless import Runner, publish_file
from publish.releases import latest_release
from sample import generate_sample

QUERY = "{ assetNodes { assetKey { path } hasAssetChecks } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def webserver(workspace):
    """`dagster-webserver` on 127.0.0.1 over the workspace's own instance; yields ask(query, **variables)."""
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(workspace.dagster_home), TERBUKA_WORKSPACE=str(workspace.root))
    exe = Path(sys.executable).with_name("dagster-webserver")
    proc = subprocess.Popen([str(exe), "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def ask(query: str, **variables) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"query": query, "variables": variables}).encode())
        answer = json.load(urllib.request.urlopen(request, timeout=60))
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, "the webserver exited"
                assert time.time() < deadline, "the webserver did not answer within 90 s"
                time.sleep(0.5)
        yield ask
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_webserver_answers_graphql_with_the_asset_graph(workspace):
    with webserver(workspace) as ask:
        nodes = ask(QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    assert {"apbd/raw", "apbd/clean", "apbd/release", "wilayah/release", "portal"} <= keys
    assert all(n["hasAssetChecks"] for n in nodes if n["assetKey"]["path"][-1] == "raw")


AFTER_REJECTION = """
query ($release: AssetKeyInput!, $clean: AssetKeyInput!, $raw: AssetKeyInput!, $year: String!, $run: ID!) {
  assetsLatestInfo(assetKeys: [$release, $clean]) {
    assetKey { path } latestMaterialization { runId } latestRun { id status }
  }
  release: assetNodeOrError(assetKey: $release) { ... on AssetNode {
    latestMaterializationByPartition(partitions: [$year]) {
      runId partition metadataEntries { label ... on TextMetadataEntry { text } }
    }
    assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions failedPartitions } }
    staleStatus(partition: $year)
  } }
  releaseHistory: assetOrError(assetKey: $release) { ... on Asset {
    assetEventHistory(partitions: [$year], limit: 10, eventTypeSelectors: [MATERIALIZATION, FAILED_TO_MATERIALIZE]) {
      results {
        __typename
        ... on MaterializationEvent { runId }
        ... on FailedToMaterializeEvent { runId materializationFailureType }
      }
    }
  } }
  clean: assetNodeOrError(assetKey: $clean) { ... on AssetNode {
    assetMaterializations(partitions: [$year]) { runId }
    assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions failedPartitions } }
  } }
  raw: assetNodeOrError(assetKey: $raw) { ... on AssetNode {
    assetCheckOrError(checkName: "business_rules") { ... on AssetCheck {
      partitionStatuses { ... on AssetCheckDefaultPartitionStatuses { succeededPartitions failedPartitions } }
    } }
  } }
  badRun: runOrError(runId: $run) { ... on Run {
    status
    eventConnection(limit: 500) { events {
      __typename ... on MessageEvent { message level } ... on ErrorEvent { error { message } }
    } }
  } }
  assetCheckExecutions(assetKey: $raw, checkName: "business_rules", partition: $year, limit: 5) {
    runId status partition
    evaluation {
      success severity partition description
      metadataEntries { label ... on MarkdownMetadataEntry { mdStr } ... on PathMetadataEntry { path } }
    }
  }
}"""


def overspent(sample_file: Path) -> tuple[bytes, int, int]:
    """The same year's budget file with one expenditure line realised at twice its budget: a business-rule
    error (realisasi must not exceed anggaran on account 5). Also returns that line's row and budget."""
    book = load_workbook(sample_file)
    sheet = book.active
    rekening, pagu, realisasi = 14, 16, 17  # sample/workbook.py's columns, whatever each year's headers say
    row = next(r for r in range(6, sheet.max_row + 1)
               if str(sheet.cell(r, rekening).value).startswith("5") and isinstance(sheet.cell(r, pagu).value, int))
    sheet.cell(row, realisasi).value = sheet.cell(row, pagu).value * 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), row, sheet.cell(row, pagu).value


def test_after_a_rejected_file_the_ui_shows_the_live_release_and_the_check_with_its_report(workspace, tmp_path):
    files = {p.name: p for p in generate_sample(tmp_path / "sample")}
    runner = Runner(workspace)
    for dataset, name in [("wilayah", "wilayah_sukamaju.csv"), ("peraturan", "jdih_export.json"),
                          ("apbd", "APBD_2025_MURNI.xlsx")]:
        result = publish_file(workspace, dataset, files[name], with_portal=False, runner=runner)
        assert result.exit_code == 0, result.lines()
    good_run = result.run.run_id
    live = latest_release(workspace, "apbd")["version"]

    bad = tmp_path / "APBD_2025_MURNI.xlsx"
    data, row, budget = overspent(files["APBD_2025_MURNI.xlsx"])
    bad.write_bytes(data)
    rejected = publish_file(workspace, "apbd", bad, with_portal=False, runner=runner)
    assert [o["status"] for o in rejected.outcomes] == ["rejected"], rejected.lines()
    assert rejected.run.success  # the officer's data problem is not a failure of the system
    bad_run = rejected.run.run_id
    assert latest_release(workspace, "apbd")["version"] == live

    keys = {stage: {"path": ["apbd", stage]} for stage in ("raw", "clean", "release")}
    with webserver(workspace) as ask:
        seen = ask(AFTER_REJECTION, year="2025", run=bad_run, **keys)

    # the release asset: its latest state is the live version, materialised by the good run, not failed
    latest = {"/".join(i["assetKey"]["path"]): i for i in seen["assetsLatestInfo"]}
    assert latest["apbd/release"]["latestMaterialization"]["runId"] == good_run
    assert latest["apbd/release"]["latestRun"] == {"id": bad_run, "status": "SUCCESS"}
    release = seen["release"]
    [materialised] = release["latestMaterializationByPartition"]
    assert (materialised["runId"], materialised["partition"]) == (good_run, "2025")
    assert {e["label"]: e.get("text") for e in materialised["metadataEntries"]}["version"] == live
    assert release["assetPartitionStatuses"] == {"materializedPartitions": ["2025"], "failedPartitions": []}
    assert release["staleStatus"] == "FRESH"  # not "Unsynced"
    history = seen["releaseHistory"]["assetEventHistory"]["results"]
    assert not [e for e in history if e.get("materializationFailureType") == "FAILED"], history

    # the rejected run's page: the rejection in words, no stack trace anywhere
    events = seen["badRun"]["eventConnection"]["events"]
    assert not [e for e in events if e.get("error")], events
    warned = [e["message"] for e in events if e.get("level") == "WARNING"]
    assert warned and "ditolak / rejected" in warned[-1] and f"row {row}" in warned[-1], warned

    # the clean asset: nothing from the rejected run
    assert [m["runId"] for m in seen["clean"]["assetMaterializations"]] == [good_run]
    assert seen["clean"]["assetPartitionStatuses"]["failedPartitions"] == []
    assert latest["apbd/clean"]["latestMaterialization"]["runId"] == good_run

    # the check of the rejected run: listed under its fiscal year, failed with error severity, report as Markdown
    check = seen["raw"]["assetCheckOrError"]["partitionStatuses"]
    assert (check["failedPartitions"], check["succeededPartitions"]) == (["2025"], [])
    execution = seen["assetCheckExecutions"][0]
    assert (execution["runId"], execution["status"], execution["partition"]) == (bad_run, "FAILED", "2025")
    evaluation = execution["evaluation"]
    assert (evaluation["success"], evaluation["severity"], evaluation["partition"]) == (False, "ERROR", "2025")
    assert evaluation["description"].startswith("1 kesalahan / errors — Realisasi belanja (akun 5)")
    entries = {e["label"]: e for e in evaluation["metadataEntries"]}
    markdown = entries["report"]["mdStr"]
    words = markdown.replace("\\", "")  # as the UI renders it: Markdown escapes gone
    assert "Realisasi belanja (akun 5) tidak boleh melebihi anggarannya" in words  # the rule, both languages
    assert "Expenditure (account 5) realisation must not exceed its budget" in words
    assert f"| {row} | anggaran, realisasi | {budget}, {budget * 2} |" in markdown  # the spreadsheet row
    assert entries["quarantine_report"]["path"].endswith("report.html")  # the server path, secondary
