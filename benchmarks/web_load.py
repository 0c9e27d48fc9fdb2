"""Load benchmark of the web form: answers/s, p50 and p99 at 1, 16 and 64 concurrent clients.

    .venv/bin/python benchmarks/web_load.py                         # 2000 requests per run
    .venv/bin/python benchmarks/web_load.py --requests 500 --concurrency 1,16
    .venv/bin/python benchmarks/web_load.py --model m.json --endpoints api --keep-alive

Starts ``python -m pyseg serve --model M --host 127.0.0.1 --port 0`` (a model fitted on
``data/mall_like_200.csv`` unless ``--model`` is given), then, for each endpoint (the HTML form,
``POST /``, and the JSON ``POST /api/predict``) and each concurrency, sends a fixed number of
POSTs of varying customers (a few far outside the data) from a thread pool with
:mod:`http.client`, one connection per request unless ``--keep-alive``. Every answer is checked
against ``SegmentModel.predict`` of the same model; a wrong, refused or failed answer counts as
lost. Loopback only: the server listens on 127.0.0.1 and every request goes there. The client
threads run on the same machine as the server, so the figures are a lower bound.

This is a benchmark, not a test: it measures and reports, it does not fail.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
SEGMENT_NAME = re.compile(r'id="segment-name">([^<]*)</div>')
#: The issue's target at 16 concurrent clients.
TARGET_RATE, TARGET_P99_MS, TARGET_CONCURRENCY = 200.0, 200.0, 16


@dataclass
class Run:
    endpoint: str
    concurrency: int
    requests: int
    correct: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else math.nan

    def row(self) -> str:
        lost = self.requests - self.correct
        rate = self.correct / self.seconds
        return (f"{self.endpoint:<10} {self.concurrency:>11} {self.requests:>8} {lost:>5} "
                f"{rate:>10.1f} {self.percentile(50):>8.1f} {self.percentile(99):>8.1f}")


def customers(n: int, seed: int = 0) -> np.ndarray:
    """``n`` customers (income, score): mostly plausible, every 50th far outside the data."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0, 160, n).round(1), rng.uniform(1, 100, n).round(1)])
    X[::50, 0] = 1e6
    return X


def start_server(model_path: Path) -> tuple[subprocess.Popen, int]:
    """``pyseg serve`` on a free loopback port; returns the process and its port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pyseg", "serve", "--model", str(model_path), "--host", LOOPBACK,
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if match is None:
        process.kill()
        raise SystemExit(f"web_load: pyseg serve did not start: {line!r}")
    return process, int(match.group(1))


class Client:
    """POSTs one customer and checks the answer; one connection per thread with keep-alive."""

    def __init__(self, port: int, endpoint: str, keep_alive: bool) -> None:
        self.port, self.endpoint, self.keep_alive = port, endpoint, keep_alive
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self.local, "connection", None) if self.keep_alive else None
        if connection is None:
            connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)
            self.local.connection = connection
        return connection

    def post(self, income: float, score: float) -> tuple[int, str]:
        if self.endpoint == "api":
            path, body = "/api/predict", json.dumps({"income": income, "score": score})
            content_type = "application/json"
        else:
            path, body = "/", urllib.parse.urlencode({"income": repr(income),
                                                      "score": repr(score)})
            content_type = "application/x-www-form-urlencoded"
        connection = self._connection()
        try:
            connection.request("POST", path, body=body, headers={
                "Content-Type": content_type, "Connection": "keep-alive" if self.keep_alive
                else "close"})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            if not self.keep_alive:
                connection.close()

    def answer_is(self, text: str, name: str, index: int, distance: float) -> bool:
        if self.endpoint == "api":
            payload = json.loads(text)
            return (payload["name"] == name and payload["segment"] == index
                    and math.isclose(payload["distance"], distance, rel_tol=1e-9))
        match = SEGMENT_NAME.search(text)
        return match is not None and match.group(1) == name


def run_load(client: Client, X: np.ndarray, expected, concurrency: int) -> Run:
    """Send every customer of ``X`` from ``concurrency`` threads; time and check each answer."""
    latencies: list[float] = []

    def one(row: int) -> bool:
        start = time.perf_counter()
        try:
            status, text = client.post(float(X[row, 0]), float(X[row, 1]))
        except (OSError, http.client.HTTPException):
            client.local.connection = None
            return False
        latencies.append((time.perf_counter() - start) * 1000)  # list.append is thread-safe
        return status == 200 and client.answer_is(text, expected.name[row],
                                                  int(expected.index[row]),
                                                  float(expected.distance[row]))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        correct = sum(pool.map(one, range(len(X))))
    seconds = time.perf_counter() - start
    return Run(client.endpoint, concurrency, len(X), correct, seconds, latencies)


def fit_model(directory: Path) -> Path:
    path = directory / "model.json"
    subprocess.run([sys.executable, "-m", "pyseg", "fit", "--data",
                    str(REPO / "data" / "mall_like_200.csv"), "--save", str(path)],
                   check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model saved by `pyseg fit --save` (default: fit one)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per run (2000)")
    parser.add_argument("--concurrency", default="1,16,64", help="client threads (1,16,64)")
    parser.add_argument("--endpoints", default="form,api", help="form, api or both (form,api)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="reuse one connection per client thread (default: one per request)")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 100_000:
        parser.error("--requests must be within 1..100000 (the benchmark is bounded)")
    levels = [int(v) for v in args.concurrency.split(",")]
    if not all(1 <= level <= 256 for level in levels):
        parser.error("--concurrency levels must be within 1..256")

    from pyseg._model import SegmentModel

    with tempfile.TemporaryDirectory() as tmp:
        model_path = Path(args.model) if args.model else fit_model(Path(tmp))
        model = SegmentModel.load(model_path)
        X = customers(args.requests)
        expected = model.predict(X)
        process, port = start_server(model_path)
        try:
            print(f"# pyseg serve --model {model_path.name} on {LOOPBACK}:{port}; "
                  f"{args.requests} POSTs per run; "
                  f"{'keep-alive' if args.keep_alive else 'one connection per request'}; "
                  f"{platform.python_implementation()} {platform.python_version()}, "
                  f"{os.cpu_count()} CPUs")
            print(f"{'endpoint':<10} {'concurrency':>11} {'requests':>8} {'lost':>5} "
                  f"{'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
            for endpoint in args.endpoints.split(","):
                client = Client(port, endpoint, args.keep_alive)
                run_load(client, X[: min(50, len(X))], expected, 4)  # warm up; not counted
                for level in levels:
                    run = run_load(client, X, expected, level)
                    print(run.row() + _verdict(run), flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return 0


def _verdict(run: Run) -> str:
    if run.concurrency != TARGET_CONCURRENCY:
        return ""
    ok = (run.correct == run.requests and run.correct / run.seconds >= TARGET_RATE
          and run.percentile(99) <= TARGET_P99_MS)
    return (f"   target >= {TARGET_RATE:g}/s, p99 <= {TARGET_P99_MS:g} ms, none lost: "
            f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
