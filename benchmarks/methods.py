"""Time and peak memory of hierarchical clustering and DBSCAN, per language (issue 10).

    .venv/bin/python benchmarks/methods.py            # a few minutes; --help for options

Every measurement runs in a fresh child process under ``/usr/bin/time``, which gives its peak
resident memory: pyseg's Python engine, pyseg's R engine (R in that process through rpy2), and
the library comparison (both fits, alignment, diagnosis) on ``pyseg synth`` data. The data are
generated once into a temporary directory. Printed figures, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: DBSCAN settings on the mall-like data.
EPS, MIN_POINTS = 3.0, 5


def child(kind: str, path: str) -> None:
    """Run one measurement in this (child) process and print its seconds as JSON."""
    import numpy as np

    from pyseg._data import load_dataset
    from pyseg._dbscan import compare_dbscan
    from pyseg._hierarchical import compare_hierarchical
    from pyseg.engines import (
        RDbscanEngine,
        RHierarchicalEngine,
        ScipyHierarchicalEngine,
        SklearnDbscanEngine,
    )

    dataset = load_dataset(path, keep_table=False)
    X = np.ascontiguousarray(dataset.X)
    runs = {
        "hier-python": lambda: ScipyHierarchicalEngine().fit(X, 5, "ward"),
        "hier-r": lambda: RHierarchicalEngine().fit(X, 5, "ward"),
        "hier-compare": lambda: compare_hierarchical(dataset, 5, "ward"),
        "dbscan-python": lambda: SklearnDbscanEngine().fit(X, EPS, MIN_POINTS),
        "dbscan-python-direct": lambda: SklearnDbscanEngine("direct").fit(X, EPS, MIN_POINTS),
        "dbscan-r": lambda: RDbscanEngine().fit(X, EPS, MIN_POINTS),
        "dbscan-compare": lambda: compare_dbscan(dataset, EPS, MIN_POINTS),
    }
    # load R and scikit-learn before the clock starts: the figures are the fits
    import sklearn.cluster
    import sklearn.neighbors  # noqa: F401

    if "-r" in kind or "compare" in kind:
        RHierarchicalEngine().check_ready()
    start = time.perf_counter()
    result = runs[kind]()
    seconds = time.perf_counter() - start
    extra = {}
    if kind.endswith("compare"):
        extra = {"passed": result.passed, "agreement": result.agreement.accuracy,
                 **{key: round(value, 3) for key, value in result.timings.items()}}
    print(json.dumps({"seconds": seconds, **extra}))


def measure(kind: str, path: Path) -> dict[str, object]:
    """``kind`` in a fresh process: its own seconds, wall seconds and peak RSS (MiB)."""
    command = ["/usr/bin/time", "-f", "%e %M", sys.executable, __file__, "--child", kind,
               str(path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    wall, peak_kib = done.stderr.strip().splitlines()[-1].split()
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": float(wall),
            "peak_mib": int(peak_kib) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--hier-rows", default="10000,50000")
    parser.add_argument("--dbscan-rows", default="10000,100000")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pyseg-methods-") as folder:
        plan = [(n, kind) for n in map(int, args.hier_rows.split(","))
                for kind in ("hier-python", "hier-r", "hier-compare")]
        plan += [(n, kind) for n in map(int, args.dbscan_rows.split(","))
                 for kind in ("dbscan-python", "dbscan-python-direct", "dbscan-r",
                              "dbscan-compare")]
        print(f"| {'measure':<30} | {'rows':>7} | {'fit s':>7} | {'wall s':>7} | "
              f"{'peak MiB':>8} | notes")
        for n, kind in plan:
            path = Path(folder) / f"synth_{n}.csv"
            if not path.exists():
                subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(n), "--seed",
                                "0", "--output", str(path)], check=True, capture_output=True)
            row = measure(kind, path)
            if "error" in row:
                print(f"| {kind:<30} | {n:>7} | failed: {row['error']}")
                continue
            notes = {k: v for k, v in row.items() if k not in ("seconds", "wall", "peak_mib")}
            print(f"| {kind:<30} | {n:>7} | {row['seconds']:>7.2f} | {row['wall']:>7.2f} | "
                  f"{row['peak_mib']:>8.0f} | {notes or ''}", flush=True)


if __name__ == "__main__":
    main()
