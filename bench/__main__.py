"""`make bench`: one table, measured in one run on the same files (see BENCHMARKS.md for the figures).

For each size (BENCH_ROWS, default 100000,1000000,5000000) an APBD file is generated in the messy
source form; on it, as child processes: the DuckDB floor (read CSV, write Parquet), frictionless-py
with the same schema, `terbuka validate` and `terbuka publish` (split by stage and Dagster step).
Then a small file from inbox/ to live through the sensor, and a portal of BENCH_PORTAL datasets x
versions (default 200x5). BENCH_PARTS=files,small,portal picks parts; BENCH_TMP the scratch folder;
BENCH_MAX_RSS_MB (default 12000) stops a child that would take more of a shared machine's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench import drop, portal
from bench.generate import write_apbd
from bench.measure import Measured, run
from bench.reference import frictionless_schema

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROWS = "100000,1000000,5000000"
STEPS = [("apbd__file", "file: read + checks + release"),  # one step per file since main's rewrite
         ("apbd__raw", "raw snapshot"), ("apbd__clean", "clean: read + checks"), ("apbd__release", "release"),
         ("preview", "portal preview"), ("portal", "portal promotion")]
INNER = ["read", "ingest", "references", "structure", "personal data", "business rules", "release", "preview", "promote"]


def machine() -> str:
    import duckdb
    import frictionless

    return (f"{psutil.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
            f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM, Linux {platform.release()}, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, frictionless {frictionless.__version__}; "
            f"load average at start {os.getloadavg()[0]:.1f}")


def base_workspace(root: Path):
    """Declarations, config and the two references apbd points into (wilayah, peraturan), released."""
    from bench.portal import take
    from publish.workspace import Workspace
    from sample import generate_sample

    shutil.copytree(ROOT / "schemas", root / "schemas")
    source = root / "schemas" / "apbd" / "source.json"  # the generated files are past the default limits
    mapping = json.loads(source.read_text(encoding="utf-8"))
    mapping["limits"] = {**mapping.get("limits", {}), "bytes": 1 << 40, "rows": 100_000_000}
    source.write_text(json.dumps(mapping, ensure_ascii=False, indent=2), encoding="utf-8")
    shutil.copy(ROOT / "terbuka.json", root / "terbuka.json")
    workspace = Workspace(root).ensure()
    for path in generate_sample(root / "sample")[:2]:
        outcome = take(workspace, path.parent.name, path.read_bytes(), path.name)
        assert outcome.accepted, outcome.message(workspace, "en")
    shutil.rmtree(root / "sample")
    return workspace


def clone(workspace, root: Path):
    from publish.workspace import Workspace

    shutil.copytree(workspace.root, root, symlinks=True)
    return Workspace(root)


def limits() -> dict:
    return {"timeout": 1200, "max_rss_mb": float(os.environ.get("BENCH_MAX_RSS_MB", 12_000))}


def terbuka(label: str, args: list[str], workspace, scratch: Path) -> Measured:
    """A `terbuka` command in a child process, with its stages timed (bench.timed)."""
    phases = scratch / "phases.json"
    phases.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_PHASES=str(phases), DAGSTER_HOME=str(workspace.dagster_home))
    measured = run(label, [sys.executable, "-m", "bench.timed", *args, "--workspace", str(workspace.root)],
                   env=env, cwd=ROOT, **limits())
    if phases.exists():
        measured.phases = json.loads(phases.read_text())
    return measured


def step_seconds(workspace) -> dict[str, float]:
    """Duration of each step of the workspace's latest Dagster run, from its event log."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(workspace.dagster_home))
    runs = instance.get_runs(limit=1)
    if not runs:
        return {}
    return {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(runs[0].run_id)
            if s.end_time and s.start_time}


class Table:
    """Rows of the one printed table (markdown, to paste into BENCHMARKS.md)."""

    def __init__(self):
        self.rows: list[list[str]] = []

    def add(self, rows: str, what: str, wall: float | None = None, peak: float | None = None, note: str = "",
            cpu: float | None = None) -> None:
        self.rows.append([rows, what, "" if wall is None else f"{wall:,.2f}", "" if cpu is None else f"{cpu:,.1f}",
                          "" if peak is None else f"{peak:,.0f}", note])
        print(" | ".join(self.rows[-1]), flush=True)  # progress: each figure as soon as it exists

    def measured(self, rows: str, m: Measured, note: str = "") -> None:
        if m.stopped or m.returncode not in (0, 1):
            tail = (m.stderr or m.stdout).strip().splitlines()[-1:] or [""]
            note = f"{m.stopped or 'exit ' + str(m.returncode)}: {tail[0][:160]}" + (f"; {note}" if note else "")
        self.add(rows, m.label, m.wall, m.peak_mb, note, m.cpu)

    def render(self) -> str:
        head = ["rows", "what", "wall s", "CPU s", "peak RSS MB", "ratio / note"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in self.rows])


