"""Benchmark (make bench, not part of make test): N regions' budget files fanned out in one Dagster run under the
multiprocess executor, with 1, 2 and N workers, and the overhead a run adds to the work of one file.

Each region is declared as a dataset of its own (a copy of schemas/apbd named apbd_r001, apbd_r002...: adding a
dataset needs no Python), with the sample's APBD 2024 workbook waiting in its inbox folder; wilayah and peraturan,
which every budget line refers to, are published first. A run selects every region's step, which are
independent, so the executor may run them side by side. Everything is written under test-artifacts/bench-fanout/.

    python -m bench.fanout --regions 100 --workers 1,2,100
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "test-artifacts" / "bench-fanout"
WORKER_MEMORY = 700 * 2**20  # about what one step's process takes (Dagster, pandas, DuckDB, Great Expectations)


def regions(count: int) -> list[str]:
    return [f"apbd_r{i:03d}" for i in range(1, count + 1)]


def fanout_job(root: str, names: str):
    """The job each step's process loads again: every named region's step, nothing else."""
    import dagster as dg  # noqa: PLC0415 - lazy: the benchmark's argument parsing needs no Dagster

    from pipelines.definitions import build_definitions  # noqa: PLC0415 - lazy: Dagster behind it
    from publish.workspace import Workspace  # noqa: PLC0415 - lazy: imported with the rest of the project

    defs = build_definitions(Workspace(Path(root)))
    job = dg.define_asset_job("fanout", selection=dg.AssetSelection.groups(*names.split(",")),
                              executor_def=dg.multiprocess_executor)
    return dg.Definitions(assets=list(defs.assets), asset_checks=list(defs.asset_checks or []), jobs=[job],
                          resources=dict(defs.resources)).resolve_job_def("fanout")


def template(count: int) -> Path:
    """A workspace with wilayah and peraturan published and each region's file waiting in its inbox folder."""
    from publish.workspace import Workspace  # noqa: PLC0415 - lazy: after sys.path is set
    from sample import generate_sample  # noqa: PLC0415 - lazy: after sys.path is set
    from bench.portal import take  # noqa: PLC0415 - lazy: after sys.path is set

    base = OUT / f"template-{count}"
    if (base / "ready").is_file():
        return base
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(ROOT / "schemas", base / "schemas")
    shutil.copy(ROOT / "terbuka.json", base / "terbuka.json")
    for name in regions(count):
        folder = base / "schemas" / name
        shutil.copytree(ROOT / "schemas" / "apbd", folder)
        doc = json.loads((folder / "datapackage.json").read_text())
        doc["name"] = name
        doc.pop("terbuka:views", None)  # one budget explorer is enough; the portal is not part of the run
        # One job steps through every region's dataset, and a Dagster job needs one partitions definition for all
        # it selects; each dataset's fiscal years are its own (dynamic) partitions, so the copies are not split by
        # year here: each step takes its region's one waiting file, as a year's run would.
        doc.pop("terbuka:partition", None)
        (folder / "datapackage.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    files = {p.name: p for p in generate_sample(OUT / "sample")}
    ws = Workspace(base).ensure()
    for dataset, name in (("wilayah", "wilayah_sukamaju.csv"), ("peraturan", "jdih_export.json")):
        outcome = take(ws, dataset, files[name].read_bytes(), name)
        assert outcome.status == "published", outcome.summary()
    budget = files["APBD_2024_MURNI.xlsx"].read_bytes()
    for name in regions(count):
        (ws.inbox / name).mkdir(parents=True, exist_ok=True)
        (ws.inbox / name / "APBD_2024_MURNI.xlsx").write_bytes(budget)
    (base / "ready").write_text("")
    return base


def fresh(base: Path, label: str):
    from pipelines.instance import instance_for  # noqa: PLC0415 - lazy: Dagster behind it
    from publish.workspace import Workspace  # noqa: PLC0415 - lazy: after sys.path is set

    root = OUT / label
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(base, root, symlinks=True)
    ws = Workspace(root)
    return ws, instance_for(ws)


PRELOAD = ["pipelines.definitions", "bench.fanout"]  # what every step imports


def fan_out(base: Path, names: list[str], workers: int, preload: bool = False) -> float:
    from pipelines.parallel import run_multiprocess  # noqa: PLC0415 - lazy: Dagster behind it
    from publish.releases import list_releases  # noqa: PLC0415 - lazy: after sys.path is set

    ws, instance = fresh(base, f"run-{len(names)}x{workers}{'-forkserver' if preload else ''}")
    start = time.perf_counter()
    result = run_multiprocess(ws, instance, "fanout", workers,
                              loader=(__name__ if __name__ != "__main__" else "bench.fanout", "fanout_job"),
                              args=(str(ws.root), ",".join(names)), preload=PRELOAD if preload else None)
    took = time.perf_counter() - start
    released = sum(bool(list_releases(ws, n)) for n in names)
    assert result.success and released == len(names), f"{released}/{len(names)} regions released"
    return took


def one_file(base: Path) -> dict[str, float]:
    """One region's file three ways: the plain path (no Dagster), an in-process run, a multiprocess run."""
    from pipelines.headless import Runner  # noqa: PLC0415 - lazy: Dagster behind it
    from bench.portal import take  # noqa: PLC0415 - lazy: after sys.path is set

    ws, _ = fresh(base, "one-plain")
    data = (ws.inbox / "apbd_r001" / "APBD_2024_MURNI.xlsx").read_bytes()
    start = time.perf_counter()
    assert take(ws, "apbd_r001", data, "APBD_2024_MURNI.xlsx").status == "published"
    plain = time.perf_counter() - start
    ws, instance = fresh(base, "one-inprocess")
    runner = Runner(ws, instance=instance)
    start = time.perf_counter()
    assert runner.run_dataset("apbd_r001", "inbox/apbd_r001/APBD_2024_MURNI.xlsx").success
    in_process = time.perf_counter() - start
    return {"plain": plain, "in_process": in_process, "multiprocess": fan_out(base, ["apbd_r001"], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=100, help="regions to fan out (default 100)")
    parser.add_argument("--workers", default="1,2,N", help="worker counts to try; N is the number of regions")
    parser.add_argument("--forkserver", action="store_true",
                        help="also run each worker count with a forkserver that imports Great Expectations once")
    args = parser.parse_args()
    os.chdir(ROOT)  # each step's process imports this module as bench.fanout, from the repository root
    import psutil  # noqa: PLC0415 - lazy: after sys.path is set

    names = regions(args.regions)
    fits = max(1, int(psutil.virtual_memory().available // WORKER_MEMORY))
    wanted = [args.regions if w.strip() == "N" else int(w) for w in args.workers.split(",")]
    workers = []
    for w in wanted:
        if w > fits:
            print(f"{w} workers would need about {w * WORKER_MEMORY / 2**30:.0f} GiB: trying {fits} instead")
        workers.append(min(w, fits))
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    base = template(args.regions)
    print(f"workspace with {args.regions} regions prepared in {time.perf_counter() - start:.1f} s "
          f"({os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB)")
    single = one_file(base)
    print(f"one region's file: {single['plain']:.1f} s without Dagster, {single['in_process']:.1f} s as an in-process "
          f"run (+{single['in_process'] - single['plain']:.1f} s), {single['multiprocess']:.1f} s as a multiprocess run "
          f"(+{single['multiprocess'] - single['plain']:.1f} s: the run and one step's process)")
    for preload in (False, True) if args.forkserver else (False,):
        for w in dict.fromkeys(workers):
            took = fan_out(base, names, w, preload)
            print(f"{args.regions} regions, {w} worker{'s' if w > 1 else ''}{', forkserver' if preload else ''}: "
                  f"{took:.1f} s wall, {took / args.regions:.2f} s per region")


if __name__ == "__main__":
    main()
