"""What every method provides, and the types its parts share.

A method is a package ``pyseg/methods/<name>/`` (see :mod:`pyseg.methods`). Its light
``__init__.py`` holds what the shell needs without numpy (its one-line description, its flags, what
it cannot do and why); its ``_compare.py`` holds the comparison and, for the pipeline:

``run(dataset, settings) -> comparison``
    Both languages' fits on ``dataset`` with :class:`MethodSettings`, aligned and diagnosed.
``MEASURE_NAME``, ``measure(comparison) -> float``
    The method's own parity measure (the ``--method all`` table).
``predict(comparison, X_new, table) -> MethodPrediction`` (optional)
    New rows in both languages; a method without it says why in its ``PREDICTION``.
``r_engine(settings)`` (the course's method, whose report asks R again)
    Its R engine for this run: in the R worker, in this process, or replayed from a recording
    (the other methods' ``run`` finds theirs with :func:`r_engine_for`).

Every comparison has ``passed``, ``diagnosis``, ``agreement`` (``accuracy``, ``ari``),
``to_dict(versions)`` and ``to_json(versions)``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, runtime_checkable

import numpy as np

from pyseg._course import PYTHON_COURSE, R_COURSE, CourseSettings
from pyseg._errors import InputError
from pyseg._io import to_json_text
from pyseg.methods import info
from pyseg.methods._agreement import PartitionAgreement, partition_agreement

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg.engines import RWorkerEngine

T = TypeVar("T")
U = TypeVar("U")
F = TypeVar("F", bound="Fit")


class Fit:
    """What every method's fit in either language is (its frozen dataclass subclasses this and
    declares the fields): ``engine`` (``"python"`` or ``"r"``), ``labels`` (0-based, -1 for
    noise) and ``warnings`` (captured, not printed), with the cluster count, sizes and JSON."""

    engine: str
    labels: NDArray[np.int64]
    warnings: tuple[str, ...]

    @property
    def n_clusters(self) -> int:
        """Clusters (noise not counted)."""
        return int(self.labels.max()) + 1 if self.labels.size and self.labels.max() >= 0 else 0

    @property
    def k(self) -> int:
        return self.n_clusters

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Rows in each cluster (noise not counted), shape (n_clusters,)."""
        clustered = self.labels[self.labels >= 0]
        return np.bincount(clustered, minlength=self.n_clusters).astype(np.int64)

    def own_dict(self) -> dict[str, Any]:
        """The method's own fields of the fit, JSON-ready."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Labels, sizes, warnings and the method's own fields, JSON-ready."""
        return {"labels": self.labels.tolist(), "sizes": self.sizes.tolist(),
                "warnings": list(self.warnings), **self.own_dict()}


@runtime_checkable
class MethodEngine(Protocol):
    """One method in one language; a method's protocol (its ``_base.py``) adds its own calls."""

    #: ``"python"`` or ``"r"``.
    name: str

    def check_ready(self) -> None:
        """Raise :class:`~pyseg.RUnavailableError` with the fix when the engine cannot run."""
        ...


class PythonEngine:
    """What a method's Python engine shares: it is ready once its library imports, and its
    version is that library's (:attr:`LIBRARY`, the distribution's name)."""

    name = "python"
    LIBRARY: ClassVar[str] = "scikit-learn"

    def check_ready(self) -> None:
        return None

    def version(self) -> str | None:
        import importlib.metadata

        return importlib.metadata.version(self.LIBRARY)


