"""What a command runs, end to end: the library side of ``compare``, ``elbow`` and their reports.

The shell (:mod:`pyseg.cli`) parses arguments and formats text; everything it shows is computed
here, from the public pieces: :func:`~pyseg.load_dataset`, the engines, :func:`~pyseg.compare`,
:func:`~pyseg.elbow`.

A cold ``pyseg compare`` goes, for every method::

    compare_run()   -> choose R: recorded results, R in this process, or the R worker
                    -> the data: the course's own run through cold_start() (the worker loads R
                       and reads the file while this process imports scikit-learn), any other
                       run its features; R's fit is sent to the worker as soon as they are known
                    -> compare_selected(): the method's run (both fits, alignment, diagnosis)
                    -> with --report: the report's material (the course's run: its elbow
                       and R's clusplot; a method's: its own plots and curves)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import ELBOW_K_MAX, PYTHON_COURSE, R_COURSE, CourseSettings
from pyseg._data import Dataset, load_dataset
from pyseg._errors import InputError, PysegError, RUnavailableError
from pyseg._features import (
    Features,
    features_for_new_rows,
    features_from_frame,
    load_features,
    new_rows_table,
)
from pyseg._io import json_ready, to_json_text
from pyseg._method_pipeline import method_report_material
from pyseg._plots import clusters_title, numbered_names
from pyseg._provenance import run_provenance, versions
from pyseg._report import CompareReport, ElbowReport, ReportMaterial
from pyseg._segments import names_or_numbers
from pyseg.engines import (
    KMeansEngine,
    RecordedREngine,
    REngine,
    RFeaturesEngine,
    RWorkerEngine,
    cold_start,
)
from pyseg.engines._recorded import record_method_results
from pyseg.methods import course_method, part, trait
from pyseg.methods._registry import (
    METHODS,
    MethodPrediction,
    MethodSettings,
    compare_selected,
    selected,
)
from pyseg.methods.kmeans._compare import Comparison, Mode
from pyseg.methods.kmeans._elbow import ElbowResult, elbow
from pyseg.r._process import WorkerProcess, worker_wanted

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray


def compare_data(
    data: str | os.PathLike[str] | None = None,
    columns: str | Sequence[str] | None = None,
    k: int = 5,
    *,
    mode: Mode = "course",
    python_settings: CourseSettings = PYTHON_COURSE,
    r_settings: CourseSettings = R_COURSE,
    min_agreement: float = 1.0,
    r_results: str | os.PathLike[str] | None = None,
    report: bool = False,
    command_line: Sequence[str] | str = ("pyseg", "compare"),
    worker_process: WorkerProcess | None = None,
) -> CompareRun:
    """Load a data file and compare the two languages on it, by the fastest route.

    Parameters
    ----------
    data, columns
        As for :func:`pyseg.load_dataset`.
    k, mode, python_settings, r_settings, min_agreement
        As for :func:`pyseg.compare`.
    r_results : path-like, optional
        Take R's side from results recorded by ``pyseg record-r`` instead of running R.
    report : bool, default=False
        Also compute the report's contents (:func:`compare_report`), for
        :func:`pyseg._report.write_compare_report`.
    command_line : sequence of str or str
        The command as typed, for the report's provenance.
    worker_process : WorkerProcess, optional
        The R worker, if the caller started it before loading pyseg's library
        (:func:`pyseg.r._process.start_worker_process`); ended here if R is not run there.

    Returns
    -------
    CompareRun
        The course's :class:`MethodRun`: ``dataset``, ``comparison``, ``versions`` (with R's
        from the R engine that ran, or was recorded) and ``report`` when asked for.

    Notes
    -----
    Without ``r_results``, R runs in a worker process started before anything else
    (:func:`pyseg.engines.cold_start`), unless ``$PYSEG_R_IN_PROCESS`` is set. Results are the
    same on every route.
    """
    settings = MethodSettings(k=k, mode=mode, python_settings=python_settings,
                              r_settings=r_settings, min_agreement=min_agreement,
                              r_results=None if r_results is None else Path(r_results))
    return compare_run(data, columns, course_method(), settings, course=True, report=report,
                       command_line=command_line, worker_process=worker_process)


def compare_report(
    comparison: Comparison,
    dataset: Dataset,
    r_engine: KMeansEngine,
    command_line: Sequence[str] | str,
) -> CompareReport:
    """Everything the compare report shows: the course elbow (k = 1..10, or fewer distinct
    points), R's own ``clusplot``, provenance; a note for each part R could not give."""
    notes: list[str] = []
    distinct = np.unique(np.asarray(dataset.X), axis=0).shape[0]
    elbow_result = None
    try:
        elbow_result = elbow(dataset, range(1, min(ELBOW_K_MAX, distinct) + 1), mode="course",
                             r_engine=r_engine)
    except (RUnavailableError, InputError) as exc:
        notes.append(f"The elbow section was left out: {exc}")
    except PysegError as exc:  # an error inside R on this data: report it, keep the rest
        notes.append(f"The elbow section was left out: R failed ({exc})")
    clusplot = None
    X = np.asarray(dataset.X, dtype=np.float64)
    # R labels its ellipses with pyseg's 0-based segment numbers (R's clusters relabelled to
    # Python's), and a key under the plot names them: the numbers of the CLI and the report.
    r_names = names_or_numbers(comparison.r.centers, X, dataset.feature_names)
    try:
        clusplot = r_engine.clusplot_png(
            X, comparison.r.labels,
            title=clusters_title(dataset.feature_names, dataset.is_course_schema),
            key=tuple(numbered_names(r_names, len(r_names))),
        )
    except RUnavailableError as exc:
        notes.append(f"R's own course plot (cluster::clusplot) was not drawn: {exc}")
    recorded = r_engine.summary() if isinstance(r_engine, RecordedREngine) else None
    return CompareReport(
        comparison=comparison,
        dataset=dataset,
        provenance=run_provenance(dataset, command_line, r_engine),
        elbow=elbow_result,
        r_clusplot_png=clusplot,
        notes=tuple(notes),
        recorded_r_results=recorded,
    )


