"""The elbow method in Python and in R, side by side, and the choice of k.

Two modes:

``"course"``
    Exactly the course's code. Python: ``KMeans(n_clusters=k, init="k-means++",
    random_state=42)`` for every k, with the ``n_init=10`` that scikit-learn defaulted to when the
    course was written. R: ``set.seed(6)`` once, then ``kmeans(X, k)`` for k = 1, 2, ... with R's
    default single random start. R's single start can stop in a local optimum, so its WCSS curve
    can lie above Python's at some k (on the course data: k = 5 gives 66465 against 44448).
``"matched"``
    Both sides keep the best of ``starts`` starts for every k (Python ``n_init=starts``,
    ``random_state=42``; R ``set.seed(6); kmeans(X, k, nstart = starts)``).

Per k the result holds both WCSS values, the agreement of the two partitions, both silhouettes
(scikit-learn on Python's labels, ``cluster::silhouette`` on R's) and, where the WCSS differ, which
side is lower and why. The knee of each WCSS curve comes from :mod:`kneed`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._align import agreement
from pyseg._course import PYTHON_ELBOW, elbow_code
from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg._progress import progress_bar
from pyseg.engines import ELBOW_MODES, KMeansEngine, REngine, SklearnEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Relative WCSS difference above which the two sides count as different (identical partitions
#: give the same WCSS up to rounding, about 1e-15 relative).
WCSS_RELATIVE_TOLERANCE = 1e-9
MODES = ELBOW_MODES


@dataclass(frozen=True)
class ElbowRow:
    """The two languages at one k.

    Attributes
    ----------
    k : int
    python_wcss, r_wcss : float
        Within-cluster sum of squares of each side's fit.
    wcss_rel_diff : float
        ``|python_wcss - r_wcss| / max(python_wcss, r_wcss)``.
    accuracy : float
        Fraction of rows with the same segment after aligning R's labels to Python's.
    ari : float
        Adjusted Rand index of the two partitions (``nan`` when both have one cluster).
    python_silhouette, r_silhouette : float or None
        Mean silhouette width (scikit-learn on Python's labels; ``cluster::silhouette`` on R's);
        ``None`` for k = 1.
    lower : str
        ``"same"`` when the WCSS agree, else ``"python"`` or ``"r"``: the side with the lower WCSS.
    reason : str
        Plain-language reason for a difference; empty when both sides agree.
    """

    k: int
    python_wcss: float
    r_wcss: float
    wcss_rel_diff: float
    accuracy: float
    ari: float
    python_silhouette: float | None
    r_silhouette: float | None
    lower: str
    reason: str

    @property
    def differs(self) -> bool:
        return self.lower != "same" or self.accuracy < 1.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ari": json_ready(self.ari), "differs": self.differs}


@dataclass(frozen=True)
class ElbowResult:
    """Elbow curves, silhouettes and knees of both languages.

    Attributes
    ----------
    mode : str
        ``"course"`` or ``"matched"``.
    rows : tuple of ElbowRow
        One per k, in increasing k.
    python_settings, r_settings : str
        The code each side ran, in its own language.
    python_knee, r_knee : int or None
        Knee of each WCSS curve (:class:`kneed.KneeLocator`, convex and decreasing); ``None`` when
        the curve has no knee or fewer than three points.
    best_silhouette_k : dict
        ``{"python": k, "r": k}``: the k with the highest mean silhouette on each side.
    silhouette_check : float or None
        Largest difference between scikit-learn's and R's silhouette widths computed on the SAME
        (R's) labels, over all k: a check that both implementations agree (expected < 1e-12).
    python_labels, r_labels : dict of int to ndarray of shape (n_samples,)
        0-based labels of every fit, per k (not part of :meth:`to_dict`).
    warnings : tuple of str
        Warnings either side raised.
    """

    mode: str
    rows: tuple[ElbowRow, ...]
    python_settings: str
    r_settings: str
    python_knee: int | None
    r_knee: int | None
    best_silhouette_k: dict[str, int | None]
    silhouette_check: float | None
    python_labels: dict[int, NDArray[np.int64]] = field(repr=False)
    r_labels: dict[int, NDArray[np.int64]] = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def k_values(self) -> tuple[int, ...]:
        return tuple(row.k for row in self.rows)

    @property
    def differing_k(self) -> tuple[int, ...]:
        """The k values where the two sides found different partitions."""
        return tuple(row.k for row in self.rows if row.differs)

    def summary(self) -> list[str]:
        """One line per finding, for the terminal and the report."""
        lines = []
        if self.differing_k:
            ks = ", ".join(map(str, self.differing_k))
            lines.append(f"The two elbows differ at k = {ks}.")
            lines.extend(f"k = {row.k}: {row.reason}" for row in self.rows if row.differs)
            if self.mode == "course":
                lines.append("Run the elbow with --mode matched to give R as many starts as "
                             "Python.")
        else:
            lines.append("Python and R give the same WCSS and the same partition at every k.")
        lines.append(f"Knee of the WCSS curve (kneed): Python k = {self.python_knee}, "
                     f"R k = {self.r_knee}.")
        best = self.best_silhouette_k
        lines.append(f"Highest mean silhouette: Python k = {best['python']}, R k = {best['r']}.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic (no timestamps, no paths)."""
        return {"mode": self.mode, "python_settings": self.python_settings,
                "r_settings": self.r_settings, "k_values": list(self.k_values),
                "rows": [row.to_dict() for row in self.rows], "differing_k": list(self.differing_k),
                "python_knee": self.python_knee, "r_knee": self.r_knee,
                "best_silhouette_k": dict(self.best_silhouette_k),
                "silhouette_check_max_abs_diff": self.silhouette_check, "summary": self.summary(),
                "warnings": list(self.warnings)}


def check_elbow_arguments(X: NDArray[np.float64], k_values: Sequence[int], mode: str,
                          starts: int) -> None:
    """Refuse a bad mode, bad k values or bad starts before anything is fitted.

    Raises
    ------
    InputError
        The message states the value and what was needed.
    """
    if mode not in MODES:
        raise InputError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    if not k_values:
        raise InputError("no k values to try: give at least one k >= 1")
    if min(k_values) < 1:
        raise InputError(f"k = {min(k_values)} is not allowed: every k must be >= 1")
    if len(set(k_values)) != len(k_values):
        raise InputError(f"k values {list(k_values)} repeat a value")
    if starts < 1:
        raise InputError(f"starts = {starts} is not allowed: it must be >= 1")
    distinct = np.unique(X, axis=0).shape[0]
    if max(k_values) > distinct:
        raise InputError(
            f"k = {max(k_values)} is more than the {distinct} distinct points in the data: "
            f"use k values <= {distinct}"
        )


def find_knee(k_values: Sequence[int], wcss: Sequence[float]) -> int | None:
    """Knee of a decreasing, convex WCSS curve by :class:`kneed.KneeLocator`, or ``None``."""
    if len(k_values) < 3:
        return None
    from kneed import KneeLocator

    order = sorted(range(len(k_values)), key=lambda i: k_values[i])
    with warnings.catch_warnings():
        # kneed warns "No knee/elbow found" and returns None, which is the answer we report.
        warnings.simplefilter("ignore")
        locator = KneeLocator([k_values[i] for i in order], [wcss[i] for i in order],
                              curve="convex", direction="decreasing")
    return None if locator.knee is None else int(locator.knee)


def relative_difference(a: float, b: float) -> float:
    """``|a - b| / max(|a|, |b|)`` (0 when both are 0): how far apart two WCSS are."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale > 0 else 0.0


def _difference_reason(mode: str, starts: int, python_wcss: float, r_wcss: float,
                       accuracy: float) -> tuple[str, str]:
    """Which side has the lower WCSS, and the plain reason."""
    if relative_difference(python_wcss, r_wcss) <= WCSS_RELATIVE_TOLERANCE:
        if accuracy < 1.0:
            return "same", (
                f"same WCSS but {accuracy:.1%} of rows in the same segment: two equally good "
                f"partitions (points tied between centers)"
            )
        return "same", ""
    lower, higher = ("python", "r") if python_wcss < r_wcss else ("r", "python")
    worse = max(python_wcss, r_wcss)
    better = min(python_wcss, r_wcss)
    amount = f"WCSS {worse:.1f} against {better:.1f} ({worse / better - 1:+.2%})"
    if mode == "course" and higher == "r":
        why = (
            "R's course elbow tries a single random start per k (kmeans' default nstart = 1 after "
            "one set.seed(6)) and that start stopped in a local optimum; Python keeps the best of "
            f"{PYTHON_ELBOW.n_starts} k-means++ starts"
        )
    elif mode == "course":
        why = (
            f"Python's best of {PYTHON_ELBOW.n_starts} k-means++ starts stopped in a local optimum "
            "that R's single random start happened to avoid"
        )
    else:
        starts_text = ("different random starts (k-means++ with random_state=42 against random "
                       "rows after set.seed(6))")
        if higher == "python":
            why = (
                f"none of Python's {starts} starts reached the better local optimum R found: R's "
                "default Hartigan-Wong algorithm also moves single points between clusters, which "
                "escapes local optima where scikit-learn's Lloyd iterations stop, and the two "
                f"languages draw {starts_text}"
            )
        else:
            why = (
                f"none of R's {starts} starts reached the better local optimum Python found; the "
                f"two languages draw {starts_text}, and more starts make this rarer"
            )
    return lower, f"{amount}: {why}."


def elbow(dataset: Dataset, k_values: Iterable[int] = range(1, 11), mode: str = "course",
          starts: int = 10, progress: bool = False, python_engine: KMeansEngine | None = None,
          r_engine: KMeansEngine | None = None) -> ElbowResult:
    """Run the elbow method in Python and in R and compare them k by k.

    Parameters
    ----------
    dataset : Dataset
        Data from :func:`pyseg.load_dataset`; its ``X`` (n_samples, n_features) is clustered.
    k_values : iterable of int, default=range(1, 11)
        Numbers of clusters to try (each >= 1, at most the number of distinct points).
    mode : {"course", "matched"}, default="course"
        ``"course"`` runs each language's course code as written; ``"matched"`` gives both sides
        ``starts`` starts per k.
    starts : int, default=10
        Starts per k in matched mode (ignored in course mode, which uses the course's 10 and 1).
    progress : bool, default=False
        Show a progress bar on stderr (see :func:`pyseg._progress.progress_wanted`).
    python_engine, r_engine : KMeansEngine, optional
        Default :class:`~pyseg.SklearnEngine` and :class:`~pyseg.REngine`; for instance
        ``RecordedREngine(path)`` takes R's side from results recorded by ``pyseg record-r``.

    Returns
    -------
    ElbowResult

    Raises
    ------
    InputError
        Bad mode, k values or starts.
    RUnavailableError
        R, rpy2 or R's ``cluster`` package is missing.

    Notes
    -----
    R's side of the course mode is ``set.seed(6); for (i in 1:10) kmeans(X, i)``, with
    ``cluster::silhouette(km$cluster, dist(X))`` per k.
    """
    X = np.asarray(dataset.X, dtype=np.float64)
    ks = tuple(sorted(int(k) for k in k_values))
    check_elbow_arguments(X, ks, mode, starts)
    python_engine = python_engine if python_engine is not None else SklearnEngine()
    r_engine = r_engine if r_engine is not None else REngine()
    r_engine.check_ready(silhouette=True)  # fail before the long part, with the fix

    bar = progress_bar(total=3 * len(ks) + 2, description=f"elbow ({mode})", enabled=progress)
    try:
        bar.set_description_str("elbow: Python")
        python_fits = python_engine.elbow(X, ks, mode, starts)
        bar.update()
        bar.set_description_str("elbow: R")
        r_fits = r_engine.elbow(X, ks, mode, starts)
        bar.update()
        rows, python_labels, r_labels, gaps = [], {}, {}, []
        for index, k in enumerate(ks):
            bar.set_description_str(f"elbow: silhouettes k={k}")
            python_k, r_k = python_fits.labels[:, index], r_fits.labels[:, index]
            python_wcss, r_wcss = float(python_fits.wcss[index]), float(r_fits.wcss[index])
            both = agreement(python_k, r_k, n_a=k, n_b=k)
            python_sil = python_engine.silhouette(X, python_k)
            bar.update()
            r_sil = r_engine.silhouette(X, r_k)
            # scikit-learn on R's own labels: both silhouette implementations on the same
            # partition, the check that they agree.
            same_labels_sil = python_engine.silhouette(X, r_k)
            bar.update()
            if r_sil is not None and same_labels_sil is not None:
                gaps.append(float(np.max(np.abs(r_sil.widths - same_labels_sil.widths))))
            lower, reason = _difference_reason(mode, starts, python_wcss, r_wcss, both.accuracy)
            rows.append(ElbowRow(
                k=k, python_wcss=python_wcss, r_wcss=r_wcss,
                wcss_rel_diff=relative_difference(python_wcss, r_wcss), accuracy=both.accuracy,
                ari=both.ari, python_silhouette=None if python_sil is None else python_sil.mean,
                r_silhouette=None if r_sil is None else r_sil.mean, lower=lower, reason=reason))
            bar.update()
            python_labels[k] = python_k
            r_labels[k] = both.alignment.relabel(r_k)  # in Python's numbering
    finally:
        bar.close()

    python_settings, r_settings = elbow_code(mode, starts)
    return ElbowResult(
        mode=mode,
        rows=tuple(rows),
        python_settings=python_settings,
        r_settings=r_settings,
        python_knee=find_knee(ks, [row.python_wcss for row in rows]),
        r_knee=find_knee(ks, [row.r_wcss for row in rows]),
        best_silhouette_k={"python": _best_silhouette(rows, "python_silhouette"),
                           "r": _best_silhouette(rows, "r_silhouette")},
        silhouette_check=max(gaps, default=None),
        python_labels=python_labels,
        r_labels=r_labels,
        warnings=tuple(dict.fromkeys([*python_fits.warnings, *r_fits.warnings])),
    )


def _best_silhouette(rows: Sequence[ElbowRow], attribute: str) -> int | None:
    scored = [(getattr(row, attribute), row.k) for row in rows
              if getattr(row, attribute) is not None]
    # Highest mean width; on a tie the smaller k (the simpler segmentation).
    return max(scored, key=lambda item: (item[0], -item[1]))[1] if scored else None