@dataclass(frozen=True)
class MethodSettings:
    """What ``compare`` was asked (its flags), for every method; each reads the fields it needs.
    ``mode``: ``course`` (each language as the course wrote it) or ``exact`` (both from one
    start); ``python_settings``, ``r_settings``: K-Means' seeds and starts; ``eps`` None: the
    knee of Python's k-nearest-neighbour distances; ``distance`` None: gower when a categorical
    column is among the features; ``r_results``: R's side from a ``pyseg record-r`` file."""

    k: int = 5
    mode: str = "course"
    python_settings: CourseSettings = PYTHON_COURSE
    r_settings: CourseSettings = R_COURSE
    linkage: str = "ward"
    eps: float | None = None
    min_points: int = 5
    distance: str | None = None
    covariance: str = "full"
    min_agreement: float = 1.0
    r_results: Path | None = None
    #: Filled by the run: settings a method chose itself (eps from the knee), for notes.
    chosen: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The R worker process to run R's side in (:class:`~pyseg.engines.RWorkerEngine`); None:
    #: R in this process.
    r_worker: RWorkerEngine | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MethodPrediction:
    """New rows assigned by one method in both languages: each row's segment (-1: none,
    noise; R's in Python's numbering), the ``rule`` that assigns them and, for soft methods,
    the probability of the segment given."""

    python: NDArray[np.int64]
    r: NDArray[np.int64]
    rule: str
    python_probability: NDArray[np.float64] | None = None
    r_probability: NDArray[np.float64] | None = None

    @property
    def agreement(self) -> float:
        """Share of new rows with the same segment in both languages (1.0 for none)."""
        return 1.0 if self.python.size == 0 else float(np.mean(self.python == self.r))

    @property
    def agree(self) -> bool:
        return bool(np.array_equal(self.python, self.r))

    @property
    def differing_rows(self) -> NDArray[np.int64]:
        """0-based new rows whose two answers differ."""
        return np.flatnonzero(self.python != self.r).astype(np.int64)


class ComparisonBase:
    """What every comparison (a method's, K-Means' course run, the ``--method all`` table)
    shares: a deterministic :meth:`to_dict` - never timings or the clock - and its JSON text."""

    def to_dict(self, versions: dict[str, str | None] | None = None) -> dict[str, Any]:
        raise NotImplementedError

    #: The lists of each side that :meth:`to_json` writes on one line.
    ONE_LINE: ClassVar[tuple[str, ...]] = ("labels",)

    def to_json(self, versions: dict[str, str | None] | None = None) -> str:
        """:meth:`to_dict` as JSON: sorted keys, two-space indent, each side's ``ONE_LINE``
        lists (its labels) on one line."""
        return to_json_text(self.to_dict(versions), ("python", "r"), self.ONE_LINE)


@dataclass(frozen=True)
class MethodComparison(ComparisonBase):
    """A method's comparison: both fits (R's labels in Python's numbering; ``r_label_mapping``:
    the Python cluster each R cluster became), the agreement, the verdict, the diagnosis and the
    seconds per step (``timings``, not in the deterministic :meth:`to_dict`). A method's
    dataclass names its method in :attr:`METHOD`, adds its own fields (and may narrow ``python``
    and ``r`` to its fit type), may say how a fit reads in :meth:`fit_dict` and adds its measure
    in :meth:`own_dict`. Constructed by keyword."""

    #: The ``--method`` name the dict starts with.
    METHOD: ClassVar[str]

    dataset: Any
    python: Any
    r: Any
    r_label_mapping: NDArray[np.int64]
    agreement: Any
    min_agreement: float
    passed: bool
    diagnosis: list[str]
    timings: dict[str, float] = field(default_factory=dict, compare=False, kw_only=True)

    def fit_dict(self, fit: Any) -> dict[str, Any]:
        """One side's fit as JSON-ready values (the fit's own :meth:`Fit.to_dict` unless the
        method says more)."""
        return fit.to_dict()

    def own_dict(self) -> dict[str, Any]:
        """The method's own fields and measure (they may replace the shared entries)."""
        return {}

    @property
    def scale_free(self) -> bool:
        """The result does not depend on the columns' scales (no ``--scale z`` hint then)."""
        return False

    def calls(self) -> tuple[str, str]:
        """The Python and R calls that ran, with every setting pyseg passed and exact values
        (floats as Python's shortest round-trip ``repr``, which R reads back to the same
        double): on ``X``, the feature matrix, each gives this comparison's labels."""
        raise NotImplementedError

    def confusion(self) -> NDArray[np.int64]:
        """The rows of each Python cluster (rows) in each R cluster (columns), noise left out."""
        return np.asarray(self.agreement.confusion[:-1, :-1])

    def to_dict(self, versions: dict[str, str | None] | None = None) -> dict[str, Any]:
        """JSON-ready dict; the same inputs always give the same dict (no timings)."""
        a = self.agreement
        result: dict[str, Any] = {
            "method": self.METHOD, "n": int(self.dataset.X.shape[0]),
            "features": list(self.dataset.feature_names),
            "data": {"source": self.dataset.source, "sha256": self.dataset.sha256},
            "agreement": a.accuracy, "ari": a.ari, "nmi": a.nmi,
            "min_agreement": self.min_agreement, "passed": self.passed,
            "python": self.fit_dict(self.python),
            "r": {**self.fit_dict(self.r), "label_mapping": self.r_label_mapping.tolist()},
            "confusion": self.confusion().tolist(),
            "diagnosis": list(self.diagnosis),
            **self.own_dict(),
        }
        if versions is not None:
            result["versions"] = versions
        return result