@dataclass(frozen=True)
class ElbowRun:
    """What :func:`elbow_data` computed: the data set, the elbow and, if asked, the report."""

    dataset: Dataset
    elbow: ElbowResult
    report: ReportMaterial | None = None


def elbow_data(
    data: str | os.PathLike[str] | None = None,
    columns: str | Sequence[str] | None = None,
    k_values: Iterable[int] = range(1, ELBOW_K_MAX + 1),
    *,
    mode: str = "course",
    starts: int = 10,
    progress: bool = False,
    r_results: str | os.PathLike[str] | None = None,
    report: bool = False,
    command_line: Sequence[str] | str = ("pyseg", "elbow"),
) -> ElbowRun:
    """Load a data file and run :func:`pyseg.elbow` on it (R in this process, or recorded)."""
    dataset = load_dataset(data, columns)
    r_engine: KMeansEngine = (REngine() if r_results is None
                              else RecordedREngine(Path(r_results)))
    result = elbow(dataset, k_values, mode=mode, starts=starts, progress=progress,
                   r_engine=r_engine)
    material = None
    if report:
        material = ElbowReport(result, dataset, run_provenance(dataset, command_line, r_engine))
    return ElbowRun(dataset, result, material)


@dataclass(frozen=True)
class MethodRun:
    """What :func:`compare_run` computed: the data set (``X``: the matrix both languages
    clustered), how its features were built (None for the course's own run), the method's
    comparison (an AllComparison for ``"all"``), the settings the run ``chosen`` itself (``eps``
    from the knee), and :func:`feature_check` (empty when R's side was recorded). With
    ``report=True`` also ``report``, what the report shows beyond the comparison (R's
    dendrogram, the k-NN curves; the course's run: its elbow and R's clusplot) and the
    provenance, for :func:`pyseg._report.write_report`."""

    dataset: Dataset
    features: Features | None
    method: str
    comparison: Any
    versions: dict[str, str | None]
    feature_check: dict[str, float]
    chosen: dict[str, Any] = field(default_factory=dict)
    report: ReportMaterial | None = None

    @property
    def passed(self) -> bool:
        return bool(self.comparison.passed)

    def measure(self) -> tuple[str, float]:
        """The method's own parity measure: (name, value), e.g. the largest merge-height gap."""
        method = METHODS[self.method]
        return method.measure_name, method.measure(self.comparison)

    def to_dict(self) -> dict[str, Any]:
        """The comparison's dict with ``feature_matrix``: the features and the check on them
        (not for the course's own run, whose features are the course's)."""
        result = self.comparison.to_dict(self.versions)
        if self.features is None:
            return result
        result["feature_matrix"] = {**self.features.to_dict(), **self.feature_check}
        if self.chosen:
            result["chosen"] = json_ready(self.chosen)
        return result

    def to_json(self) -> str:
        result = self.to_dict()
        sides = tuple(side for side in ("python", "r")
                      if isinstance(result.get(side), dict) and "labels" in result[side])
        return to_json_text(result, sides)


#: What :func:`compare_data` returns: the course's run.
CompareRun = MethodRun


