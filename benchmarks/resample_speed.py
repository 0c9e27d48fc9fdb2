"""``pyseg gap`` and ``stability --bootstrap`` against R's own tools alone (issue 21).

    .venv/bin/python benchmarks/resample_speed.py [--data FILE] [--B 100] [--methods kmeans pam gmm]
        [--stability] [--workers-curve] [--rows N] [--dask ADDRESS]

For each method, in one run: ``pyseg gap --B B --workers 1`` and ``--workers 2`` (wall time of
the whole command, peak memory; the two ``--json`` outputs must be byte-identical), R's
``cluster::clusGap`` alone and "the same Python loop alone" (pyseg's Python refits of the B + 1
data sets, draws made before the clock starts), each timed two ways: inside the process (R's
``system.time`` of the call; Python's clock around the loop) and as the whole process a user
would run (``Rscript`` with ``library(cluster)``, or ``fpc`` for clusterboot; ``python`` importing
scikit-learn and running the loop, less the time pyseg's draws take). Both ratios are printed:
pyseg with 1 worker / (R alone + Python loop alone), the target being <= 2.0. ``--stability``
does the same for ``stability --bootstrap B`` (K-Means) against ``fpc::clusterboot``.

``--workers-curve`` prints, per method, the time of each task (start-up, draws, the Python loop,
the R loop, R's own check) and ``gap --B B`` with 1, 2, 4 and 8 workers (same JSON required),
beside what the task times predict. ``--rows N`` times ``gap --B 20`` (K-Means) on N generated
rows with 1 and 2 workers: wall time and peak memory of the largest process. ``--dask`` adds a
run on that scheduler (same JSON required). Printed figures, not a timed test: the load average
is printed too (other processes share the machine).
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PYTHON_LOOP = """
import sys, time
import numpy as np
import sklearn.cluster  # noqa: F401  (a user's script imports scikit-learn)
from pyseg._data import load_dataset
from pyseg.engines import PythonResampleEngine, RResampleEngine
from pyseg.engines._stability_python import resampler
command, data, method, B = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
X = np.ascontiguousarray(load_dataset(data, None).X, dtype=np.float64)
fit, python, r = resampler(method), PythonResampleEngine(), RResampleEngine()
drawing = time.perf_counter()
if fit.draws_from_r:
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
print(time.perf_counter() - start, start - drawing)
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

#: Each task of ``gap`` timed on its own, in one process (``--workers-curve``).
TASKS = """
import sys, time
began = time.perf_counter()
import numpy as np
from pyseg._data import load_dataset
from pyseg._gap import reference_sets
from pyseg.engines import PythonResampleEngine, RResampleEngine
from pyseg.engines._stability_python import resampler
method, data, B = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {"Python imports": time.perf_counter() - began}
def timed(name, function, *args):
    start = time.perf_counter()
    value = function(*args)
    times[name] = time.perf_counter() - start
    return value
X = np.ascontiguousarray(load_dataset(data, None).X, dtype=np.float64)
fit, python, r = resampler(method), PythonResampleEngine(), RResampleEngine()
timed("R start", lambda: r.check_ready(fit=fit))
rng = np.random.default_rng(1)
sets = timed("reference sets", lambda: np.concatenate([X[None], reference_sets(X, B, "scaledPCA",
                                                                               rng)]))
draws = timed("method's draws", fit.gap_draws, sets, 10, rng, r)
timed("Python loop", python.gap_logw, sets, 10, fit, draws, 1)
timed("R loop", r.gap_logw, sets, 10, fit, draws, 1)
timed("clusGap check", r.clusgap, X, 10, B, 1, fit, 1, "scaledPCA")
print(repr(times))
"""


#: CPU seconds (user + system) of the last :func:`run`, its children included.
CPU: list[float] = [0.0]


