"""The calls ``compare`` prints are the calls that ran (issue 22, defects 1 and 2).

For every method, the ``Python`` and ``R`` lines of ``pyseg compare --data <course file>`` are
run as printed - the Python text with ``exec`` on the course file's two columns, the R text with
Rscript - without pyseg, and must give pyseg's labels (up to the numbering of the clusters).
Before the fix DBSCAN printed ``eps = 17.1172`` (4 noise rows pasted, pyseg's run had 2) and the
Gaussian mixture's Python call left out ``random_state=42``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pyseg.methods import NAMES

COLUMNS = ["Annual Income (k$)", "Spending Score (1-100)"]
#: What a learner imports before pasting the Python line.
PYTHON_IMPORTS = """
import fastcluster
import kmedoids
from scipy.cluster.hierarchy import cut_tree, linkage
from scipy.spatial.distance import pdist, squareform
from sklearn.cluster import DBSCAN, KMeans
from sklearn.mixture import GaussianMixture
"""
#: Runs the printed R line on the course file's two columns; prints the labels.
R_SCRIPT = """
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], check.names = FALSE)
X <- as.matrix(d[, c("Annual Income (k$)", "Spending Score (1-100)")])
result <- eval(parse(text = readLines(args[2])))
if (is.list(result)) {
  for (name in c("cluster", "clustering", "classification")) {
    if (!is.null(result[[name]])) break
  }
  result <- result[[name]]
}
writeLines(as.character(result))
"""


def _pyseg(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pyseg", *args], capture_output=True,
                          text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def printed_calls(text: str) -> tuple[str, str]:
    """The Python and R calls of a ``compare`` summary (after the version, where one is
    shown)."""
    calls = {}
    for line in text.splitlines():
        for side, prefix in (("python", "Python    "), ("r", "R         ")):
            if line.startswith(prefix):
                call = line[len(prefix):]
                if call.startswith(("scikit-learn ", "R version", "recorded R results")):
                    call = call.split(": ", 1)[1]
                calls[side] = call
    return calls["python"], calls["r"]


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """The same partition up to the numbering of the clusters (noise a class of its own)."""
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def run_python(call: str, X: np.ndarray) -> np.ndarray:
    namespace: dict[str, object] = {"X": X}
    exec(PYTHON_IMPORTS + f"result = {call}\n", namespace)
    result = namespace["result"]
    if hasattr(result, "fit_predict"):
        return np.asarray(result.fit_predict(X))
    if hasattr(result, "labels"):  # kmedoids' result
        return np.asarray(result.labels)
    return np.asarray(result).ravel()


def run_r(call: str, rscript: str, csv: Path, folder: Path) -> np.ndarray:
    script, text = folder / "run.R", folder / "call.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    text.write_text(call + "\n", encoding="utf-8")
    done = subprocess.run([rscript, str(script), str(csv), str(text)], capture_output=True,
                          text=True, check=True)
    return np.asarray([int(v) for v in done.stdout.split()])


def test_the_partition_check_can_fail() -> None:
    assert same_partition(np.array([0, 0, 1, -1]), np.array([2, 2, 1, 0]))
    assert not same_partition(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    assert not same_partition(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0]))


def test_the_calls_are_read_from_the_summary() -> None:
    text = ("Python    scikit-learn 1.5: KMeans(n_clusters=5)\n"
            "R         R version 4.2.2 (2022-10-31): set.seed(29); kmeans(X, 5)\n")
    assert printed_calls(text) == ("KMeans(n_clusters=5)", "set.seed(29); kmeans(X, 5)")


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize("method", NAMES)
def test_printed_calls_reproduce_the_labels(method: str, course_csv: Path, rscript: str,
                                            tmp_path: Path) -> None:
    args = ("compare", "--data", str(course_csv), "--method", method)
    python_call, r_call = printed_calls(_pyseg(*args))
    document = json.loads(_pyseg(*args, "--json"))
    python_labels = np.asarray(document["python"]["labels"])
    r_labels = np.asarray(document["r"]["labels"])
    X = pd.read_csv(course_csv)[COLUMNS].to_numpy(dtype=np.float64)
    pasted_python = run_python(python_call, X)
    pasted_r = run_r(r_call, rscript, course_csv, tmp_path)
    assert same_partition(pasted_python, python_labels), python_call
    assert same_partition(pasted_r, r_labels), r_call
