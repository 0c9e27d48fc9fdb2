"""Wall time and peak memory of ``pyseg stability --bootstrap`` and ``pyseg gap`` (issue 12).

    .venv/bin/python benchmarks/stability_gap.py [--rows 200 10000] [--B 100] [--workers 1 2]
        [--methods kmeans pam gmm] [--k-max 10]

Each run is a fresh ``python -m pyseg`` under ``/usr/bin/time`` (peak resident memory) on
``pyseg synth`` data generated once into a temporary directory; the R-side checks (clusterboot,
clusGap) are left out with ``--no-check`` unless ``--with-check`` is given. ``--methods`` picks the
methods refitted (``--method``; default kmeans), ``--k-max`` the gap's K. The load average is
printed before each run (other processes share the machine). Printed figures, not a timed test.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--methods", nargs="+", default=["kmeans"],
                        choices=["kmeans", "hierarchical", "pam", "gmm"])
    parser.add_argument("--k-max", type=int, default=10)
    parser.add_argument("--commands", nargs="+", default=["stability", "gap"],
                        choices=["stability", "gap"])
    options = parser.parse_args()
    check = [] if options.with_check else ["--no-check"]
    with tempfile.TemporaryDirectory(prefix="pyseg-bench-") as folder:
        print(f"{'command':<28} {'method':<12} {'rows':>6} {'workers':>7} {'seconds':>8} "
              f"{'peak MB':>8} {'load 1m':>7}")
        for rows in options.rows:
            data = Path(folder) / f"synth_{rows}.csv"
            subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(rows), "--seed",
                            "0", "--output", str(data)], check=True, cwd=REPO,
                           capture_output=True)
            commands = {"stability": (f"stability --bootstrap {options.B}",
                                      ["stability", "--bootstrap", str(options.B)]),
                        "gap": (f"gap --B {options.B} --k-max {options.k_max}",
                                ["gap", "--B", str(options.B), "--k-max", str(options.k_max)])}
            for method in options.methods:
                for label, command in (commands[name] for name in options.commands):
                    for workers in options.workers:
                        load = os.getloadavg()[0]
                        seconds, peak = measure([*command, "--data", str(data), "--json", *check,
                                                 "--method", method, "--workers", str(workers)])
                        print(f"{label:<28} {method:<12} {rows:>6} {workers:>7} {seconds:>8.1f} "
                              f"{peak:>8.0f} {load:>7.2f}", flush=True)


if __name__ == "__main__":
    main()