def feature_check(features: Features, dataset: Dataset, r_engine: RFeaturesEngine
                  ) -> dict[str, float]:
    """Max |dX| between Python's matrix and the one R holds, and (``z``) R's own ``scale()``."""
    X = np.asarray(dataset.X, dtype=np.float64)
    check = {"r_received_max_abs_diff": float(np.max(np.abs(r_engine.as_received(X) - X)))}
    if features.scale == "z":
        unscaled = features_from_frame(dataset.table, [c.name for c in features.columns],
                                       scale="none", source=dataset.source)
        scaled, _, _ = r_engine.z_scale(unscaled.X)
        check["r_scale_max_abs_diff"] = float(np.max(np.abs(scaled - X)))
    return check


def compare_run(
    data: str | os.PathLike[str] | None,
    columns: str | Sequence[str] | None,
    method: str,
    settings: MethodSettings,
    *,
    scale: str = "none",
    course: bool | None = None,
    report: bool = False,
    command_line: Sequence[str] | str = ("pyseg", "compare"),
    worker_process: WorkerProcess | None = None,
) -> MethodRun:
    """The one ``compare`` route, for every method (or ``"all"``): the data (``data``,
    ``columns``, ``scale`` as for :func:`~pyseg._features.load_features`), R (in the worker, in
    this process, or replayed from ``settings.r_results``), the method's comparison, and with
    ``report`` the report's material and provenance (``command_line``: the command as typed).
    ``course``: whether this is the course's own run, which reads the data as the course does
    (the course's ranges checked), starts R's fit in the worker while this process imports
    scikit-learn, and reports without a feature section; None: whether the method is the
    course's (K-Means) on the course's two columns as they are. ``worker_process``: the R
    worker, if the caller started it before loading pyseg's library; R's side runs there (unless
    ``$PYSEG_R_IN_PROCESS`` is set or R's side is recorded), and R's fit starts as soon as the
    data is known."""
    worker = None
    try:
        selected(method)
        if settings.r_results is None and worker_wanted():
            # R loads in the worker while this process reads the data; the fits then overlap on
            # two cores even where the Python fit holds the GIL (fastcluster's linkage_vector).
            worker = RWorkerEngine(worker_process)
        elif worker_process is not None:
            worker_process.kill()
    except BaseException:
        if worker_process is not None:
            worker_process.kill()
        raise
    if course is None:
        course = bool(trait(method, "COURSE_MODEL", False)) and columns is None and scale == "none"
    try:  # _compare tells the worker to stop as soon as R's part is done
        return _compare(data, columns, method, replace(settings, r_worker=worker), scale,
                        course, report, command_line)
    except BaseException:
        if worker is not None:
            worker.close(at_once=True)  # Ctrl-C or an error: stop R now, mid-fit if need be
        raise
    finally:
        if worker is not None:
            worker.close()  # and wait: the worker must not outlive the command


def _data(data: str | os.PathLike[str] | None, columns: str | Sequence[str] | None,
          method: str, settings: MethodSettings, scale: str, course: bool,
          keep_table: bool) -> tuple[Dataset, Features | None]:
    """The data set, with R's fit started in the worker as early as it can be: the course's by
    :func:`~pyseg.engines.cold_start`, another method's (for ``"all"``: the first method's) as
    soon as the features are built, if the method says what it will be (its
    ``_compare.r_fit_request``); the comparison collects it."""
    worker = settings.r_worker
    if not course:
        dataset, features = load_features(data, columns, scale=scale)
        request = getattr(part(selected(method)[0], "compare"), "r_fit_request", None)
        if worker is not None and request is not None:
            try:
                message = request(dataset, settings)
            except InputError:  # bad input for this method: the comparison says why
                message = None
            if message is not None:
                worker.start(*message)
        return dataset, features
    if worker is None:
        return load_dataset(data, columns), None
    early = (settings.k, settings.r_settings) if settings.mode == "course" else None
    started = cold_start(None if data is None else str(data),
                         columns if columns is None or isinstance(columns, str)
                         else ",".join(columns),
                         course_fit=early, keep_table=keep_table, started=worker)
    return started.dataset(), None


