"""Time and peak memory of hierarchical clustering and DBSCAN, per language (issue 10).

    .venv/bin/python benchmarks/methods.py            # a few minutes; --help for options

Every measurement runs in a fresh child process under ``/usr/bin/time``, which gives its peak
resident memory: pyseg's Python engine, pyseg's R engine (R in that process through rpy2), and
the library comparison (both fits, alignment, diagnosis) on ``pyseg synth`` data. The data are
generated once into a temporary directory. Printed figures, not a timed test.

The last table checks issue 10's target: the whole comparison <= 1.1 x the slower side's own fit
(each side timed alone in its own process), for ward on pyseg's route (fastcluster on both sides
from 5,000 rows), for ward on the course's calls (``--matrix-rows``: scipy ``linkage`` against
``hclust(dist(X))``, n^2 memory) and for DBSCAN. In the comparison R runs in this process
through rpy2 beside Python's fit in a thread; fastcluster's ``linkage_vector`` holds the GIL, so
the two fits overlap only in part (see the ``python_fit`` / ``r_fit`` notes). The ``-worker``
rows run R's side in the R worker process, as ``pyseg compare --method`` does, so the two fits
run on two cores.
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
    from pyseg.engines import (
        RDbscanEngine,
        RHierarchicalEngine,
        RWorkerEngine,
        ScipyHierarchicalEngine,
        SklearnDbscanEngine,
    )
    from pyseg.methods.dbscan._compare import compare_dbscan
    from pyseg.methods.hierarchical._compare import compare_hierarchical

    dataset = load_dataset(path, keep_table=False)
    X = np.ascontiguousarray(dataset.X)
    matrix = {"python_engine": ScipyHierarchicalEngine("matrix"),
              "r_engine": RHierarchicalEngine("matrix")}
    runs = {
        "hier-python": lambda: ScipyHierarchicalEngine().fit(X, 5, "ward"),
        "hier-r": lambda: RHierarchicalEngine().fit(X, 5, "ward"),
        "hier-compare": lambda: compare_hierarchical(dataset, 5, "ward"),
        "hier-python-matrix": lambda: ScipyHierarchicalEngine("matrix").fit(X, 5, "ward"),
        "hier-r-matrix": lambda: RHierarchicalEngine("matrix").fit(X, 5, "ward"),
        "hier-compare-matrix": lambda: compare_hierarchical(dataset, 5, "ward", **matrix),
        "dbscan-python": lambda: SklearnDbscanEngine().fit(X, EPS, MIN_POINTS),
        "dbscan-python-direct": lambda: SklearnDbscanEngine("direct").fit(X, EPS, MIN_POINTS),
        "dbscan-r": lambda: RDbscanEngine().fit(X, EPS, MIN_POINTS),
        "dbscan-compare": lambda: compare_dbscan(dataset, EPS, MIN_POINTS),
        # what `pyseg compare --method M` runs: R's side in the worker process
        "hier-compare-worker": lambda: compare_hierarchical(
            dataset, 5, "ward", r_engine=worker.engine("RHierarchicalEngine")),
        "dbscan-compare-worker": lambda: compare_dbscan(
            dataset, EPS, MIN_POINTS, r_engine=worker.engine("RDbscanEngine")),
    }
    # load R and scikit-learn before the clock starts: the figures are the fits
    import sklearn.cluster
    import sklearn.neighbors  # noqa: F401

    worker = RWorkerEngine() if kind.endswith("-worker") else None
    if worker is not None:  # the worker's R and packages loaded: the figures are the fits
        worker.engine("RHierarchicalEngine").check_ready(vector=True)
        worker.engine("RDbscanEngine").check_ready()
    elif "-r" in kind or "compare" in kind:  # R and its packages loaded: the figures are fits
        RHierarchicalEngine().check_ready(vector=True)
        RDbscanEngine().check_ready()
    start = time.perf_counter()
    result = runs[kind]()
    seconds = time.perf_counter() - start
    extra = {}
    if "compare" in kind:
        extra = {"passed": result.passed, "agreement": result.agreement.accuracy,
                 **{key: round(value, 3) for key, value in result.timings.items()}}
    elif kind.startswith("hier"):
        extra = {"route": result.route}
    if worker is not None:
        worker.close()
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


#: (compare, Python side, R side) measurements whose ratio is checked against the target.
RATIOS = (("hier-compare", "hier-python", "hier-r"),
          ("hier-compare-worker", "hier-python", "hier-r"),
          ("hier-compare-matrix", "hier-python-matrix", "hier-r-matrix"),
          ("dbscan-compare", "dbscan-python", "dbscan-r"),
          ("dbscan-compare-worker", "dbscan-python", "dbscan-r"))
#: The whole comparison against the slower side's own fit (issue 10).
TARGET = 1.1


def plan_of(args: argparse.Namespace) -> list[tuple[int, str]]:
    """(rows, kind) in the order they run: each side alone, then the comparison."""
    plan = [(n, kind) for n in map(int, args.hier_rows.split(","))
            for kind in ("hier-python", "hier-r", "hier-compare", "hier-compare-worker")]
    plan += [(n, kind) for n in map(int, args.matrix_rows.split(",")) if n
             for kind in ("hier-python-matrix", "hier-r-matrix", "hier-compare-matrix")]
    plan += [(n, kind) for n in map(int, args.dbscan_rows.split(","))
             for kind in ("dbscan-python", "dbscan-python-direct", "dbscan-r",
                          "dbscan-compare", "dbscan-compare-worker")]
    return plan


def print_ratios(results: dict[tuple[int, str], dict[str, object]]) -> None:
    """compare / max(own fits) per method, rows and route, against :data:`TARGET`."""
    print(f"\n| {'comparison':<20} | {'rows':>7} | compare s / slower side s (its own process) "
          f"| ratio | target | peak MiB compare / Python / R |")
    for compare, python, r in RATIOS:
        for n in sorted({n for n, kind in results if kind == compare}):
            rows = [results.get((n, kind), {}) for kind in (compare, python, r)]
            if any("seconds" not in row for row in rows):
                continue
            slower = max(float(rows[1]["seconds"]), float(rows[2]["seconds"]))
            ratio = float(rows[0]["seconds"]) / slower
            verdict = "met" if ratio <= TARGET else "MISSED"
            peaks = " / ".join(f"{float(row['peak_mib']):.0f}" for row in rows)
            print(f"| {compare:<20} | {n:>7} | {float(rows[0]['seconds']):.2f} / {slower:.2f} "
                  f"| {ratio:.2f} | <= {TARGET} {verdict} | {peaks} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--hier-rows", default="10000,50000",
                        help="ward on pyseg's own route (fastcluster's vector route on both "
                        "sides from VECTOR_WARD_ROWS = 5,000 rows)")
    parser.add_argument("--matrix-rows", default="10000",
                        help="ward on the course's calls (scipy linkage, hclust(dist(X))) for "
                        "comparison (0: none)")
    parser.add_argument("--dbscan-rows", default="10000,100000")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    results: dict[tuple[int, str], dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="pyseg-methods-") as folder:
        print(f"| {'measure':<30} | {'rows':>7} | {'fit s':>7} | {'wall s':>7} | "
              f"{'peak MiB':>8} | notes")
        for n, kind in plan_of(args):
            path = Path(folder) / f"synth_{n}.csv"
            if not path.exists():
                subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(n), "--seed",
                                "0", "--output", str(path)], check=True, capture_output=True)
            row = results[(n, kind)] = measure(kind, path)
            if "error" in row:
                print(f"| {kind:<30} | {n:>7} | failed: {row['error']}")
                continue
            notes = {k: v for k, v in row.items() if k not in ("seconds", "wall", "peak_mib")}
            print(f"| {kind:<30} | {n:>7} | {row['seconds']:>7.2f} | {row['wall']:>7.2f} | "
                  f"{row['peak_mib']:>8.0f} | {notes or ''}", flush=True)
    print_ratios(results)


if __name__ == "__main__":
    main()