def summary_head(comparison: MethodComparison, method: str, counted: str = "") -> list[str]:
    """The first lines of a method's ``compare`` summary: the ``method`` line, the calls that ran
    and the agreement (``counted``: what the row count says of itself)."""
    python, r = comparison.calls()
    a, n = comparison.agreement, comparison.python.labels.size
    return [f"method    {method}", f"Python    {python}", f"R         {r}", "",
            f"agreement {a.accuracy:.4%} ({a.matched}/{n} rows{counted})   ARI {a.ari:.6f}"]


def r_engine_for(settings: MethodSettings, method: str, recorded: Callable[[Path, str], Any]
                 ) -> Any:
    """``method``'s R engine for this run: replayed from ``settings.r_results`` by ``recorded``
    (a :class:`~pyseg.engines.RecordedMethodEngine`), its ``R_ENGINE`` in the worker, or None
    (the comparison's own, in this process)."""
    if settings.r_results is not None:
        return recorded(settings.r_results, method)
    return None if settings.r_worker is None else settings.r_worker.engine(info(method).R_ENGINE)


def check_choice(flag: str, value: str, choices: Iterable[str], what: str = "",
                 listed: str | None = None, end: str = "") -> str:
    """``value`` if it is one of ``choices``, else one line, :class:`InputError`: "<flag> <value>:
    <what>use one of <listed, else the choices><end>"."""
    if value not in choices:
        raise InputError(f"{flag} {value!r}: {what}use one of {listed or ', '.join(choices)}{end}")
    return value


def check_min_agreement(min_agreement: float) -> None:
    """Refuse an agreement threshold outside [0, 1] in one line."""
    if not 0.0 <= min_agreement <= 1.0:
        raise InputError(f"min_agreement={min_agreement} should be within [0, 1]")


def aligned_pair(python_fit: Callable[[], F], r_fit: Callable[[], F]
                 ) -> tuple[F, F, PartitionAgreement, dict[str, float]]:
    """The comparison's skeleton: both fits (:func:`run_both`), then R's labels aligned to
    Python's; returns Python's fit, R's fit in Python's numbering, the agreement and the seconds
    per step (``comparison``: the alignment; the caller adds its own measures to it)."""
    py_fit, r_own, timings = run_both(python_fit, r_fit)
    start = time.perf_counter()
    measured = partition_agreement(py_fit.labels, r_own.labels)
    r_aligned = replace(r_own, labels=measured.relabel(r_own.labels))  # type: ignore[type-var]
    timings["comparison"] = time.perf_counter() - start
    return py_fit, r_aligned, measured, timings


def run_both(
    python_fit: Callable[[], T], r_fit: Callable[[], U]
) -> tuple[T, U, dict[str, float]]:
    """Run both fits (of any method), the Python one in a thread; with the seconds each took.

    R stays on the calling thread because embedded R must only be called from the thread that
    started it. scikit-learn's loops release the GIL, and an out-of-process R engine only waits
    on a pipe, so the two fits overlap on two cores.

    An error from R waits for the Python fit before it is raised: a process must not exit while
    another thread runs native code (library destructors at exit then crash, e.g. "double free
    or corruption"). A ``KeyboardInterrupt`` is raised at once: scikit-learn's fit cannot be
    stopped half-way, and the ``pyseg`` program then ends with ``os._exit`` (see
    :func:`pyseg.cli.run_console`) rather than wait for it; a library caller's interpreter waits
    for the thread at exit, as for any thread.
    """
    timings: dict[str, float] = {}
    python_future: Future[T] = Future()

    def timed_python() -> None:
        start = time.perf_counter()
        try:
            result = python_fit()
        except BaseException as exc:  # handed to the caller through the future
            timings["python_fit"] = time.perf_counter() - start
            python_future.set_exception(exc)
        else:
            timings["python_fit"] = time.perf_counter() - start
            python_future.set_result(result)

    threading.Thread(target=timed_python, name="pyseg-python-fit").start()
    start = time.perf_counter()
    try:
        r_result = r_fit()
    except KeyboardInterrupt:
        raise
    except BaseException:
        wait([python_future])
        raise
    timings["r_fit"] = time.perf_counter() - start
    return python_future.result(), r_result, timings
