"""Batch scoring benchmark: ``pyseg predict --model --input --output`` beside a plain pandas script.

    .venv/bin/python benchmarks/batch_predict.py                    # 1M and 10M rows
    .venv/bin/python benchmarks/batch_predict.py --sizes 1000000 --repeats 3

For each size, ``pyseg synth`` writes the data (seed 1) into a temporary directory, a model is
fitted on the generated 200-row data (``pyseg fit``), and then, in alternating fresh processes,
``pyseg predict`` and ``benchmarks/peer_pandas_predict.py`` (read with pandas, nearest center with
numpy, ``to_csv``) score the file. Wall time and peak resident memory (``ru_maxrss`` of the child,
read by a small parent that runs only it) are the medians over the repeats; the outputs are checked
to hold the same segments. Last, the cold start of ``predict --model --income --score`` against
``python -c "import numpy"``.

This is a benchmark, not a test: it measures and prints, it does not fail.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PEER = Path(__file__).with_name("peer_pandas_predict.py")
_MEASURE = (
    "import resource, subprocess, sys, time; start = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(time.perf_counter() - start, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of ``command``, run by a fresh parent that runs only it."""
    out = subprocess.run([PYTHON, "-c", _MEASURE, *command], check=True, capture_output=True,
                         text=True, cwd=REPO)
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib) / 1024


def segments_of(path: Path, column: int) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.reader(handle)][1:]


def bench_size(n: int, repeats: int, work: Path, model: Path) -> list[str]:
    data = work / f"synth_{n}.csv"
    subprocess.run([PYTHON, "-m", "pyseg", "synth", "--n", str(n), "--seed", "1", "--output",
                    str(data)], check=True, capture_output=True, cwd=REPO)
    ours_out, peer_out = work / "pyseg_out.csv", work / "peer_out.csv"
    ours = [PYTHON, "-m", "pyseg", "predict", "--model", str(model), "--input", str(data),
            "--output", str(ours_out)]
    peer = [PYTHON, str(PEER), str(model), str(data), str(peer_out)]
    runs: dict[str, list[tuple[float, float]]] = {"pyseg": [], "peer": []}
    for _ in range(repeats):
        runs["pyseg"].append(measure(ours))
        runs["peer"].append(measure(peer))
    same = segments_of(ours_out, -3) == segments_of(peer_out, -3) if n <= 2_000_000 else None
    size_mib = data.stat().st_size / 2**20
    rows = []
    for name, label in (("pyseg", "pyseg predict --input"), ("peer", "pandas script")):
        seconds = statistics.median(t for t, _ in runs[name])
        peak = statistics.median(m for _, m in runs[name])
        rows.append(f"| n={n:,} ({size_mib:.0f} MiB): {label:<22} | {seconds:.2f} s | "
                    f"{peak:.0f} MiB |")
    ratio = statistics.median(a[0] / b[0] for a, b in zip(runs["pyseg"], runs["peer"],
                                                           strict=True))
    check = "" if same is None else f"; same segments: {same}"
    rows.append(f"| n={n:,}: pyseg / pandas time (median of per-pair ratios) | {ratio:.2f} | "
                f"{check.lstrip('; ')} |")
    data.unlink()
    for path in (ours_out, peer_out):
        path.unlink(missing_ok=True)
    return rows


def cold_start(model: Path, repeats: int = 7) -> str:
    def best(command: list[str]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=REPO)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    ours = best([PYTHON, "-m", "pyseg", "predict", "--model", str(model), "--income", "70",
                 "--score", "80"])
    numpy = best([PYTHON, "-c", "import numpy"])
    return (f"| cold start: predict --model --income --score / import numpy | "
            f"{ours * 1000:.0f} ms / {numpy * 1000:.0f} ms = {ours / numpy:.2f} | target <= 3 |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000",
                        help="comma-separated row counts (default 1000000,10000000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size under 2M rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pyseg-batch-") as tmp:
        work = Path(tmp)
        model = work / "model.json"
        subprocess.run([PYTHON, "-m", "pyseg", "fit", "--save", str(model)], check=True,
                       capture_output=True, cwd=work)
        print("| measure | time | peak memory |")
        print("|---|---|---|")
        for n in (int(size) for size in args.sizes.split(",")):
            for row in bench_size(n, args.repeats if n < 2_000_000 else 1, work, model):
                print(row, flush=True)
        print(cold_start(model))


if __name__ == "__main__":
    main()
