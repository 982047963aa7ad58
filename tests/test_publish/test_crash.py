"""SIGKILL a publishing process at random moments: the release store and site/ always verify and `latest`
always resolves in both."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from publish.promote import clear_leftovers
from publish.releases import latest_release, list_releases, recover_all
from publish.verify import verify_all

CHILD = textwrap.dedent("""
    import sys
    import pyarrow as pa
    from publish.declarations import get_declaration
    from publish.promote import build_preview, promote
    from publish.releases import write_release
    from publish.workspace import Workspace

    ws = Workspace(__import__("pathlib").Path(sys.argv[1]))
    d = get_declaration(ws, "wilayah")
    start = int(sys.argv[2])

    def publish(i):
        rows = [{"kode": "32", "nama": "JAWA BARAT", "tingkat": "provinsi", "kode_induk": None}]
        rows += [{"kode": f"32.{n:02d}", "nama": f"KAB {n} v{i}", "tingkat": "kabupaten", "kode_induk": "32"}
                 for n in range(1, 60)]
        write_release(ws, d, pa.Table.from_pylist(rows), {"errors": 0, "warnings": 0},
                      {"name": f"{i}.csv", "sha256": "0" * 64}, "https://example.test/")
        if i % 2 == 0:  # now and then the portal too: kills then also land in the preview build and promotion
            build_preview(ws)
            promote(ws)

    publish(start)  # warm up (imports, caches) so the kill lands in steady publishing, not at start-up
    print("ready", flush=True)
    for i in range(start + 1, start + 1000):
        publish(i)
""")

KILLS = 24


def test_kill_at_random_moments_never_breaks_the_site(workspace, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    rng = random.Random(20261127)
    env = dict(os.environ, PYTHONPATH=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    for attempt in range(KILLS):
        child = subprocess.Popen([sys.executable, str(script), str(workspace.root), str(attempt * 1000)],
                                 stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 1.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        result = verify_all(workspace)
        # right after a kill, only what the next run clears first may be out of place: a staging folder or a
        # temporary file of the killed build or promotion
        assert all("left by a killed build or promotion" in e for e in result.extra), (attempt, result)
        assert not (result.missing or result.changed or result.broken), (attempt, result)
        recover_all(workspace)  # what the next publish or build does first
        with workspace.lock("portal"):
            clear_leftovers(workspace.site)
            clear_leftovers(workspace.preview)
        result = verify_all(workspace)
        assert result.ok, (attempt, result)
        for tree in (workspace.releases, workspace.site):
            if latest_release(workspace, "wilayah", tree):
                link = tree / "datasets" / "wilayah" / "latest"
                assert link.resolve().is_dir() and (link / "data.csv").is_file(), (attempt, tree)
    versions = [r["version"] for r in list_releases(workspace, "wilayah")]
    assert len(versions) > KILLS, "the kills all landed before any release: the test proved nothing"
    assert len(versions) == len(set(versions))
    assert list_releases(workspace, "wilayah", workspace.site), "no promotion ever finished: the test proved nothing"
