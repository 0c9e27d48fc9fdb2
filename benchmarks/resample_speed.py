"""``pyseg gap`` and ``stability --bootstrap`` against R's own tools alone (issue 21).

    .venv/bin/python benchmarks/resample_speed.py [--data FILE] [--B 100] [--methods kmeans pam gmm]
        [--stability] [--big] [--dask ADDRESS]

For each method, in one run: ``pyseg gap --B B --workers 1`` and ``--workers 2`` (wall time of
the whole command, peak memory; the two ``--json`` outputs must be byte-identical), R's
``cluster::clusGap`` alone (Rscript, ``system.time`` of the call pyseg shows, its FUNcluster
included) and "the same Python loop alone" (pyseg's Python refits of the B + 1 data sets,
in-process, draws made before the clock starts). The target: pyseg with 1 worker <= 2.0 x
(clusGap + Python loop). ``--stability`` does the same for ``stability --bootstrap B`` (K-Means)
against ``fpc::clusterboot`` alone; ``--big`` times ``gap --B 20`` on 10,000 generated rows;
``--dask`` adds a run on that scheduler (same JSON required). Printed figures, not a timed test:
the load average is printed too (other processes share the machine).
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

PYTHON_LOOP = """
import sys, time, numpy as np
from pyseg._data import load_dataset
from pyseg.engines import PythonResampleEngine, RResampleEngine
from pyseg.engines._stability_python import resampler
command, data, method, B = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
X = np.ascontiguousarray(load_dataset(data, None).X, dtype=np.float64)
fit, python, r = resampler(method), PythonResampleEngine(), RResampleEngine()
r.check_ready(fit=fit)
rng = np.random.default_rng(1)
if command == "gap":
    from pyseg._gap import reference_sets
    sets = np.concatenate([X[None], reference_sets(X, B, "scaledPCA", rng)])
    draws = fit.gap_draws(sets, 10, rng, r)
    start = time.perf_counter()
    python.gap_logw(sets, 10, fit, draws, 1)
else:
    from pyseg._stability import bootstrap_rows
    rows = bootstrap_rows(X.shape[0], B, rng)
    draws = fit.bootstrap_draws(X, 5, rows, rng, r)
    start = time.perf_counter()
    original = python.fit_partition(X, 5, fit, None if draws is None else draws[0])
    python.bootstrap_jaccard(X, 5, original, rows, fit, None if draws is None else draws[1:])
print(time.perf_counter() - start)
"""

R_ALONE = """
suppressMessages({library(cluster); library(mclust)})  # Mclust wants mclust attached
args <- commandArgs(TRUE)
X <- as.matrix(read.csv(args[1]))
B <- as.integer(args[3])
FUN <- eval(parse(text = args[4]))
set.seed(1)
elapsed <- if (args[2] == "gap") {
  system.time(cluster::clusGap(X, FUNcluster = FUN, K.max = 10, B = B, d.power = 1,
                               spaceH0 = "scaledPCA"))[["elapsed"]]
} else {
  suppressMessages(library(fpc))
  system.time(capture.output(fpc::clusterboot(X, B = B, bootmethod = "boot",
                                              clustermethod = kmeansCBI, krange = 5, runs = 1,
                                              nstart = 10, iter.max = 300, seed = 1,
                                              count = FALSE)))[["elapsed"]]
}
cat(elapsed, "\\n")
"""


def pyseg_run(args: list[str]) -> tuple[float, float, bytes]:
    """Seconds, peak MB and stdout of ``python -m pyseg ARGS``."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "pyseg", *args],
                          capture_output=True, cwd=REPO)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pyseg {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return seconds, int(done.stderr.decode().strip().splitlines()[-1]) / 1024, done.stdout


def python_loop(command: str, data: Path, method: str, B: int) -> float:
    done = subprocess.run([sys.executable, "-c", PYTHON_LOOP, command, str(data), method, str(B)],
                          capture_output=True, text=True, cwd=REPO, check=True)
    return float(done.stdout.split()[-1])


def r_alone(command: str, numbers: Path, B: int, function: str) -> float:
    done = subprocess.run(["Rscript", "-e", R_ALONE, str(numbers), command, str(B), function],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def numbers_csv(data: Path, folder: Path) -> Path:
    """The features pyseg reads from ``data``, as a plain numeric CSV for R."""
    sys.path.insert(0, str(REPO))
    import numpy as np

    from pyseg._data import load_dataset

    path = folder / "X.csv"
    np.savetxt(path, load_dataset(str(data), None).X, delimiter=",", header="a,b", comments="")
    return path


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/Mall_Customers.csv")
    parser.add_argument("--B", type=int, default=100)
    parser.add_argument("--methods", nargs="+", default=["kmeans", "pam", "gmm"])
    parser.add_argument("--stability", action="store_true")
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--dask", metavar="ADDRESS")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from pyseg.engines._stability_python import resampler

    data, B = options.data.resolve(), options.B
    print(f"{'command':<34} {'w1 s':>7} {'w2 s':>7} {'R alone':>8} {'Py loop':>8} "
          f"{'ratio':>6} {'w2/w1':>6} {'MB':>6} {'same':>5} {'load':>5}")
    with tempfile.TemporaryDirectory(prefix="pyseg-speed-") as folder:
        numbers = numbers_csv(data, Path(folder))
        runs = [("gap", method) for method in options.methods]
        if options.stability:
            runs.append(("stability", "kmeans"))
        for command, method in runs:
            fit = resampler(method)
            args = (["gap", "--B", str(B), "--method", method] if command == "gap" else
                    ["stability", "--bootstrap", str(B)])
            args += ["--data", str(data), "--json"]
            one, memory, out_one = pyseg_run([*args, "--workers", "1"])
            two, _, out_two = pyseg_run([*args, "--workers", "2"])
            same = out_one == out_two
            if options.dask:
                same = same and pyseg_run([*args, "--dask", options.dask])[2] == out_one
            alone = r_alone(command, numbers, B, fit.clusgap_function())
            loop = python_loop(command, data, method, B)
            print(f"{' '.join(args[:5 if command == 'gap' else 3]):<34} {one:>7.1f} {two:>7.1f} "
                  f"{alone:>8.1f} {loop:>8.1f} {one / (alone + loop):>6.2f} {two / one:>6.2f} "
                  f"{memory:>6.0f} {same!s:>5} {load():>5}", flush=True)
        if options.big:
            big = Path(folder) / "synth_10000.csv"
            subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", "10000", "--seed", "0",
                            "--output", str(big)], check=True, cwd=REPO, capture_output=True)
            seconds, memory, _ = pyseg_run(["gap", "--B", "20", "--data", str(big), "--json"])
            print(f"{'gap --B 20, 10,000 rows':<34} {seconds:>7.1f} {'':>7} {'':>8} {'':>8} "
                  f"{'':>6} {'':>6} {memory:>6.0f} {'':>5} {load():>5}")


if __name__ == "__main__":
    main()
