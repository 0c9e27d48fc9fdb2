"""R results recorded earlier, replayed: the R engine of machines without R.

``pyseg record-r`` (:mod:`pyseg.methods.kmeans._recorder`) runs the R side once (course fits,
exact-mode Lloyd fits and both elbows with R's silhouettes) and writes the numbers, with the R
version, ``sessionInfo()`` and the SHA-256 of the R code that made them, to
``r_reference/results/<data>.json``, the way statsmodels and SciPy keep R reference results.
:class:`RecordedREngine` then stands in for :class:`~pyseg.engines.REngine`: it returns what was
recorded for the same data and request, and refuses anything it has no record of.

Records are keyed by the SHA-256 of the feature matrix (float64, C order), so they match the same
numbers whatever the file's formatting; the file's own SHA-256 is stored too, for people.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import CourseSettings
from pyseg._errors import InputError, RUnavailableError
from pyseg.methods.kmeans._base import ElbowFits, FitResult, Silhouette, silhouette_defined

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from numpy.typing import ArrayLike, NDArray

FORMAT = "pyseg-recorded-r/1"
#: The R files whose code produces the recorded numbers.
R_CODE_FILES = ("bridge.R", "kmeans_course.R", "elbow.R")


def features_sha256(X: NDArray[np.float64]) -> str:
    """SHA-256 of the feature matrix as float64 in C order (the key of every record)."""
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(X, dtype=np.float64).tobytes()).hexdigest()


def load_recorded(path: Path) -> dict[str, Any]:
    """Read and check a file written by :func:`record_r_results`.

    Raises
    ------
    InputError
        The file is missing, is not JSON, or is not a pyseg record.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read recorded R results {path}: {exc.strerror}") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"recorded R results {path} are not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise InputError(f"{path} is not a file of recorded R results (expected format "
                         f"{FORMAT!r}; write one with `pyseg record-r`)")
    return record


def _fit_from_record(entry: dict[str, Any], warnings: tuple[str, ...] = ()) -> FitResult:
    return FitResult(
        engine="r",
        labels=np.asarray(entry["labels"], dtype=np.int64),
        centers=np.asarray(entry["centers"], dtype=np.float64),
        wcss=float(entry["wcss"]),
        n_iter=int(entry["n_iter"]),
        warnings=tuple(entry.get("warnings", ())) + warnings,
    )


