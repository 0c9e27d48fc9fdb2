"""The R side on its own: testthat tests of r_reference/ and the Rscript entry point of R learners.

``test_testthat_suite`` runs ``tests/testthat`` (the R functions against numbers R 4.2.2 printed,
recorded with their source in the R test files) in a fresh Rscript and fails when any R
expectation fails, errors, warns or is skipped. ``test_rscript_centers_match_sklearn`` checks the
five centers that ``Rscript r_reference/kmeans_course.R`` prints for ``data/mall_like_200.csv``
against scikit-learn's course fit computed here directly, without pyseg.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans

TESTTHAT_DIR = Path(__file__).parent / "testthat"

# Constant R code; the paths reach it through environment variables, never spliced into the source.
# stop_on_failure = FALSE so that the per-test results are always written; the exit status still
# says whether everything passed. as.data.frame() of testthat's results has one row per test_that
# block: nb expectations, failed, skipped, error, warning, passed.
RUN_TESTTHAT = """
results <- testthat::test_dir(
  Sys.getenv("PYSEG_TESTTHAT_DIR"),
  reporter = testthat::SummaryReporter$new(show_praise = FALSE),
  stop_on_failure = FALSE
)
table <- as.data.frame(results)
columns <- c("file", "test", "nb", "passed", "failed", "skipped", "error", "warning")
utils::write.csv(table[columns], Sys.getenv("PYSEG_TESTTHAT_RESULTS"), row.names = FALSE)
bad <- sum(table$failed) + sum(table$error) + sum(table$skipped) + sum(table$warning)
quit(status = if (bad > 0 || sum(table$nb) == 0) 1L else 0L)
"""

# "[3,] 86.5384615384615 82.1282051282051" as printed by print(centers, digits = 15).
CENTER_ROW = re.compile(r"^\[(\d+),\]\s+(\S+)\s+(\S+)\s*$")


@pytest.mark.r
def test_testthat_suite(rscript: str, course_csv: Path, tmp_path: Path, repo: Path) -> None:
    results_file = tmp_path / "testthat-results.csv"
    env = {
        **os.environ,
        "PYSEG_TESTTHAT_DIR": str(TESTTHAT_DIR),
        "PYSEG_TESTTHAT_RESULTS": str(results_file),
        "PYSEG_COURSE_DATA": str(course_csv.resolve()),
    }
    run = subprocess.run(
        [rscript, "-e", RUN_TESTTHAT],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = f"--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert results_file.is_file(), f"testthat wrote no results (exit {run.returncode})\n{output}"
    with results_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    expectations = sum(int(row["nb"]) for row in rows)
    not_ok = [
        f"{row['file']}: {row['test']} (failed {row['failed']}, error {row['error']}, "
        f"skipped {row['skipped']}, warnings {row['warning']})"
        for row in rows
        if int(row["failed"])
        or row["error"] == "TRUE"
        or row["skipped"] == "TRUE"
        or int(row["warning"])
    ]
    assert not not_ok, "testthat tests not passing:\n" + "\n".join(not_ok) + "\n" + output
    files = {row["file"] for row in rows}
    assert {"test-kmeans_course.R", "test-elbow.R", "test-predict.R"} <= files, output
    assert len(rows) > 0 and expectations > 0, output
    assert sum(int(row["passed"]) for row in rows) == expectations, output
    assert run.returncode == 0, output


def _printed_centers(stdout: str) -> np.ndarray:
    rows = [CENTER_ROW.match(line) for line in stdout.splitlines()]
    found = [m for m in rows if m is not None]
    assert [int(m.group(1)) for m in found] == [1, 2, 3, 4, 5], stdout
    return np.array([[float(m.group(2)), float(m.group(3))] for m in found])


def _by_income(centers: np.ndarray) -> np.ndarray:
    """Centers sorted by income, then score: cluster numbers differ between the languages."""
    return centers[np.lexsort((centers[:, 1], centers[:, 0]))]


@pytest.mark.r
def test_rscript_centers_match_sklearn(rscript: str, mall_like_csv: Path, repo: Path) -> None:
    run = subprocess.run(
        [rscript, "r_reference/kmeans_course.R", str(mall_like_csv)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    r_centers = _printed_centers(run.stdout)
    wcss_line = re.search(r"^tot\.withinss:\s+(\S+)", run.stdout, re.MULTILINE)
    assert wcss_line is not None, run.stdout

    # The course's Python, written out here: no pyseg involved.
    dataset = pd.read_csv(mall_like_csv)
    X = dataset.iloc[:, [3, 4]].values
    kmeans = KMeans(n_clusters=5, init="k-means++", n_init=10, max_iter=300, random_state=42)
    kmeans.fit(X)

    np.testing.assert_allclose(
        _by_income(r_centers), _by_income(kmeans.cluster_centers_), rtol=0, atol=1e-9
    )
    assert float(wcss_line.group(1)) == pytest.approx(kmeans.inertia_, rel=1e-9)


# Constant R code: runs hierarchical.R's dendrogram_png with plot() masked to record its
# arguments (and still draw), for trees of 60, 61 and 200 rows.
R_DENDROGRAM_CALLS = """
e <- new.env()
sys.source(file.path(Sys.getenv("PYSEG_R_DIR"), "hierarchical.R"), envir = e)
calls <- list()
plot <- function(x, ...) {
  calls[[length(calls) + 1L]] <<- list(...)
  graphics::plot(x, ...)
}
for (n in c(60L, 61L, 200L)) {
  set.seed(n)
  e$dendrogram_png(matrix(rnorm(2L * n), ncol = 2L), tempfile(fileext = ".png"), k = 5L)
}
for (a in calls) {
  cat(sprintf("labels=%s hang=%s xlab=%s\\n", if (is.null(a$labels)) "NULL" else a$labels,
              if (is.null(a$hang)) "NULL" else a$hang, a$xlab))
}
"""


@pytest.mark.r
def test_r_dendrogram_is_drawn_like_pythons(rscript: str, repo: Path) -> None:
    """Issue 22, defect 16: R's plot(hclust) drew 200 overlapping leaf labels, its leaves hanging
    below zero (hang = 0.1). Now, as scipy's: leaves at height 0 (hang = -1), row numbers only up
    to Python's LABELLED_LEAVES rows, and the axis names the number of rows past it."""
    from pyseg.methods.hierarchical._report import LABELLED_LEAVES

    run = subprocess.run([rscript, "-e", R_DENDROGRAM_CALLS], cwd=repo, capture_output=True,
                         text=True, timeout=120, check=False,
                         env={**os.environ, "PYSEG_R_DIR": str(repo / "r_reference")})
    assert run.returncode == 0, run.stderr
    assert LABELLED_LEAVES == 60
    assert run.stdout.splitlines() == ["labels=NULL hang=-1 xlab=Rows",
                                       "labels=FALSE hang=-1 xlab=61 rows",
                                       "labels=FALSE hang=-1 xlab=200 rows"]
