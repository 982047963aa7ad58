"""The Dagster UI serves the workspace: start the webserver on 127.0.0.1, ask GraphQL for the asset graph."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

QUERY = "{ assetNodes { assetKey { path } hasAssetChecks } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_answers_graphql_with_the_asset_graph(workspace):
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(workspace.dagster_home), TERBUKA_WORKSPACE=str(workspace.root))
    exe = Path(sys.executable).with_name("dagster-webserver")
    proc = subprocess.Popen([str(exe), "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
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
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": QUERY}).encode(),
                                         headers={"Content-Type": "application/json"})
        nodes = json.load(urllib.request.urlopen(request, timeout=60))["data"]["assetNodes"]
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"apbd/raw", "apbd/clean", "apbd/release", "wilayah/release", "portal"} <= keys
        assert all(n["hasAssetChecks"] for n in nodes if n["assetKey"]["path"][-1] == "raw")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
