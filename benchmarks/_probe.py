"""One measurement in a fresh process, printed as JSON (used by bench.py).

    _probe.py compare FILE   `pyseg compare --data FILE --json` run in this process: wall time
                             and the peak memory of this process and of its R worker
    _probe.py alone FILE     reading the file, each fit alone one after the other, and the
                             numpy -> R matrix transfer
"""

from __future__ import annotations

import json
import resource
import sys
import time


def compare_command(path: str) -> dict[str, float]:
    """`pyseg compare --data FILE --json` itself, timed from this fresh process's start."""
    import contextlib
    import io
    import os

    start = time.perf_counter()
    from pyseg.cli import main

    with contextlib.redirect_stdout(io.StringIO()) as output:
        code = main(["compare", "--data", path, "--json"])
    total = time.perf_counter() - start
    # The command leaves its R worker to exit on its own; reap it so its peak memory counts.
    with contextlib.suppress(ChildProcessError):
        while True:
            os.waitpid(-1, 0)
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"total": total, "exit_code": code, "agreement": json.loads(output.getvalue())[
        "agreement"], "main_peak_mib": self_kib / 1024, "worker_peak_mib": child_kib / 1024,
            "peak_mib": (self_kib + child_kib) / 1024}


def fits_alone(path: str) -> dict[str, float]:
    import numpy as np
    from rpy2.robjects import default_converter, numpy2ri

    from pyseg import PYTHON_COURSE, R_COURSE, REngine, SklearnEngine, load_dataset

    start = time.perf_counter()
    X = load_dataset(path, keep_table=False).X
    load = time.perf_counter() - start
    REngine().check_ready()  # load R before timing
    SklearnEngine().fit(X[:50], 2, PYTHON_COURSE)  # first-call costs (imports) not counted
    start = time.perf_counter()
    SklearnEngine().fit(X, 5, PYTHON_COURSE)
    python_fit = time.perf_counter() - start
    start = time.perf_counter()
    REngine().fit(X, 5, R_COURSE)
    r_fit = time.perf_counter() - start
    converter = default_converter + numpy2ri.converter
    start = time.perf_counter()
    converter.py2rpy(np.asfortranarray(X))
    transfer = time.perf_counter() - start
    return {"python_fit": python_fit, "r_fit": r_fit, "transfer": transfer, "load": load}


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    print(json.dumps(compare_command(path) if kind == "compare" else fits_alone(path)))
