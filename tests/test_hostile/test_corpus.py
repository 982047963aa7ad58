"""Every hostile input gets its exact outcome: through check_bytes, and through `terbuka validate --json` in a
child process (exit 1 or 2, parseable JSON, under 1 GB resident, no hang, nothing written anywhere)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from assets.validation import check_bytes
from tests.test_hostile.conftest import SCHEMAS, declared
from tests.test_hostile.corpus import CASES, Case

RSS_LIMIT_KIB = 1 << 20  # 1 GiB, as ru_maxrss counts it on Linux
TIMEOUT = 90  # seconds for one validation: far above any case, so only a hang reaches it
TERBUKA = Path(sys.executable).with_name("terbuka")


@dataclass
class Run:
    case: Case
    code: int | None  # None: killed after TIMEOUT
    stdout: str
    stderr: str
    rss_kib: int
    seconds: float


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """Each case written under inputs/, and the path to give the CLI ('../' names through real folders)."""
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "inputs"
    paths = {}
    for case in CASES:
        parts = Path(case.name).parts
        depth = sum(p == ".." for p in parts)
        folder = inputs.joinpath(*[f"d{i}" for i in range(depth)])
        folder.mkdir(parents=True, exist_ok=True)
        (inputs / parts[-1]).write_bytes(case.make())
        paths[case.name] = folder.joinpath(*parts)  # e.g. inputs/d0/d1/d2/../../../escape.csv
    return {"root": root, "paths": paths}


def _outcome(report: dict) -> str:
    return "valid" if report["valid"] else ("unusable" if report["unusable"] else "invalid")


def _expected(case: Case, report: dict) -> None:
    assert _outcome(report) == case.outcome, (case.name, [(g["type"], g["note"][:200]) for g in report["groups"]])
    if case.outcome == "unusable":
        (problem,) = report["problems"]
        assert problem["type"] == "source-error" and case.expect.lower() in problem["note"].lower(), problem
        assert problem["note_id"] and problem["note_id"] != problem["note"], problem  # both languages
    else:
        assert any(p["type"] == case.expect and p["severity"] == "error" for p in report["problems"]), \
            (case.name, [(p["type"], p["note"][:120]) for p in report["problems"]][:10])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_outcome_in_process(case, corpus):
    path = corpus["paths"][case.name]
    checked = check_bytes(path.read_bytes(), case.name, declared(case.dataset), {}, business_rules=False)
    report = checked.report.to_dict()
    _expected(case, report)
    assert report["source"] == Path(case.name).name and "/" not in report["source"]


def test_encodings_are_read_exactly(corpus):
    """Every BOM and UTF-16/32 form reads the accented row exactly; Windows-1252 too, and says so."""
    for case in CASES:
        if case.expect != "constraint-error" or not case.name.startswith(("utf", "cp1252")):
            continue
        report = check_bytes(corpus["paths"][case.name].read_bytes(), case.name, declared("wilayah"), {},
                             business_rules=False).report
        (bad,) = [p for p in report.problems if p.type == "constraint-error"]
        assert (bad.row, bad.field, bad.value) == (4, "tingkat", "negara"), case.name
        assert report.rows == 3
        if case.name == "cp1252.csv":
            (note,) = [p for p in report.problems if p.type == "encoding"]
            assert "Désa Ñusa – Indah" in note.note and note.severity == "info"


def _tree(root: Path) -> dict:
    """Every file under root with its size and modification time."""
    out = {}
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            st = path.lstat()
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


# A small launcher starts each `terbuka validate` and reports its peak memory. Started straight from pytest, a
# child's ru_maxrss would include pytest's own memory (Linux keeps the high-water mark across fork and exec).
LAUNCHER = """
import json, os, sys, time
report, limit, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
pid, start, code = os.posix_spawn(argv[0], argv, os.environ), time.monotonic(), None
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        code = os.waitstatus_to_exitcode(status)
        break
    if time.monotonic() - start > limit:
        os.kill(pid, 9)
        usage = os.wait4(pid, 0)[2]
        break
    time.sleep(0.02)
with open(report, "w") as fh:
    json.dump({"code": code, "rss_kib": usage.ru_maxrss}, fh)
"""


def _run(case: Case, path: Path, workspace: Path, env: dict, cwd: Path) -> Run:
    start = time.monotonic()
    stem = cwd / f"run-{id(case)}"
    argv = [str(TERBUKA), "validate", case.dataset, str(path), "--json", "--workspace", str(workspace)]
    with open(f"{stem}.out", "w+b") as out, open(f"{stem}.err", "w+b") as err:
        launcher = os.posix_spawn(sys.executable, [sys.executable, "-c", LAUNCHER, f"{stem}.json", str(TIMEOUT),
                                                   *argv], env,
                                  file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                                                (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        os.waitpid(launcher, 0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    measured = json.loads(Path(f"{stem}.json").read_text())
    for suffix in (".out", ".err", ".json"):
        Path(f"{stem}{suffix}").unlink()
    return Run(case, measured["code"], stdout, stderr, measured["rss_kib"], time.monotonic() - start)


def test_corpus_through_the_cli(corpus, capsys):
    root = corpus["root"]
    workspace, home, cwd = root / "ws", root / "home", root / "cwd"
    shutil.copytree(SCHEMAS, workspace / "schemas")
    shutil.copy(SCHEMAS.parent / "terbuka.json", workspace / "terbuka.json")
    for folder in (home, cwd, root / "tmp"):
        folder.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "TMPDIR": str(root / "tmp"),
           "LANG": "C.UTF-8", "DAGSTER_DISABLE_TELEMETRY": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    before = _tree(root)
    started = time.monotonic()
    # Files that are read start the business rules, the slow part: they go first, so two workers stay busy.
    order = sorted(CASES, key=lambda c: c.outcome == "unusable")
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda c: _run(c, corpus["paths"][c.name], workspace, env, cwd), order))
    written = {p for p, stat in _tree(root).items() if before.get(p) != stat}

    crashes, hangs, clear, failures = [], [], 0, []
    for run in runs:
        if run.code is None:
            hangs.append(run.case.name)
            continue
        try:
            report = json.loads(run.stdout)
        except ValueError:
            crashes.append(f"{run.case.name}: exit {run.code}, no JSON: {run.stderr[-500:]}")
            continue
        if run.code not in (1, 2):
            crashes.append(f"{run.case.name}: exit {run.code}")
            continue
        try:
            assert run.code == (2 if run.case.outcome == "unusable" else 1)
            _expected(run.case, report)
            clear += 1
        except AssertionError as exc:
            failures.append(f"{run.case.name}: {exc}")
        if run.rss_kib >= RSS_LIMIT_KIB:
            failures.append(f"{run.case.name}: {run.rss_kib >> 10} MiB resident")
    peak = max(runs, key=lambda r: r.rss_kib)
    line = (f"hostile corpus: {len(runs)} inputs tried, {clear} clear outcomes, {len(crashes)} crashes, "
            f"{len(hangs)} hangs, {len(written)} files written outside the workspace, peak memory "
            f"{peak.rss_kib >> 10} MiB ({peak.case.name}), {time.monotonic() - started:.0f} s")
    with capsys.disabled():
        print("\n" + line)
    assert not crashes and not hangs and not failures and not written, (line, crashes, hangs, failures, written)
    assert clear == len(CASES)
