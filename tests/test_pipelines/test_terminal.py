"""The terminal: a live bar on a pseudo-terminal, plain lines elsewhere, silence with --quiet, and one status
view of the workspace in the officer's language and as stable JSON."""

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.headless import run_pending
from tests.support import WILAYAH, drop

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("terbuka")
ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def long_file(tmp_path) -> Path:
    """A region register big enough for its publish to take a few seconds."""
    path = tmp_path / "wilayah_besar.csv"
    rows = "".join(f"32.60.{i // 1000:02d}.{1000 + i % 1000},Desa {i},Desa,32.60.{i // 1000:02d}\n" for i in range(60000))
    districts = "".join(f"32.60.{i:02d},Kecamatan {i},Kecamatan,32.60\n" for i in range(60))
    path.write_text(WILAYAH + districts + rows)
    return path


def on_a_terminal(args, env) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal; everything it drew."""
    master, slave = pty.openpty()
    child = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif child.poll() is not None:
            break
    child.wait(timeout=600)
    os.close(master)
    return out.decode("utf-8", "replace")


def test_a_long_publish_shows_a_moving_bar_on_a_terminal_and_plain_lines_elsewhere(workspace, tmp_path):
    path = long_file(tmp_path)
    env = dict(os.environ, **ENGLISH, PYTHONPATH=str(ROOT), COLUMNS="120", TERM="xterm")
    drawn = on_a_terminal([str(EXE), "publish", "wilayah", str(path), "--no-site", "--workspace",
                           str(workspace.root)], env)
    assert "published version 1.0.0" in drawn, drawn[-2000:]
    assert "━" in drawn  # rich's bar
    counts = {int(n.replace(",", "")) for n in re.findall(r"checking wilayah_besar\.csv[^\r\n]*?([\d,]+)/[\d,]+", drawn)}
    assert len(counts) >= 2, drawn[-3000:]  # the bar advanced: it was drawn at more than one point

    plain = subprocess.run([str(EXE), "publish", "wilayah", str(path), "--no-site", "--workspace",
                            str(workspace.root)], capture_output=True, text=True,
                           env=dict(env, TERBUKA_PROGRESS_EVERY="0.05"), timeout=600)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "━" not in plain.stderr and "\x1b[" not in plain.stderr  # no bar, no escape codes in a log
    assert re.search(r"reading wilayah_besar\.csv: [\d,]+/[\d,]+ bytes", plain.stderr), plain.stderr
    assert "unchanged" in plain.stdout  # the same file again: nothing new, said plainly

    quiet = subprocess.run([str(EXE), "publish", "wilayah", str(path), "--no-site", "--quiet", "--workspace",
                            str(workspace.root)], capture_output=True, text=True,
                           env=dict(env, TERBUKA_PROGRESS_EVERY="0.05"), timeout=600)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_status_lists_live_versions_quarantine_and_what_waits(workspace):
    drop(workspace, "wilayah.csv", WILAYAH)
    assert run_pending(workspace, echo=lambda line: None) == 0
    drop(workspace, "salah.csv", WILAYAH + "32.61.01,Lain,Kecamatan,32.61\n")
    assert run_pending(workspace, echo=lambda line: None) == 1
    drop(workspace, "baru.csv", WILAYAH.replace("SUKAMAJU", "SUKAMAJU BARU"))  # waiting, not yet run

    said = CliRunner(env=ENGLISH).invoke(cli, ["status", "--workspace", str(workspace.root)])
    assert said.exit_code == 1  # a rejection waits for an officer
    lines = said.output.splitlines()
    assert lines[0].startswith("wilayah: live 1.0.0 (") and "2 rows" in lines[0]
    assert any("in the inbox since" in line and "inbox/wilayah/baru.csv" in line for line in lines)
    [rejected] = [line for line in lines if "quarantined" in line]
    assert "salah.csv" in rejected and "32.61" in rejected and "report.html" in rejected
    for dataset in ("peraturan", "apbd", "kinerja"):
        assert f"{dataset}: nothing published yet" in lines
    assert "verify has not run yet" in lines

    indonesian = CliRunner().invoke(cli, ["status", "--lang", "id", "--workspace", str(workspace.root)])
    assert "wilayah: tayang 1.0.0" in indonesian.output and "dikarantina" in indonesian.output

    CliRunner().invoke(cli, ["verify", "--workspace", str(workspace.root)])
    doc = json.loads(CliRunner().invoke(cli, ["status", "--json", "--workspace", str(workspace.root)]).output)
    assert set(doc) == {"workspace", "datasets", "arriving", "unmatched", "verify"}
    [wilayah] = [d for d in doc["datasets"] if d["id"] == "wilayah"]
    assert set(wilayah) == {"id", "title", "live", "awaiting_promotion", "inbox", "quarantine", "held"}
    assert set(wilayah["live"]) == {"version", "released", "rows"} and wilayah["live"]["version"] == "1.0.0"
    [q] = wilayah["quarantine"]
    assert set(q) == {"file", "at", "sha256", "errors", "unusable", "reason_id", "reason_en", "report"}
    assert q["file"] == "salah.csv" and q["errors"] == 1 and (workspace.root / q["report"]).is_file()
    assert [f["file"] for f in wilayah["inbox"]] == ["inbox/wilayah/baru.csv"]
    assert doc["verify"]["ok"] is True and set(doc["verify"]) >= {"at", "ok", "problems"}
