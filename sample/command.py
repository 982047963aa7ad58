"""python -m sample: write the Sukamaju sample inbox, or a whole fictional province workspace (--province)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sample.generator import generate_sample
from sample.province import generate_province


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample",
        description="Write the Kabupaten Sukamaju sample files into an inbox folder (python -m sample inbox), or "
                    "a whole workspace of a fictional province serving three regions (python -m sample --province "
                    "DIR; then TERBUKA_WORKSPACE=DIR terbuka dev).")
    parser.add_argument("inbox", type=Path, help="folder to write into (created if missing); with --province, the "
                                                 "new workspace's folder")
    parser.add_argument("--province", action="store_true",
                        help="a province workspace: terbuka.json listing three fictional regions, declarations "
                             "split by region and fiscal year, and each region's budget files in inbox/")
    args = parser.parse_args(argv)
    if args.province:
        files = generate_province(args.inbox)
    else:
        files = generate_sample(args.inbox)
    for path in files:
        print(path)
    return 0

