"""`terbuka push` to S3-compatible object storage: the same files, manifests and verify result as the local
folders, in an order that never shows half a version, and a tampered object is caught.

The server is moto's S3-compatible server (moto[server] from PyPI: the S3-compatible server the package
registries offer), started by the test on 127.0.0.1 and stopped after it."""

import json
import os
import socket
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from publish.promote import build_preview, promote
from publish.releases import latest_release
from publish.remote import read_target, verify_remote
from publish.verify import verify_all
from publish.workspace import Workspace
from tests.support import WILAYAH, take

moto_server = pytest.importorskip("moto.server")
s3fs = pytest.importorskip("s3fs")
BUCKET = "portal-sukamaju"


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 server on a free port of 127.0.0.1, with a bucket and throwaway credentials."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in this process across servers: start each test from an empty store
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)
    fs = s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
    fs.mkdir(BUCKET)
    yield endpoint, fs
    server.stop()


def published(workspace, endpoint: str) -> Workspace:
    """A workspace with two versions of wilayah live in site/, and a publishing target."""
    config = json.loads(workspace.config_file.read_text())
    config["publish"] = {"target": f"s3://{BUCKET}/kab-sukamaju", "endpoint": endpoint}
    workspace.config_file.write_text(json.dumps(config))
    ws = Workspace(workspace.root)
    assert take(ws, "wilayah", WILAYAH, "wilayah.csv").status == "published"
    build_preview(ws)
    promote(ws)
    more = WILAYAH + "32.60.01,SUKAMAJU KOTA,Kecamatan,32.60\n"
    assert take(ws, "wilayah", more, "wilayah2.csv").status == "published"
    build_preview(ws)
    promote(ws)
    assert verify_all(ws).ok
    return ws


def local_files(root) -> dict[str, bytes]:
    """Every file as a web server sees the folder: `latest` links followed."""
    out = {}
    for folder, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def remote_files(fs, prefix: str) -> dict[str, bytes]:
    return {path[len(prefix) + 1:]: fs.cat_file(path) for path in fs.find(prefix)}


def test_push_gives_the_same_files_manifests_and_verify_result(workspace, s3):
    endpoint, fs = s3
    ws = published(workspace, endpoint)
    result = CliRunner().invoke(cli, ["push", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output

    site = remote_files(fs, f"{BUCKET}/kab-sukamaju/site")
    store = remote_files(fs, f"{BUCKET}/kab-sukamaju/store")
    local_site = local_files(ws.site)  # follows `latest`: its files appear under latest/ as on any web server
    assert site == local_site
    assert {k: v for k, v in store.items() if k.startswith("datasets/")} == {
        f"datasets/{k}": v for k, v in local_files(ws.releases / "datasets").items()}
    assert store["issued.jsonl"] == ws.issued.read_bytes()
    assert site["datasets/wilayah/latest/SHA256SUMS"] == (ws.site / "datasets/wilayah/1.1.0/SHA256SUMS").read_bytes()

    remote, local = verify_remote(ws, read_target(ws)), verify_all(ws)
    assert remote.ok and remote.checked == local.checked > 0
    assert (remote.missing, remote.changed, remote.extra, remote.broken) == ([], [], [], [])

    again = CliRunner().invoke(cli, ["push", "--workspace", str(ws.root)])
    assert again.exit_code == 0 and "0 uploaded, 0 copied as latest/, 0 removed" in again.output


def flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


TAMPERED = [  # (object, how it is changed): a downloaded file, the store's copy, a latest/ copy, an index
    ("site/datasets/wilayah/1.0.0/data.csv", lambda data: data.replace(b"SUKAMAJU", b"SUKAMAJA")),
    ("store/datasets/wilayah/1.1.0/data.csv", lambda data: data.replace(b"SUKAMAJU", b"SUKAMAJA")),
    ("site/datasets/wilayah/latest/data.parquet", flip_middle_byte),
    ("site/datasets/wilayah/releases.json", lambda data: data.replace(b'"latest": "1.1.0"', b'"latest": "1.0.0"')),
]


def test_verify_on_the_target_catches_a_tampered_object(workspace, s3):
    endpoint, fs = s3
    ws = published(workspace, endpoint)
    assert CliRunner().invoke(cli, ["push", "--workspace", str(ws.root)]).exit_code == 0
    for where, tamper in TAMPERED:
        path = f"{BUCKET}/kab-sukamaju/{where}"
        data = fs.cat_file(path)
        assert tamper(data) != data
        fs.pipe_file(path, tamper(data))
        result = CliRunner().invoke(cli, ["push", "--check", "--workspace", str(ws.root)])
        assert result.exit_code == 1, (where, result.output)
        assert "PROBLEMS FOUND" in result.output
        assert f"s3://{BUCKET}/kab-sukamaju/{where.rsplit('/', 1)[0]}" in result.output
        fs.pipe_file(path, data)  # put back: the target verifies again
        assert CliRunner().invoke(cli, ["push", "--check", "--workspace", str(ws.root)]).exit_code == 0, where


class Recorder:
    """The target's filesystem, with every write recorded in order."""

    def __init__(self, fs):
        self.fs, self.log = fs, []

    def __getattr__(self, name):
        attr = getattr(self.fs, name)
        if name in ("put_file", "pipe_file", "copy", "rm_file"):
            def recorded(*args, **kwargs):
                self.log.append((name, args[1] if name in ("put_file", "copy") else args[0]))
                return attr(*args, **kwargs)
            return recorded
        return attr


def test_a_new_version_is_whole_before_any_page_or_pointer_names_it(workspace, s3, monkeypatch):
    endpoint, fs = s3
    ws = published(workspace, endpoint)
    assert CliRunner().invoke(cli, ["push", "--workspace", str(ws.root)]).exit_code == 0
    newer = WILAYAH + "32.60.01,SUKAMAJU KOTA,Kecamatan,32.60\n32.60.02,CIBENDA,Kecamatan,32.60\n"
    outcome = take(ws, "wilayah", newer, "wilayah3.csv")
    assert outcome.status == "published"
    new = latest_release(ws, "wilayah")["version"]
    build_preview(ws)
    promote(ws)
    recorders = []
    original = type(read_target(ws)).filesystem

    def recording(self):
        recorders.append(Recorder(original(self)))
        return recorders[-1]

    monkeypatch.setattr(type(read_target(ws)), "filesystem", recording)
    assert CliRunner().invoke(cli, ["push", "--workspace", str(ws.root)]).exit_code == 0
    writes = [path.split("kab-sukamaju/", 1)[1] for _, path in recorders[0].log]  # the push (then verify)
    for tree in ("store", "site"):
        mine = [w[len(tree) + 1:] for w in writes if w.startswith(f"{tree}/")]
        version = [i for i, w in enumerate(mine) if w.startswith(f"datasets/wilayah/{new}/") and "index" not in w]
        sums = mine.index(f"datasets/wilayah/{new}/SHA256SUMS")
        assert version and sums == max(version)  # the manifest completes the version
        latest = [i for i, w in enumerate(mine) if w.startswith("datasets/wilayah/latest/")]
        index = mine.index("datasets/wilayah/releases.json")
        assert latest and sums < min(latest) and max(latest) < index  # then latest/, then releases.json
        if tree == "site":
            pages = [i for i, w in enumerate(mine) if w.endswith(".html") and "/latest/" not in w]
            assert pages and sums < min(pages) and max(pages) < min(latest)
    assert verify_remote(ws, read_target(ws)).ok
