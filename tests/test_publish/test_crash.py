"""SIGKILL a publishing process at random moments: the site always verifies and `latest` always resolves."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from publish.releases import latest_release, list_releases
from publish.verify import verify_site

CHILD = textwrap.dedent("""
    import sys
    import pyarrow as pa
    from publish.declarations import get_declaration
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
        time.sleep(rng.uniform(0.0, 0.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        result = verify_site(workspace)
        assert result.ok, (attempt, result)
        live = latest_release(workspace, "wilayah")
        if live:
            link = workspace.site / "datasets" / "wilayah" / "latest"
            assert link.resolve().is_dir() and (link / "data.csv").is_file()
    versions = [r["version"] for r in list_releases(workspace, "wilayah")]
    assert len(versions) > KILLS, "the kills all landed before any release: the test proved nothing"
    assert len(versions) == len(set(versions))