def _compare(data: str | os.PathLike[str] | None, columns: str | Sequence[str] | None,
             method: str, settings: MethodSettings, scale: str, course: bool, report: bool,
             command_line: Sequence[str] | str) -> MethodRun:
    dataset, features = _data(data, columns, method, settings, scale, course, report)
    comparison = compare_selected(method, dataset, settings)
    worker = settings.r_worker
    if settings.r_results is None:
        r_version = (worker if worker is not None else REngine()).version()
    else:  # a K-Means recording states the R it came from
        r_version = RecordedREngine(settings.r_results).version() if course else None
    check: dict[str, float] = {}
    material = None
    if features is not None and settings.r_results is None:
        check = feature_check(features, dataset, RFeaturesEngine() if worker is None
                              else worker.engine("RFeaturesEngine"))
    if report and course:
        material = compare_report(comparison, dataset, part(method, "compare").r_engine(settings),
                                  command_line)
    elif report and features is not None:
        material = method_report_material(comparison, r_results=settings.r_results)
        record = run_provenance(dataset, command_line,  # after material's R: its packages load
                                REngine() if settings.r_results is None else None)
        material = replace(material, provenance={**record, "feature_matrix": {
            **features.to_dict(), **check}})
    if worker is not None:
        worker.close(wait=False)  # R shuts down while this process gathers its versions
    info = versions()
    info["r"] = r_version
    return MethodRun(dataset, features, method, comparison, info, check, dict(settings.chosen),
                     material)


@dataclass(frozen=True)
class MethodPredictRun:
    """What :func:`method_predict_data` computed: the method's fit in both languages on the
    training data, and the new rows' segments in both languages."""

    fitted: MethodRun
    X_new: NDArray[np.float64]
    prediction: MethodPrediction

    def to_dict(self) -> dict[str, Any]:
        p = self.prediction
        result: dict[str, Any] = {
            "method": self.fitted.method, "rule": p.rule,
            "data": {"source": self.fitted.dataset.source, "sha256": self.fitted.dataset.sha256},
            "features": list(self.fitted.dataset.feature_names),
            "python": p.python.tolist(), "r": p.r.tolist(), "agreement": p.agreement,
            "training_passed": self.fitted.passed, "versions": self.fitted.versions,
        }
        if p.python_probability is not None:
            result["python_probability"] = json_ready(p.python_probability)
            result["r_probability"] = json_ready(p.r_probability)
        return result


def method_predict_data(
    data: str | os.PathLike[str] | None,
    columns: str | Sequence[str] | None,
    method: str,
    settings: MethodSettings,
    new_rows: pd.DataFrame,
    new_source: str,
    *,
    scale: str = "none",
) -> MethodPredictRun:
    """Fit ``method`` in both languages on the training data, then assign ``new_rows`` (a
    table with the training columns' headers, or short names) in both languages.

    Raises
    ------
    InputError
        The method has no prediction rule (its ``PREDICTION`` says why, in one line), or a new
        row is bad (named by row and column).
    """
    if method not in METHODS:
        raise InputError(f"--method {method!r} is not one of {', '.join(METHODS)}")
    spec = METHODS[method]
    if spec.predict is None:
        others = [name for name, other in METHODS.items() if other.predict is not None]
        raise InputError(f"predict --method {method}: {spec.prediction}; use --method "
                         f"{', '.join(others[:-1])} or {others[-1]} to predict")
    fitted = compare_run(data, columns, method, settings, scale=scale, course=False)
    assert fitted.features is not None  # course=False: the features were built
    X_new = features_for_new_rows(fitted.features, new_rows, new_source)
    table = new_rows_table(fitted.features, new_rows, new_source)
    return MethodPredictRun(fitted, X_new, spec.predict(fitted.comparison, X_new, table))


def record_method_data(
    data: str | os.PathLike[str] | None,
    columns: str | Sequence[str] | None,
    method: str,
    settings: MethodSettings,
    k_values: Sequence[int],
    *,
    scale: str = "none",
    output: str | os.PathLike[str] | None = None,
    elbow_starts: int = 10,
) -> tuple[Dataset, Path]:
    """``pyseg record-r --method M``: R's fits of ``method`` on the features (with each k of
    ``k_values`` for the methods that take one), recorded for ``compare --method M --r-results
    FILE`` (``"all"``: every method records itself into one file, in turn, the default method
    its :data:`~pyseg.engines._recorded.FORMAT` for k = 1..max(``k_values``))."""
    names = selected(method)
    dataset, _ = load_features(data, columns, scale=scale)
    path = Path(output) if output is not None else None
    for name in names:
        spec = part(name, "record")
        if not hasattr(spec, "ARGUMENTS"):
            path = spec.record_r_results(dataset, path, k_values=range(1, max(k_values) + 1),
                                         elbow_starts=elbow_starts, progress=False)
            continue
        engine = spec.recorder(dataset) if hasattr(spec, "recorder") else None
        path = record_method_results(dataset, name, spec.runs(dataset, settings, k_values), path,
                                     scale=scale, engine=engine)
    assert path is not None
    return dataset, path
