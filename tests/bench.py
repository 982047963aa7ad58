"""Benchmark (make bench, not part of make test): Terbuka's bulk checks against frictionless-py on one APBD file."""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_csv(rows: int) -> bytes:
    rng = random.Random(7)
    out = io.StringIO()
    out.write("tahun;tahap;kode wilayah;kode skpd;nama skpd;kode sub kegiatan;kode rekening;nama rekening;pagu;realisasi\n")
    for i in range(rows):
        skpd = f"1.{rng.randint(1, 9):02d}.0.00.0.00.01.0000"
        sub = f"1.02.02.2.01.{i // 1000:04d}"
        rek = f"5.1.02.01.01.{i % 1000:04d}"
        pagu = rng.randint(1, 10**9)
        out.write(f"2024;murni;32.60;{skpd};Dinas {i % 9};{sub};{rek};Belanja {i % 50};{pagu:,};{pagu // 2:,}\n"
                  .replace(",", "."))
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--frictionless-rows", type=int, default=50_000)
    args = parser.parse_args()

    from assets.validation import check_bytes
    from publish.declarations import load_declaration

    declaration = load_declaration(ROOT / "schemas" / "apbd")
    data = make_csv(args.rows)
    start = time.perf_counter()
    checked = check_bytes(data, "bench.csv", declaration, references={}, business_rules=False)
    took = time.perf_counter() - start
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"terbuka structure checks: {args.rows:,} rows ({len(data) / 1e6:.0f} MB) in {took:.2f} s "
          f"({args.rows / took:,.0f} rows/s); {checked.report.errors} errors (foreign keys unresolved "
          f"without references); peak memory {peak:,.0f} MiB")
    start = time.perf_counter()
    checked = check_bytes(data, "bench.csv", declaration, references={}, business_rules=True)
    took = time.perf_counter() - start
    print(f"terbuka all checks incl. Great Expectations: {took:.2f} s")

    import frictionless

    small = make_csv(args.frictionless_rows).decode().replace(";", ",").replace(".", "")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bench.csv").write_text(small)
        start = time.perf_counter()
        report = frictionless.validate("bench.csv", basepath=tmp)
        took = time.perf_counter() - start
    print(f"frictionless-py (inferred schema): {args.frictionless_rows:,} rows in {took:.2f} s "
          f"({args.frictionless_rows / took:,.0f} rows/s), valid={report.valid}")


if __name__ == "__main__":
    main()
