"""Time and peak memory of PAM and Gaussian mixtures, per language (issue 11).

    .venv/bin/python benchmarks/pam_gmm.py            # several minutes; --help for options

Every measurement runs in a fresh child process under ``/usr/bin/time``, which gives its peak
resident memory: pyseg's Python engine, pyseg's R engine (R in that process through rpy2), and
the library comparison (both fits, alignment, diagnosis) on ``pyseg synth`` data, as
``benchmarks/methods.py`` measures hierarchical clustering and DBSCAN.

- PAM, k = 5: Euclidean on income + score, and Gower on income + score + gender (a categorical
  column). Both sides hold all pairwise distances (Python the n x n matrix, R ``dist``'s
  n(n - 1)/2), so PAM is refused from ``MAX_PAM_ROWS`` rows on: the last row of the table shows
  that refusal (one :class:`~pyseg.InputError` line, how long it took and how little memory).
- GMM, k = 5, full covariances: course mode (each library's own start) and exact mode (both
  from mclust's starting partition, which ``gmm-start-r`` times on its own; the exact-mode
  fits get it from a file written before the clock starts).

The data are generated once into a temporary directory. Printed figures, not a timed test.
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
K = 5
#: The columns of each PAM measurement; past the size limit, the Gower one.
PAM_COLUMNS = {"euclid": "income,score", "gower": "income,score,gender",
               "limit": "income,score,gender"}
KINDS = ("pam-euclid-python", "pam-euclid-r", "pam-euclid-compare", "pam-gower-python",
         "pam-gower-r", "pam-gower-compare", "gmm-course-python", "gmm-course-r",
         "gmm-course-compare", "gmm-start-r", "gmm-exact-python", "gmm-exact-r",
         "gmm-exact-compare")


def _pam_runs(kind: str, path: str) -> dict:
    from pyseg._features import load_features
    from pyseg.engines import KmedoidsPamEngine, RPamEngine
    from pyseg.methods.pam._compare import compare_pam, pam_data

    distance = kind.split("-")[1]
    dataset, features = load_features(path, PAM_COLUMNS[distance])
    data = pam_data(dataset, "euclidean" if distance == "euclid" else "gower", features)
    return {
        f"pam-{distance}-python": lambda: KmedoidsPamEngine().fit(data, K),
        f"pam-{distance}-r": lambda: RPamEngine().fit(data, K),
        f"pam-{distance}-compare": lambda: compare_pam(dataset, K, distance=data.distance,
                                                       features=features),
        "pam-limit": lambda: compare_pam(dataset, K, features=features),
    }


def _gmm_runs(path: str, start_file: Path) -> dict:
    import numpy as np

    from pyseg._data import load_dataset
    from pyseg.engines import RGmmEngine, SklearnGmmEngine
    from pyseg.methods.gmm._compare import compare_gmm

    dataset = load_dataset(path, keep_table=False)
    X = np.ascontiguousarray(dataset.X)
    start = np.load(start_file) if start_file.exists() else None
    return {
        "gmm-course-python": lambda: SklearnGmmEngine().fit(X, K, "full"),
        "gmm-course-r": lambda: RGmmEngine().fit(X, K, "full"),
        "gmm-course-compare": lambda: compare_gmm(dataset, K, "full", min_agreement=0.0),
        "gmm-start-r": lambda: np.save(start_file, RGmmEngine().start(X, K, "full")),
        "gmm-exact-python": lambda: SklearnGmmEngine().fit(X, K, "full", start),
        "gmm-exact-r": lambda: RGmmEngine().fit(X, K, "full", start),
        "gmm-exact-compare": lambda: compare_gmm(dataset, K, "full", mode="exact",
                                                 min_agreement=0.0),
    }


def child(kind: str, path: str) -> None:
    """Run one measurement in this (child) process and print its seconds as JSON."""
    from pyseg._errors import InputError

    runs = (_pam_runs(kind, path) if kind.startswith("pam") else
            _gmm_runs(path, Path(path).with_suffix(".start.npy")))
    # load R and scikit-learn before the clock starts: the figures are the fits
    import kmedoids  # noqa: F401
    import sklearn.mixture  # noqa: F401

    if "-r" in kind or "compare" in kind:
        from pyseg.engines import RGmmEngine, RPamEngine

        (RPamEngine() if kind.startswith("pam") else RGmmEngine()).check_ready()
    start = time.perf_counter()
    try:
        result = runs[kind]()
    except InputError as exc:
        print(json.dumps({"seconds": time.perf_counter() - start, "error": str(exc)}))
        return
    seconds = time.perf_counter() - start
    extra = {}
    if kind.endswith("compare"):
        extra = {"passed": result.passed, "agreement": round(result.agreement.accuracy, 4),
                 **{key: round(value, 2) for key, value in result.timings.items()}}
        if kind.startswith("gmm"):
            extra["dlogL"] = float(f"{result.loglik_diff:.3g}")
        else:
            extra.update(same_medoids=result.same_medoids,
                         medoids_differing=result.medoids_differing,
                         objective_rel_diff=float(f"{result.objective_rel_diff:.2g}"))
    print(json.dumps({"seconds": seconds, **extra}))


def measure(kind: str, path: Path) -> dict[str, object]:
    """``kind`` in a fresh process: its own seconds, wall seconds and peak RSS (MiB)."""
    command = ["/usr/bin/time", "-f", "%e %M", sys.executable, __file__, "--child", kind,
               str(path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-2:]}
    wall, peak_kib = done.stderr.strip().splitlines()[-1].split()
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": float(wall),
            "peak_mib": int(peak_kib) / 1024}


def synth(folder: Path, n: int) -> Path:
    """``pyseg synth --n N --seed 0`` into ``folder`` (once)."""
    path = folder / f"synth_{n}.csv"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "pyseg", "synth", "--n", str(n), "--seed", "0",
                        "--output", str(path)], check=True, capture_output=True, cwd=REPO)
    return path


def main() -> None:
    from pyseg.methods.pam._base import MAX_PAM_ROWS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--only", default="", help="comma-separated kinds (default: all)")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    kinds = [k for k in KINDS if not args.only or k in args.only.split(",")]
    with tempfile.TemporaryDirectory(prefix="pyseg-pam-gmm-") as folder:
        plan = [(args.rows, kind) for kind in kinds] + [(MAX_PAM_ROWS, "pam-limit")]
        print(f"| {'measure':<20} | {'rows':>6} | {'fit s':>7} | {'wall s':>7} | "
              f"{'peak MiB':>8} | notes")
        for n, kind in plan:
            row = measure(kind, synth(Path(folder), n))
            if "failed" in row:
                print(f"| {kind:<20} | {n:>6} | failed: {row['failed']}", flush=True)
                continue
            notes = {k: v for k, v in row.items() if k not in ("seconds", "wall", "peak_mib")}
            print(f"| {kind:<20} | {n:>6} | {row['seconds']:>7.2f} | {row['wall']:>7.2f} | "
                  f"{row['peak_mib']:>8.0f} | {notes or ''}", flush=True)


if __name__ == "__main__":
    main()
