"""Wall time and peak memory of ``pyseg stability --bootstrap`` and ``pyseg gap`` (issue 12).

    .venv/bin/python benchmarks/stability_gap.py [--rows 200 10000] [--B 100] [--workers 1 2]

Each run is a fresh ``python -m pyseg`` under ``/usr/bin/time`` (peak resident memory) on
``pyseg synth`` data generated once into a temporary directory; the R-side checks (clusterboot,
clusGap) are left out with ``--no-check`` unless ``--with-check`` is given. Printed figures, not a
timed test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MB of ``python -m pyseg ARGS``."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "pyseg", *args],
                          capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pyseg {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200, 10_000])
    parser.add_argument("--B", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--with-check", action="store_true")
    options = parser.parse_args()
    check = [] if options.with_check else ["--no-check"]
    with tempfile.TemporaryDirectory(prefix="pyseg-bench-") as folder:
        print(f"{'command':<28} {'rows':>6} {'workers':>7} {'seconds':>8} {'peak MB':>8}")
        for rows in options.rows:
            data = Path(folder) / f"synth_{rows}.csv"
            subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(rows), "--seed",
                            "0", "--output", str(data)], check=True, cwd=REPO,
                           capture_output=True)
            for label, command in ((f"stability --bootstrap {options.B}",
                                    ["stability", "--bootstrap", str(options.B)]),
                                   (f"gap --B {options.B}", ["gap", "--B", str(options.B)])):
                for workers in options.workers:
                    seconds, peak = measure([*command, "--data", str(data), "--json", *check,
                                             "--workers", str(workers)])
                    print(f"{label:<28} {rows:>6} {workers:>7} {seconds:>8.1f} {peak:>8.0f}",
                          flush=True)


if __name__ == "__main__":
    main()
