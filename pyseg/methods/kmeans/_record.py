"""K-Means' R results recorded (``pyseg record-r``) and replayed (``--r-results``).

:func:`record_r_results` drives a live :class:`~pyseg.engines.REngine` through everything
``compare`` and ``elbow`` ask of R on one data set (course fits, exact-mode Lloyd fits and both
elbows with R's silhouettes) and writes a recording of :data:`~pyseg.engines._recorded.FORMAT`;
:class:`RecordedREngine` stands in for :class:`~pyseg.engines.REngine`: it returns what was
recorded for the same data and request, and refuses anything it has no record of. The file
itself (reading, the data check, writing) is :mod:`pyseg.engines._recorded`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import (
    EXACT_MAX_ITER,
    PYTHON_COURSE,
    R_COURSE,
    R_ELBOW_SEED,
    R_ELBOW_STARTS,
    CourseSettings,
)
from pyseg._data import Dataset
from pyseg._errors import InputError, RUnavailableError
from pyseg._io import check_writable
from pyseg._progress import ProgressBar, progress_bar
from pyseg._provenance import command_line as format_command
from pyseg.engines import r_code_sha256
from pyseg.engines._recorded import (
    FORMAT,
    WHAT,
    Recorded,
    data_flags,
    default_results_path,
    new_recording,
    write_recording,
)
from pyseg.methods.kmeans._base import ElbowFits, FitResult, Silhouette, silhouette_defined
from pyseg.methods.kmeans._elbow import check_elbow_arguments
from pyseg.methods.kmeans._python import initial_centers_kmeanspp
from pyseg.methods.kmeans._r import REngine

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

#: The R files whose code produces the recorded numbers.
R_CODE_FILES = ("bridge.R", "kmeans_course.R", "elbow.R")
#: ``REngine.check_ready``'s keywords that load R's ``cluster`` package too.
READY = {"silhouette": True}


def canonical_command(dataset: Dataset, k_values: Sequence[int], elbow_starts: int) -> str:
    """The ``pyseg record-r`` command that records the same results, for ``recorded_by``.

    Built from what decides the numbers (the data file's name, its columns unless they are the
    course's, k and the elbow's starts), never from how or where the command was typed: the
    data's directory, the output path, option order and spelling change nothing in the file.
    """
    words = ["pyseg", "record-r", *data_flags(dataset)]
    ks = sorted(int(k) for k in k_values)
    contiguous = ks == list(range(1, ks[-1] + 1))
    if contiguous:
        words += ["--k-max", str(ks[-1])]
    words += ["--starts", str(elbow_starts)]
    text = format_command(words)
    # Only 1..K can be typed; other k values (from the Python API) are listed after the command.
    return text if contiguous else f"{text} (k = {', '.join(map(str, ks))})"


def record_r_results(dataset: Dataset, path: Path | None = None,
                     k_values: Iterable[int] = range(1, 11),
                     command_line: Sequence[str] | str | None = None, elbow_starts: int = 10,
                     progress: bool = False, engine: REngine | None = None) -> Path:
    """Run the R side on ``dataset`` and write its results for :class:`RecordedREngine`.

    Records, for every k in ``k_values``: the course fit (``set.seed(29); kmeans(X, k, iter.max =
    300, nstart = 10)``), the exact-mode Lloyd fit from pyseg's seeded k-means++ centers, and the
    course and matched (``elbow_starts`` starts) elbows with R's silhouette widths.

    Parameters
    ----------
    dataset : Dataset
    path : Path, optional
        Output file; default :func:`~pyseg.engines._recorded.default_results_path` (in the
        current directory).
    k_values : iterable of int, default=range(1, 11)
    command_line : sequence of str or str, optional
        Recorded as ``recorded_by``; default :func:`canonical_command`, so that the same inputs
        give the same bytes wherever and however the recording is made.
    elbow_starts : int, default=10
        Starts per k of the recorded matched elbow.
    progress : bool, default=False
        Show a progress bar on stderr.
    engine : REngine, optional
        The live R engine to record (default: R in this process).

    Returns
    -------
    Path
        The file written (atomically: temp file, then rename).

    Raises
    ------
    InputError
        The data or arguments are unusable, or ``path`` cannot be written (checked before R
        runs, and again when writing).
    RUnavailableError
        R, rpy2 or R's ``cluster`` package is missing.
    """
    X = np.asarray(dataset.X, dtype=np.float64)
    ks = sorted(int(k) for k in k_values)
    check_elbow_arguments(X, ks, "course", elbow_starts)
    target = Path(path) if path is not None else default_results_path(dataset)
    check_writable(target, WHAT)  # before R's long run, not after it
    if command_line is None:
        command_line = canonical_command(dataset, ks, elbow_starts)
    engine = engine if engine is not None else REngine()
    engine.check_ready(silhouette=True)  # fail before the long part, with the fix
    bar = progress_bar(total=2 * len(ks) + 2, description="record-r", enabled=progress)
    try:
        fits = _record_fits(engine, X, ks, bar)
        elbows = _record_elbows(engine, X, ks, elbow_starts, bar)
    finally:
        bar.close()
    record = new_recording(FORMAT, "Numbers computed by R from the data below; the data itself "
                           "is not stored here.", engine, dataset, X)
    record.update(r_code=r_code_sha256(R_CODE_FILES), fits=fits, elbows=elbows,
                  recorded_by=command_line if isinstance(command_line, str)
                  else format_command(command_line))
    return write_recording(record, target, make_parent=True)


def _fit_entry(kind: str, describe: str, fit: FitResult, **keys: Any) -> dict[str, Any]:
    return {"kind": kind, "describe": describe, **keys, "labels": fit.labels.tolist(),
            "centers": fit.centers.tolist(), "wcss": fit.wcss, "n_iter": fit.n_iter,
            "warnings": list(fit.warnings)}


def _record_fits(engine: REngine, X: NDArray[np.float64], ks: list[int],
                 bar: ProgressBar) -> list[dict[str, Any]]:
    """R's course fit and its exact-mode Lloyd fit for every k."""
    fits: list[dict[str, Any]] = []
    for k in ks:
        settings = R_COURSE
        fit = engine.fit(X, k, settings)
        fits.append(_fit_entry(
            "course", f"course k={k} set.seed({settings.seed}) nstart={settings.n_starts} "
            f"iter.max={settings.max_iter}", fit, k=k, seed=settings.seed,
            n_starts=settings.n_starts, max_iter=settings.max_iter))
        bar.update()
    for k in ks:
        initial = initial_centers_kmeanspp(X, k, PYTHON_COURSE.seed)
        fit = engine.fit_from(X, initial, EXACT_MAX_ITER)
        fits.append(_fit_entry(
            "lloyd", f"exact k={k} from k-means++ seed {PYTHON_COURSE.seed} "
            f"iter.max={EXACT_MAX_ITER}", fit, k=k, initial_centers=initial.tolist(),
            max_iter=EXACT_MAX_ITER))
        bar.update()
    return fits