def run(command: list[str]) -> tuple[float, float, bytes]:
    """Seconds, peak MB of the largest process (the command or a child it waited for) and
    stdout of ``command``; its CPU seconds in :data:`CPU`."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *command], capture_output=True,
                          cwd=REPO)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode().strip()}")
    memory, user, system = done.stderr.decode().strip().splitlines()[-1].split()
    CPU[0] = float(user) + float(system)
    return seconds, int(memory) / 1024, done.stdout


def pyseg_run(args: list[str]) -> tuple[float, float, bytes]:
    """Seconds, peak MB and stdout of ``python -m pyseg ARGS``."""
    return run([sys.executable, "-m", "pyseg", *args])


def python_loop(command: str, data: Path, method: str, B: int) -> tuple[float, float]:
    """The Python loop alone: (inside the process, the whole process less pyseg's draws)."""
    seconds, _, out = run([sys.executable, "-c", PYTHON_LOOP, command, str(data), method, str(B)])
    inside, drawing = (float(value) for value in out.split()[-2:])
    return inside, seconds - drawing


def r_alone(command: str, numbers: Path, B: int, function: str) -> tuple[float, float]:
    """R's own tool alone: (``system.time`` of the call, the whole ``Rscript``)."""
    seconds, _, out = run(["Rscript", "-e", R_ALONE, str(numbers), command, str(B), function])
    return float(out.split()[-1]), seconds


def numbers_csv(data: Path, folder: Path) -> Path:
    """The features pyseg reads from ``data``, as a plain numeric CSV for R."""
    import numpy as np

    from pyseg._data import load_dataset

    path = folder / "X.csv"
    np.savetxt(path, load_dataset(str(data), None).X, delimiter=",", header="a,b", comments="")
    return path


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def against_r(options: argparse.Namespace, data: Path, numbers: Path) -> None:
    """pyseg with 1 and 2 workers against R's tool alone + the Python loop alone."""
    from pyseg.engines._stability_python import resampler

    B = options.B
    print(f"{'command':<34} {'w1 s':>6} {'w2 s':>6} {'R in':>6} {'Py in':>6} {'ratio':>6} "
          f"{'R run':>6} {'Py run':>6} {'ratio':>6} {'w2/w1':>6} {'MB':>5} {'same':>5} "
          f"{'load':>5} {'w1 cpu':>6} {'w2 cpu':>6}")
    runs = [("gap", method) for method in options.methods]
    if options.stability:
        runs.append(("stability", "kmeans"))
    for command, method in runs:
        args = (["gap", "--B", str(B), "--method", method] if command == "gap" else
                ["stability", "--bootstrap", str(B)])
        args += ["--data", str(data), "--json"]
        one, memory, out_one = pyseg_run([*args, "--workers", "1"])
        cpu_one = CPU[0]
        two, _, out_two = pyseg_run([*args, "--workers", "2"])
        cpu_two = CPU[0]
        same = out_one == out_two
        if options.dask:
            same = same and pyseg_run([*args, "--dask", options.dask])[2] == out_one
        r_in, r_run = r_alone(command, numbers, B, resampler(method).clusgap_function())
        py_in, py_run = python_loop(command, data, method, B)
        print(f"{' '.join(args[:5 if command == 'gap' else 3]):<34} {one:>6.1f} {two:>6.1f} "
              f"{r_in:>6.1f} {py_in:>6.1f} {one / (r_in + py_in):>6.2f} {r_run:>6.1f} "
              f"{py_run:>6.1f} {one / (r_run + py_run):>6.2f} {two / one:>6.2f} "
              f"{memory:>5.0f} {same!s:>5} {load():>5} {cpu_one:>6.1f} {cpu_two:>6.1f}",
              flush=True)
    print("ratio: pyseg with 1 worker / (R alone + Python loop alone); 'in': timed inside the "
          "process (the call, the loop), 'run': the whole process a user runs (Rscript with "
          "its library(); python importing scikit-learn, less pyseg's draws); 'cpu': user + "
          "system seconds of pyseg and its workers (what the load average cannot inflate).")


def workers_curve(options: argparse.Namespace, data: Path) -> None:
    """Per-task times and gap with 1, 2, 4 and 8 workers, per method."""
    from pyseg._parallel import cores

    here = cores()
    print(f"this machine has {here} core(s): more workers than that share them "
          f"(oversubscribed), so beyond {here} no gain is expected here")
    for method in options.methods:
        _, _, out = run([sys.executable, "-c", TASKS, method, str(data), str(options.B)])
        tasks = ast.literal_eval(out.decode().strip().splitlines()[-1])  # the snippet's dict
        print(f"\ngap --B {options.B} --method {method}: task times (s, one process)")
        for name, seconds in tasks.items():
            print(f"  {name:<16} {seconds:>7.2f}")
        start = tasks["Python imports"] + tasks["R start"] + tasks["reference sets"]
        work = tasks["Python loop"] + tasks["R loop"] + tasks["clusGap check"]
        draws, check = tasks["method's draws"], tasks["clusGap check"]
        worker_start = tasks["Python imports"] + tasks["R start"]
        args = ["gap", "--B", str(options.B), "--method", method, "--data", str(data), "--json"]
        first = None
        print(f"  {'workers':>7} {'measured s':>10} {'predicted s':>11} {'same JSON':>9} "
              f"{'load':>5}")
        for workers in (1, 2, 4, 8):
            seconds, _, output = pyseg_run([*args, "--workers", str(workers)])
            first = output if first is None else first
            predicted = start + max(draws + check,
                                    (draws + work + (workers - 1) * worker_start)
                                    / min(workers, here))
            print(f"  {workers:>7} {seconds:>10.1f} {predicted:>11.1f} {output == first!s:>9} "
                  f"{load():>5}", flush=True)
        print(f"  predicted: {start:.1f} s start-up, then the CPU time of the draws ({draws:.1f}), "
              f"the work ({work:.1f}: Python loop, R loop, clusGap check) and each worker's "
              f"start ({worker_start:.1f}: imports, R) shared by min(N, {here}) cores, at least "
              f"the draws + the clusGap check (no task is split): on a machine with N free "
              "cores, the curve follows the same formula with min(N, cores) = N")
    if os.getloadavg()[0] > here:
        print(f"the load average exceeded {here}: other processes took CPU, times are inflated")


def rows_run(options: argparse.Namespace, folder: Path) -> None:
    """``gap --B 20`` (K-Means) on ``--rows`` generated rows with 1 and 2 workers."""
    big = folder / f"synth_{options.rows}.csv"
    subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(options.rows), "--seed",
                    "0", "--output", str(big)], check=True, cwd=REPO, capture_output=True)
    outputs = []
    for workers in (1, 2):
        seconds, memory, output = pyseg_run(["gap", "--B", "20", "--data", str(big), "--json",
                                             "--workers", str(workers)])
        outputs.append(output)
        print(f"gap --B 20, {options.rows} rows, --workers {workers}: {seconds:.1f} s "
              f"({CPU[0]:.1f} s CPU), peak {memory:.0f} MB (largest process), load {load()}",
              flush=True)
    print(f"same JSON: {outputs[0] == outputs[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/Mall_Customers.csv")
    parser.add_argument("--B", type=int, default=100)
    parser.add_argument("--methods", nargs="+", default=["kmeans", "pam", "gmm"])
    parser.add_argument("--stability", action="store_true")
    parser.add_argument("--workers-curve", action="store_true")
    parser.add_argument("--rows", type=int, metavar="N")
    parser.add_argument("--dask", metavar="ADDRESS")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    data = options.data.resolve()
    with tempfile.TemporaryDirectory(prefix="pyseg-speed-") as folder:
        if options.rows:
            rows_run(options, Path(folder))
        elif options.workers_curve:
            workers_curve(options, data)
        else:
            against_r(options, data, numbers_csv(data, Path(folder)))


if __name__ == "__main__":
    main()
