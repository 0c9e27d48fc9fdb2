"""Recording R's results for machines without R (``pyseg record-r``).

:func:`record_r_results` drives a live :class:`~pyseg.engines.REngine` through everything
``compare`` and ``elbow`` ask of R on one data set, and writes the answers with the R version,
``sessionInfo()`` and the SHA-256 of the R code; :class:`~pyseg.engines.RecordedREngine` replays
them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import EXACT_MAX_ITER, PYTHON_COURSE, R_COURSE, R_ELBOW_SEED, R_ELBOW_STARTS
from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._io import check_writable, write_atomic
from pyseg._progress import ProgressBar, progress_bar
from pyseg._provenance import command_line as format_command
from pyseg.engines import (
    FitResult,
    REngine,
    initial_centers_kmeanspp,
    r_code_sha256,
)
from pyseg.methods.kmeans._elbow import check_elbow_arguments
from pyseg.methods.kmeans._recorded import FORMAT, R_CODE_FILES, features_sha256

if TYPE_CHECKING:
    from numpy.typing import NDArray


def _compact_json(record: dict[str, Any]) -> str:
    """Indented JSON with lists of plain numbers kept on one line (readable diffs, small file)."""
    text = json.dumps(record, sort_keys=True, indent=1, allow_nan=False)
    number_list = re.compile(r"\[\n\s*((?:-?[0-9][0-9.eE+-]*|null),?(?:\n\s*(?:-?[0-9][0-9.eE+-]*"
                             r"|null),?)*)\n\s*\]")
    return number_list.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n"


def _fit_entry(kind: str, describe: str, fit: FitResult, **keys: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "describe": describe,
        **keys,
        "labels": fit.labels.tolist(),
        "centers": fit.centers.tolist(),
        "wcss": fit.wcss,
        "n_iter": fit.n_iter,
        "warnings": list(fit.warnings),
    }


def default_results_path(dataset: Dataset) -> Path:
    """``<data file stem>-r-results.json`` in the current directory (generated data: ``generated``).

    Never inside the package or a checkout: a recording is the user's file, written where they
    run the command, like any other output.
    """
    stem = dataset.path.stem if getattr(dataset, "path", None) else "generated"
    return Path(f"{stem}-r-results.json")


def canonical_command(dataset: Dataset, k_values: Sequence[int], elbow_starts: int) -> str:
    """The ``pyseg record-r`` command that records the same results, for ``recorded_by``.

    Built from what decides the numbers (the data file's name, its columns unless they are the
    course's, k and the elbow's starts), never from how or where the command was typed: the
    data's directory, the output path, option order and spelling change nothing in the file.
    """
    words = ["pyseg", "record-r"]
    if getattr(dataset, "path", None):
        words += ["--data", dataset.path.name]
    if not dataset.is_course_schema:
        words += ["--columns", ",".join(dataset.feature_names)]
    ks = sorted(int(k) for k in k_values)
    contiguous = ks == list(range(1, ks[-1] + 1))
    if contiguous:
        words += ["--k-max", str(ks[-1])]
    words += ["--starts", str(elbow_starts)]
    text = format_command(words)
    # Only 1..K can be typed; other k values (from the Python API) are listed after the command.
    return text if contiguous else f"{text} (k = {', '.join(map(str, ks))})"


def record_r_results(
    dataset: Dataset,
    path: Path | None = None,
    k_values: Iterable[int] = range(1, 11),
    command_line: Sequence[str] | str | None = None,
    elbow_starts: int = 10,
    progress: bool = False,
    engine: REngine | None = None,
) -> Path:
    """Run the R side on ``dataset`` and write its results for :class:`RecordedREngine`.

    Records, for every k in ``k_values``: the course fit (``set.seed(29); kmeans(X, k, iter.max =
    300, nstart = 10)``), the exact-mode Lloyd fit from pyseg's seeded k-means++ centers, and the
    course and matched (``elbow_starts`` starts) elbows with R's silhouette widths.

    Parameters
    ----------
    dataset : Dataset
    path : Path, optional
        Output file; default :func:`default_results_path` (in the current directory).
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
    what = "recorded R results to "
    check_writable(target, what)  # before R's long run, not after it
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

    record = {
        "format": FORMAT,
        "note": "Numbers computed by R from the data below; the data itself is not stored here.",
        "r_version": engine.version(),
        **engine.provenance(),
        "r_code": r_code_sha256(R_CODE_FILES),
        "recorded_by": command_line if isinstance(command_line, str)
        else format_command(command_line),
        "data": {
            "source": dataset.path.name if getattr(dataset, "path", None) else str(dataset.source),
            "sha256": dataset.sha256,
            "n_rows": int(dataset.n_rows),
            "features": list(dataset.feature_names),
            "features_sha256": features_sha256(X),
        },
        "fits": fits,
        "elbows": elbows,
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {what}{target}: {exc.strerror or exc}") from None
    write_atomic(_compact_json(record).encode("utf-8"), target, what=what)
    return target


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