def _record_elbows(engine: REngine, X: NDArray[np.float64], ks: list[int], elbow_starts: int,
                   bar: ProgressBar) -> list[dict[str, Any]]:
    """R's course elbow and matched elbow, with R's silhouette widths per k."""
    elbows = []
    for mode, starts in (("course", R_ELBOW_STARTS), ("matched", elbow_starts)):
        fits_per_k = engine.elbow(X, tuple(ks), mode, starts)
        wcss, labels = fits_per_k.wcss, fits_per_k.labels
        rows = []
        for index, k in enumerate(ks):
            sil = engine.silhouette(X, labels[:, index])
            rows.append({"k": k, "wcss": float(wcss[index]),
                         "labels": labels[:, index].tolist(),
                         "silhouette_widths": None if sil is None else sil.widths.tolist()})
        describe = (f"course elbow (set.seed({R_ELBOW_SEED}) once, one start per k)"
                    if mode == "course"
                    else f"matched elbow (set.seed({R_ELBOW_SEED}) per k, nstart={starts})")
        elbows.append({"mode": mode, "starts": starts, "describe": describe,
                       "k_values": ks, "rows": rows, "warnings": list(fits_per_k.warnings)})
        bar.update()
    return elbows


class RecordedREngine(Recorded):
    """The R engine replaced by recorded results (``compare --r-results FILE``).

    Parameters
    ----------
    path : Path
        A file written by :func:`record_r_results` (``pyseg record-r``).
    """

    formats = (FORMAT,)

    def _recorded_list(self, entries: Iterable[dict[str, Any]]) -> str:
        """What is recorded, grouped: ``course k = 1, 2, ... with set.seed(29) nstart=10 ...``."""
        groups: dict[str, list[int]] = {}
        for entry in entries:
            settings = re.sub(r"\bk=\d+ ", "", entry["describe"])
            groups.setdefault(settings, []).append(int(entry["k"]))
        return "; ".join(f"{settings} for k = {', '.join(map(str, sorted(ks)))}"
                         for settings, ks in sorted(groups.items())) or "nothing"

    def _fit(self, X: NDArray[np.float64], kind: str, matches: Callable[[dict[str, Any]], bool],
             missing: str) -> FitResult:
        """The recorded fit of ``kind`` whose entry ``matches``; else one line: no ``missing``."""
        self.check_data(X)
        entries = [entry for entry in self.record["fits"] if entry["kind"] == kind]
        for entry in entries:
            if matches(entry):
                return FitResult(engine="r", labels=np.asarray(entry["labels"], dtype=np.int64),
                                 centers=np.asarray(entry["centers"], dtype=np.float64),
                                 wcss=float(entry["wcss"]), n_iter=int(entry["n_iter"]),
                                 warnings=tuple(entry.get("warnings", ())))
        raise InputError(f"{self.path} has no recorded R {missing}; it records: "
                         f"{self._recorded_list(entries)}")

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """The recorded ``set.seed(seed); kmeans(X, k, iter.max, nstart)`` fit."""
        wanted = (k, settings.seed, settings.n_starts, settings.max_iter)
        return self._fit(X, "course", lambda e: (e["k"], e["seed"], e["n_starts"],
                                                 e["max_iter"]) == wanted,
                         f"fit for k={k}, set.seed({settings.seed}), "
                         f"nstart={settings.n_starts}, iter.max={settings.max_iter}")

    def fit_from(self, X: NDArray[np.float64], initial_centers: NDArray[np.float64],
                 max_iter: int) -> FitResult:
        """The recorded ``kmeans(X, centers, iter.max, algorithm = "Lloyd")`` fit."""
        return self._fit(X, "lloyd", lambda e: e["max_iter"] == max_iter and np.array_equal(
            np.asarray(e["initial_centers"]), initial_centers),
            f"Lloyd fit from these {len(initial_centers)} initial centers with "
            f"iter.max={max_iter}")

    def elbow(self, X: NDArray[np.float64], k_values: tuple[int, ...], mode: str,
              starts: int) -> ElbowFits:
        """The recorded elbow of ``mode`` (and, matched, of ``starts`` starts) for ``k_values``."""
        self.check_data(X)
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
        self.check_data(X)
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
