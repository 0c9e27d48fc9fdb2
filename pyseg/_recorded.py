"""R results recorded in the repository, for checking Python on machines without R.

``pyseg record-r`` runs the R side once (course fits, exact-mode Lloyd fits and both elbows) and
writes the numbers, with the R version, ``sessionInfo()`` and the SHA-256 of the R code that made
them, to ``r_reference/results/<data>.json``, the way statsmodels and SciPy keep R reference
results. :class:`RecordedREngine` then stands in for :class:`~pyseg.REngine`: it returns the
recorded fit for the same data, k and settings, and refuses anything it has no record of.

Records are keyed by the SHA-256 of the feature matrix (float64, C order), so they match the same
numbers whatever the file's formatting; the file's own SHA-256 is stored too, for people.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from pyseg._engines import CourseSettings, FitResult
from pyseg._errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    import numpy as np
    from numpy.typing import NDArray

    from pyseg._data import Dataset

FORMAT = "pyseg-recorded-r/1"
#: The R files whose code produces the recorded numbers.
R_CODE_FILES = ("bridge.R", "kmeans_course.R", "elbow.R")


def features_sha256(X: NDArray[np.float64]) -> str:
    """SHA-256 of the feature matrix as float64 in C order (the key of every record)."""
    import hashlib

    import numpy as np

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
    import numpy as np

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

    def r_version(self) -> str:
        """The version of the R that produced the recorded results."""
        return str(self.record["r_version"])

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
        import numpy as np

        entries = self._entries(X, "lloyd")
        for entry in entries:
            if entry["max_iter"] == max_iter and np.array_equal(
                    np.asarray(entry["initial_centers"]), initial_centers):
                return _fit_from_record(entry)
        raise InputError(
            f"{self.path} has no recorded R Lloyd fit from these {len(initial_centers)} initial "
            f"centers with iter.max={max_iter}; it records: {self._recorded_list(entries)}"
        )

    def elbow(self, X: NDArray[np.float64], k_values: Sequence[int], mode: str,
              starts: int) -> dict[str, Any]:
        """The recorded elbow: ``wcss`` (len(k_values),), ``labels`` (n, len(k_values)) 0-based,
        ``silhouette_widths`` (list of arrays or None per k)."""
        import numpy as np

        self._entries(X, "course")  # checks the data
        for entry in self.record["elbows"]:
            if entry["mode"] == mode and (mode == "course" or entry["starts"] == starts):
                by_k = {row["k"]: row for row in entry["rows"]}
                if all(k in by_k for k in k_values):
                    rows = [by_k[k] for k in k_values]
                    return {
                        "wcss": np.asarray([row["wcss"] for row in rows], dtype=np.float64),
                        "labels": np.asarray([row["labels"] for row in rows], dtype=np.int64).T,
                        "silhouette_widths": [
                            None if row["silhouette_widths"] is None
                            else np.asarray(row["silhouette_widths"], dtype=np.float64)
                            for row in rows],
                    }
        recorded = "; ".join(entry["describe"] for entry in self.record["elbows"]) or "nothing"
        raise InputError(f"{self.path} has no recorded R elbow for mode={mode}, k = "
                         f"{list(k_values)}, starts={starts}; it records: {recorded}")


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
    """``r_reference/results/<data file stem>.json`` in the repository (or installed package)."""
    from pyseg._rbridge import r_reference_dir

    stem = dataset.path.stem if getattr(dataset, "path", None) else "generated"
    return r_reference_dir() / "results" / f"{stem.lower()}.json"


def record_r_results(
    dataset: Dataset,
    path: Path | None = None,
    k_values: Iterable[int] = range(1, 11),
    command_line: Sequence[str] | str = ("pyseg", "record-r"),
    elbow_starts: int = 10,
    progress: bool = False,
) -> Path:
    """Run the R side on ``dataset`` and write its results for :class:`RecordedREngine`.

    Records, for every k in ``k_values``: the course fit (``set.seed(29); kmeans(X, k, iter.max =
    300, nstart = 10)``), the exact-mode Lloyd fit from pyseg's seeded k-means++ centers, and the
    course and matched (``elbow_starts`` starts) elbows with R's silhouette widths.

    Parameters
    ----------
    dataset : Dataset
    path : Path, optional
        Output file; default :func:`default_results_path`.
    k_values : iterable of int, default=range(1, 11)
    command_line : sequence of str or str
        Recorded as ``recorded_by``.
    elbow_starts : int, default=10
        Starts per k of the recorded matched elbow.
    progress : bool, default=False
        Show a progress bar on stderr.

    Returns
    -------
    Path
        The file written (atomically: temp file, then rename).

    Raises
    ------
    RUnavailableError
        R, rpy2 or R's ``cluster`` package is missing.
    """
    import hashlib
    from pathlib import Path

    import numpy as np

    from pyseg._elbow import elbow, r_elbow
    from pyseg._engines import EXACT_MAX_ITER, PYTHON_COURSE, R_COURSE, initial_centers_kmeanspp
    from pyseg._progress import progress_bar
    from pyseg._provenance import command_line as format_command
    from pyseg._provenance import r_components, r_session_info
    from pyseg._rbridge import r_reference_dir, r_version
    from pyseg._rengine import REngine
    from pyseg._silhouette import silhouette_r

    X = np.asarray(dataset.X, dtype=np.float64)
    ks = sorted(int(k) for k in k_values)
    elbow(dataset, ks[:1], mode="course")  # validates k against the data, checks R and cluster
    engine = REngine()
    fits: list[dict[str, Any]] = []
    bar = progress_bar(total=2 * len(ks) + 2, description="record-r", enabled=progress)
    try:
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
        elbows = []
        for mode, starts in (("course", 1), ("matched", elbow_starts)):
            wcss, labels, warnings = r_elbow(X, ks, mode, starts)
            rows = []
            for index, k in enumerate(ks):
                sil = silhouette_r(X, labels[:, index])
                rows.append({"k": k, "wcss": float(wcss[index]),
                             "labels": labels[:, index].tolist(),
                             "silhouette_widths": None if sil is None else sil.widths.tolist()})
            describe = ("course elbow (set.seed(6) once, one start per k)" if mode == "course"
                        else f"matched elbow (set.seed(6) per k, nstart={starts})")
            elbows.append({"mode": mode, "starts": starts, "describe": describe,
                           "k_values": ks, "rows": rows, "warnings": list(warnings)})
            bar.update()
    finally:
        bar.close()

    code_dir = r_reference_dir()
    record = {
        "format": FORMAT,
        "note": "Numbers computed by R from the data below; the data itself is not stored here.",
        "r_version": r_version(),
        "r_components": r_components(),
        "r_session_info": r_session_info(),
        "r_code": {name: hashlib.sha256((code_dir / name).read_bytes()).hexdigest()
                   for name in R_CODE_FILES},
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
    target = Path(path) if path is not None else default_results_path(dataset)
    from pyseg._io import write_atomic

    what = "recorded R results to "
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {what}{target}: {exc.strerror or exc}") from None
    write_atomic(_compact_json(record).encode("utf-8"), target, what=what)
    return target
