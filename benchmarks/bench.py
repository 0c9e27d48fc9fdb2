"""pyseg's performance benchmark: prints a table of figures and their ratios against targets.

    .venv/bin/python benchmarks/bench.py                      # everything, sizes 10k..1M
    .venv/bin/python benchmarks/bench.py --sizes 10000 --repeats 3
    .venv/bin/python benchmarks/bench.py --sizes 10000,100000,1000000,10000000

Sections
--------
1. Course data, cold processes: ``pyseg compare`` against the course's two scripts run in turn
   (``../shared/bench``), in alternating pairs; the median of the per-pair ratios.
2. Synthetic data at each size (``pyseg synth``): each step of ``compare`` in a fresh process,
   the fits alone in another fresh process, and peak memory of both processes of ``compare``.
3. Cold start of ``pyseg --help`` and ``pyseg predict --model`` against
   ``python -c "import numpy"``.

This is a benchmark, not a test: it measures and reports, it does not fail.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PYTHON = sys.executable
PROBE = Path(__file__).with_name("_probe.py")


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, cwd=REPO)
    return time.perf_counter() - start


def paired(a: list[str], b: list[str], repeats: int) -> tuple[float, float, float]:
    """Median time of A, of B, and median of the per-pair ratios A/B (alternating A, B)."""
    wall(a), wall(b)  # warm the file cache; not counted
    times_a, times_b, ratios = [], [], []
    for _ in range(repeats):
        ta, tb = wall(a), wall(b)
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def probe(kind: str, csv: Path, repeats: int = 1) -> dict[str, float]:
    """Median of each figure over ``repeats`` fresh processes."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([PYTHON, str(PROBE), kind, str(csv)], check=True,
                             capture_output=True, text=True, cwd=REPO)
        runs.append(json.loads(out.stdout))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def peak_mib(command: list[str]) -> float:
    """Peak resident memory of a command, read in a fresh Python process that runs only it."""
    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
               "stdout=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PYTHON, "-c", measure, *command], check=True, capture_output=True,
                         text=True, cwd=REPO)
    return int(out.stdout) / 1024


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated row counts for section 2")
    parser.add_argument("--repeats", type=int, default=7, help="paired runs per comparison")
    parser.add_argument("--scale-repeats", type=int, default=3,
                        help="fresh processes per figure in section 2 (median)")
    parser.add_argument("--course", default=str(SHARED / "data" / "Mall_Customers.csv"))
    parser.add_argument("--skip", default="", help="sections to skip, e.g. 1,3")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    rows: list[tuple[str, str, str, str]] = []  # what, measured, target, verdict
    print(f"machine: {machine()}", flush=True)

    if "1" not in skip:
        course = Path(args.course)
        a = [PYTHON, "-m", "pyseg", "compare", "--data", str(course)]
        b = ["sh", "-c", f"'{PYTHON}' '{SHARED}/bench/course_k5.py' '{course}' && "
             f"Rscript '{SHARED}/bench/course_k5.R' '{course}'"]
        ta, tb, ratio = paired(a, b, args.repeats)
        rows.append(("course data, compare cold / two course scripts",
                     f"{ta:.2f} s / {tb:.2f} s = {ratio:.2f}", "<= 0.90", verdict(ratio, 0.90)))
        print(f"section 1 done: ratio {ratio:.2f}", flush=True)

    if "2" not in skip:
        # Peak memory of compare on the 200-row course file: the interpreters' baseline.
        baseline = probe("compare", Path(args.course))
        with tempfile.TemporaryDirectory(prefix="pyseg-bench-") as tmp:
            for n in [int(s) for s in args.sizes.split(",") if s]:
                csv = Path(tmp) / f"mall_{n}.csv"
                subprocess.run([PYTHON, "-m", "pyseg", "synth", "--n", str(n), "--seed", "1",
                                "--output", str(csv)], check=True, capture_output=True, cwd=REPO)
                alone = probe("alone", csv, args.scale_repeats)
                together = probe("compare", csv, args.scale_repeats)
                fits = alone["python_fit"] + alone["r_fit"]
                overhead = together["total"] / fits
                stretch = together["total"] / max(alone["python_fit"], alone["r_fit"])
                transfer = alone["transfer"] / alone["r_fit"]
                raw_mib = n * 2 * 8 / 2**20
                extra_mib = together["peak_mib"] - baseline["peak_mib"]
                peer_python = peak_mib([PYTHON, str(SHARED / "bench" / "course_k5.py"), str(csv)])
                peer_r = peak_mib(["Rscript", str(SHARED / "bench" / "course_k5.R"), str(csv)])
                label = f"n={n:,}"
                # The targets are for a million rows; smaller sizes are dominated by the
                # fixed cost of starting Python, scikit-learn and R, and are shown for the trend.
                targeted = n >= 1_000_000

                def target(text: str, value: float, limit: float) -> tuple[str, str]:
                    return (text, verdict(value, limit)) if targeted else ("", "")  # noqa: B023

                rows += [
                    (f"{label}: read / Python fit / R fit / transfer to R (s)",
                     f"{alone['load']:.3f} / {alone['python_fit']:.3f} / {alone['r_fit']:.3f} / "
                     f"{alone['transfer']:.4f}", "", ""),
                    (f"{label}: compare total / (Python fit + R fit)",
                     f"{together['total']:.3f} / {fits:.3f} = {overhead:.2f}",
                     *target("<= 1.05", overhead, 1.05)),
                    (f"{label}: compare total / max(fits) (stretch)", f"{stretch:.2f}",
                     *target("<= 1.20", stretch, 1.20)),
                    (f"{label}: transfer to R / R fit", f"{transfer:.2%}",
                     *target("<= 2%", transfer, 0.02)),
                    (f"{label}: peak memory above the course-data run",
                     f"{extra_mib:.0f} MiB = {extra_mib / raw_mib:.1f} x raw {raw_mib:.0f} MiB",
                     *target("<= 3 x raw", extra_mib, 3 * raw_mib)),
                    (f"{label}: peak memory, Python side / course_k5.py",
                     f"{together['main_peak_mib']:.0f} / {peer_python:.0f} MiB", "", ""),
                    (f"{label}: peak memory, R worker / course_k5.R (Rscript)",
                     f"{together['worker_peak_mib']:.0f} / {peer_r:.0f} MiB", "", ""),
                ]
                print(f"section 2 done for n={n}", flush=True)

    if "3" not in skip:
        with tempfile.TemporaryDirectory(prefix="pyseg-bench-") as tmp:
            model = Path(tmp) / "model.json"
            subprocess.run([PYTHON, "-m", "pyseg", "fit", "--data", args.course, "--save",
                            str(model)], check=True, capture_output=True, cwd=REPO)
            numpy_cmd = [PYTHON, "-c", "import numpy"]
            for what, command in (
                ("pyseg --help", [PYTHON, "-m", "pyseg", "--help"]),
                ("predict --model", [PYTHON, "-m", "pyseg", "predict", "--model", str(model),
                                     "--income", "70", "--score", "80"]),
            ):
                ta, tb, ratio = paired(command, numpy_cmd, args.repeats)
                rows.append((f"cold start: {what} / import numpy",
                             f"{ta * 1000:.0f} ms / {tb * 1000:.0f} ms = {ratio:.2f}", "<= 3",
                             verdict(ratio, 3.0)))
        print("section 3 done", flush=True)

    width = max(len(r[0]) for r in rows)
    print()
    print(f"| {'measure':<{width}} | measured | target | |")
    print(f"|{'-' * (width + 2)}|---|---|---|")
    for what, measured, target, ok in rows:
        print(f"| {what:<{width}} | {measured} | {target} | {ok} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