def files(table: Table, base, scratch: Path, sizes: list[int]) -> None:
    from publish.declarations import get_declaration

    schema = scratch / "frictionless-schema.json"
    schema.write_text(json.dumps(frictionless_schema(get_declaration(base, "apbd"))), encoding="utf-8")
    for rows in sizes:
        label = f"{rows:,}"
        path = scratch / f"apbd_{rows}.csv"
        start = time.perf_counter()
        size = write_apbd(path, rows)
        table.add(label, f"generate the file ({size / 2**20:,.0f} MB)", time.perf_counter() - start)
        floor = run("DuckDB floor: read CSV, write Parquet",
                    [sys.executable, "-m", "bench.reference", "floor", str(path), str(scratch / "floor.parquet")], cwd=ROOT,
                    **limits())
        table.measured(label, floor, "1.0x (the floor)")
        friction = run("frictionless-py validate (same schema)",
                       [sys.executable, "-m", "bench.reference", "frictionless", str(path), str(schema)], cwd=ROOT,
                       **(limits() | {"timeout": 3600}))
        verdict = json.loads(friction.stdout or "{}")
        table.measured(label, friction, f"{friction.wall / floor.wall:,.1f}x floor; valid={verdict.get('valid')}, "
                                        f"rows={verdict.get('rows')}")
        workspace = clone(base, scratch / f"ws_{rows}")
        validate = terbuka("terbuka validate", ["validate", "apbd", str(path)], workspace, scratch)
        table.measured(label, validate, f"frictionless/terbuka {friction.wall / validate.wall:,.1f}x (target >= 10x); "
                                        f"{validate.wall / floor.wall:,.1f}x floor; "
                                        f"{(validate.stdout.strip().splitlines() or [''])[0][:60]}")
        for stage in INNER:
            if stage in validate.phases:
                table.add(label, f"  validate: {stage}", validate.phases[stage])
        publish = terbuka("terbuka publish", ["publish", "apbd", str(path)], workspace, scratch)
        table.measured(label, publish, f"{publish.wall / floor.wall:,.1f}x floor; "
                                       f"{(publish.stdout.strip().splitlines() or [''])[0][:70]}")
        steps = step_seconds(workspace) if publish.returncode in (0, 1) else {}
        for key, name in STEPS:
            if key in steps:
                table.add(label, f"  publish step: {name}", steps[key])
        for stage in INNER:
            if stage in publish.phases:
                table.add(label, f"    inside: {stage}", publish.phases[stage])
        core = sum(steps.get(k, 0) for k in ("apbd__file", "apbd__raw", "apbd__clean", "apbd__release"))
        if core:
            table.add(label, "publish ingest + checks + release (steps)", core, None,
                      f"{core / floor.wall:,.1f}x floor (target <= 3x at 5M)")
            portal_steps = steps.get("preview", 0) + steps.get("portal", 0)
            table.add(label, "portal rebuild after it (preview + promotion steps)", portal_steps, None,
                      "target <= 10 s")
        shutil.rmtree(workspace.root)
        path.unlink()


def small(table: Table, base, scratch: Path) -> None:
    """A small budget file: through `terbuka publish`, then through inbox/ and the sensor."""
    workspace = clone(base, scratch / "ws_small")
    first, changed, other = scratch / "small.csv", scratch / "small_changed.csv", scratch / "small_other.csv"
    write_apbd(first, 2_000)
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace("Belanja", "Belanja Ubah", 1)  # one cell: an account line's name
    changed.write_text("".join(lines), encoding="utf-8")
    lines[6] = lines[6].replace("Belanja", "Belanja Ubah", 1)
    other.write_text("".join(lines), encoding="utf-8")
    table.measured("2,000", terbuka("terbuka publish, first version + portal", ["publish", "apbd", str(first)],
                                    workspace, scratch))
    table.measured("2,000", terbuka("terbuka publish, one cell changed, to live", ["publish", "apbd", str(changed)],
                                    workspace, scratch), "target ~15 s drop to live")
    table.measured("-", terbuka("terbuka run, nothing waiting (no-op)", ["run"], workspace, scratch), "target ~2 s")
    dropped = drop.drop_to_live(workspace, other.read_bytes())
    table.add("2,000", "UI path: dropped in inbox/ -> live in site/ (sensor + daemon)", dropped["live"], None,
              dropped["note"] or "target ~15 s; sensor interval 15 s, file settles 5 s")
    table.add("2,000", "UI path: same bytes dropped again -> filed away (no run)", dropped["repeat"], None, "target ~2 s")
    quiet = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    table.measured("2,000", run("terbuka validate with PYTHONDONTWRITEBYTECODE=1",
                                [sys.executable, "-m", "pipelines.cli", "validate", "apbd", str(first),
                                 "--workspace", str(workspace.root)], env=quiet, cwd=ROOT),
                   "as fast as without: the environment is installed with bytecode")
    shutil.rmtree(workspace.root)


def portal_build(table: Table, base, scratch: Path, datasets: int, versions: int) -> None:
    workspace = clone(base, scratch / "ws_portal")
    start = time.perf_counter()
    made = portal.populate(workspace, datasets, versions)
    table.add(f"{datasets}x{versions}", f"setup: {made} releases of {datasets} generated datasets (not a target)",
              time.perf_counter() - start)
    label = f"{datasets}x{versions}"
    table.measured(label, terbuka("terbuka build-site, first build", ["build-site"], workspace, scratch),
                   "target <= 20 s")
    table.measured(label, terbuka("terbuka build-site, nothing changed", ["build-site"], workspace, scratch))
    shutil.rmtree(workspace.root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default=os.environ.get("BENCH_ROWS", DEFAULT_ROWS))
    parser.add_argument("--portal", default=os.environ.get("BENCH_PORTAL", "200x5"))
    parser.add_argument("--parts", default=os.environ.get("BENCH_PARTS", "files,small,portal"))
    args = parser.parse_args()
    sizes = [int(r.replace("_", "")) for r in args.rows.split(",") if r.strip()]
    datasets, versions = (int(n) for n in args.portal.lower().split("x"))
    parts = {p.strip() for p in args.parts.split(",")}
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    print(f"Terbuka bench: {machine()}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="terbuka-bench-", dir=os.environ.get("BENCH_TMP")))
    table = Table()
    try:
        base = base_workspace(scratch / "base")
        if "files" in parts:
            files(table, base, scratch, sizes)
        if "small" in parts:
            small(table, base, scratch)
        if "portal" in parts:
            portal_build(table, base, scratch, datasets, versions)
    finally:
        print("\n" + table.render())
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