class RecordedREngine:
    """The R engine replaced by recorded results (``compare --r-results FILE``).

    Parameters
    ----------
    path : Path
        A file written by :func:`record_r_results` (``pyseg record-r``).
    """

    name = "r"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record = load_recorded(path)

    def version(self) -> str:
        """The version of the R that produced the recorded results."""
        return str(self.record["r_version"])

    def check_ready(self, silhouette: bool = False) -> None:
        """Recorded results need no R."""
        return None

    def provenance(self) -> dict[str, Any]:
        """The recorded ``r_components`` and ``r_session_info``."""
        return {key: self.record.get(key) for key in ("r_components", "r_session_info")}

    def summary(self) -> dict[str, Any]:
        """Where the results came from: R version and code hashes, data, the recording command."""
        summary = {key: self.record.get(key) for key in ("r_version", "r_components", "r_code",
                                                         "data", "recorded_by")}
        summary["file"] = str(self.path)
        return summary

    def _entries(self, X: NDArray[np.float64], kind: str) -> list[dict[str, Any]]:
        key = features_sha256(X)
        if key != self.record["data"]["features_sha256"]:
            data = self.record["data"]
            raise InputError(
                f"{self.path} records R results for {data['source']} (file SHA-256 "
                f"{data['sha256'][:12]}..., {data['n_rows']} rows), not for this data: run R "
                "itself (drop --r-results) or record this data with `pyseg record-r --data FILE`"
            )
        return [entry for entry in self.record["fits"] if entry["kind"] == kind]

    def _recorded_list(self, entries: Iterable[dict[str, Any]]) -> str:
        """What is recorded, grouped: ``course k = 1, 2, ... with set.seed(29) nstart=10 ...``."""
        groups: dict[str, list[int]] = {}
        for entry in entries:
            settings = re.sub(r"\bk=\d+ ", "", entry["describe"])
            groups.setdefault(settings, []).append(int(entry["k"]))
        return "; ".join(f"{settings} for k = {', '.join(map(str, sorted(ks)))}"
                         for settings, ks in sorted(groups.items())) or "nothing"

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """The recorded ``set.seed(seed); kmeans(X, k, iter.max, nstart)`` fit."""
        entries = self._entries(X, "course")
        for entry in entries:
            if (entry["k"], entry["seed"], entry["n_starts"], entry["max_iter"]) == (
                    k, settings.seed, settings.n_starts, settings.max_iter):
                return _fit_from_record(entry)
        raise InputError(
            f"{self.path} has no recorded R fit for k={k}, set.seed({settings.seed}), "
            f"nstart={settings.n_starts}, iter.max={settings.max_iter}; it records: "
            f"{self._recorded_list(entries)}"
        )

    def fit_from(self, X: NDArray[np.float64], initial_centers: NDArray[np.float64],
                 max_iter: int) -> FitResult:
        """The recorded ``kmeans(X, centers, iter.max, algorithm = "Lloyd")`` fit."""
        entries = self._entries(X, "lloyd")
        for entry in entries:
            if entry["max_iter"] == max_iter and np.array_equal(
                    np.asarray(entry["initial_centers"]), initial_centers):
                return _fit_from_record(entry)
        raise InputError(
            f"{self.path} has no recorded R Lloyd fit from these {len(initial_centers)} initial "
            f"centers with iter.max={max_iter}; it records: {self._recorded_list(entries)}"
        )

    def elbow(self, X: NDArray[np.float64], k_values: tuple[int, ...], mode: str,
              starts: int) -> ElbowFits:
        """The recorded elbow of ``mode`` (and, matched, of ``starts`` starts) for ``k_values``."""
        self._entries(X, "course")  # checks the data
        for entry in self.record["elbows"]:
            if entry["mode"] == mode and (mode == "course" or entry["starts"] == starts):
                by_k = {row["k"]: row for row in entry["rows"]}
                if all(k in by_k for k in k_values):
                    rows = [by_k[k] for k in k_values]
                    return ElbowFits(
                        k_values=tuple(k_values),
                        wcss=np.asarray([row["wcss"] for row in rows], dtype=np.float64),
                        labels=np.asarray([row["labels"] for row in rows], dtype=np.int64).T,
                        warnings=(),
                    )
        recorded = "; ".join(entry["describe"] for entry in self.record["elbows"]) or "nothing"
        raise InputError(f"{self.path} has no recorded R elbow for mode={mode}, k = "
                         f"{list(k_values)}, starts={starts}; it records: {recorded}")

    def silhouette(self, X: NDArray[np.float64], labels: ArrayLike) -> Silhouette | None:
        """R's silhouette widths recorded for this very partition (any recorded elbow's)."""
        labels = np.asarray(labels, dtype=np.int64)
        self._entries(X, "course")  # checks the data
        if not silhouette_defined(labels):
            return None
        for entry in self.record["elbows"]:
            for row in entry["rows"]:
                if row["silhouette_widths"] is not None and np.array_equal(row["labels"], labels):
                    widths = np.asarray(row["silhouette_widths"], dtype=np.float64)
                    return Silhouette(widths, float(widths.mean()))
        raise InputError(f"{self.path} has no recorded R silhouette for this partition; it "
                         "records those of its elbows' partitions")

    def nearest_center(self, X: NDArray[np.float64],
                       centers: NDArray[np.float64]) -> tuple[NDArray[np.int64],
                                                              NDArray[np.float64]]:
        raise InputError(f"{self.path} holds R's fits, not R's predictions: predict with "
                         "--engine python, or with R itself")

    def clusplot_png(self, X: NDArray[np.float64], labels: ArrayLike, title: str = "",
                     width: int = 900, height: int = 700, key: tuple[str, ...] = ()) -> bytes:
        raise RUnavailableError(f"{self.path} holds R's numbers, not R's plots: run R itself "
                                "(drop --r-results) for cluster::clusplot")
