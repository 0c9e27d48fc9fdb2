"""``pyseg check``: a learner's own K-Means answer against the course's, with the mistake named.

The answer (:mod:`pyseg._answer`) is a partition of the data's rows. It is aligned with the
course's partition of both languages (scikit-learn ``KMeans(random_state=42, n_init=10)`` and R
``set.seed(29); kmeans(X, 5, nstart = 10)``, run as ``pyseg compare`` runs them) and with a
handful of candidate mistakes, each fitted by the course's scikit-learn call:

- ``scaled``: the course's columns standardised (``StandardScaler``; R's ``scale()`` divides by
  the n - 1 standard deviation, which multiplies every distance alike: the same partition);
- ``other-columns``: every other pair of the data's numeric columns, at the answer's k;
- ``other-k``: the course's columns at the answer's k, when it is not the course's.

The finding is the first that holds: ``match`` (agreement 1 with either language's course
partition), the candidate that agrees best when that is at least :data:`EQUALS` and more than
the course's, ``local-optimum`` (the course's k, a higher WCSS, and a partition that K-Means
could stop at: nearly every customer is nearest its own cluster's mean), else ``unexplained``.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._align import Agreement, agreement
from pyseg._answer import Answer, answer_from_bytes, read_answer
from pyseg._course import (
    COURSE_K,
    PYTHON_COURSE,
    R_COURSE,
    CourseSettings,
    python_kmeans_code,
    r_kmeans_code,
)
from pyseg._data import Dataset, check_clusterable, load_dataset
from pyseg._io import json_ready, json_text
from pyseg.engines import (
    FitResult,
    KMeansEngine,
    REngine,
    RWorkerEngine,
    SklearnEngine,
    nearest_center,
)
from pyseg.methods.kmeans._compare import run_both

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Agreement with a candidate's partition from which the answer "equals" it (issue 19).
EQUALS = 0.98
#: Every finding, in the order they are tried (match first, unexplained last).
FINDINGS = ("match", "scaled", "other-columns", "other-k", "local-optimum", "unexplained")
#: Per language of the advice: its name, the course's settings and call, the scaler it names.
_LANGUAGES = {
    "python": ("Python", PYTHON_COURSE, python_kmeans_code, "StandardScaler"),
    "r": ("R", R_COURSE, r_kmeans_code, "scale()")}


@dataclass(frozen=True)
class Candidate:
    """One partition the answer may be: the course's scikit-learn K-Means on ``columns`` at
    ``k``, standardised or not.

    Attributes
    ----------
    finding : str
        The finding it stands for (``"scaled"``, ``"other-columns"``, ``"other-k"``).
    columns : tuple of str
        The columns clustered.
    k : int
    scaled : bool
        Columns standardised first.
    labels : ndarray of shape (n_rows,), dtype int64
    agreement : float
        Fraction of the answer's rows that agree with it after alignment.
    seconds : float
        Time of its fit.
    """

    finding: str
    columns: tuple[str, ...]
    k: int
    scaled: bool
    labels: NDArray[np.int64]
    agreement: float
    seconds: float

    def settings(self) -> dict[str, Any]:
        """Its settings as ``--json``'s ``explained_by`` gives them."""
        return {"finding": self.finding, "columns": list(self.columns), "k": self.k,
                "scaled": self.scaled, "agreement": self.agreement}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :func:`check`.

    Attributes
    ----------
    finding : str
        One of :data:`FINDINGS`.
    answer : Answer
        What was read.
    dataset : Dataset
    k : int
        The course's k.
    python, r : FitResult
        The course's fit in each language.
    course : Agreement
        The answer against Python's course partition (the confusion table's rows are the
        course's clusters, its columns the answer's, aligned).
    r_agreement : float
        The answer's agreement with R's course partition.
    wcss, course_wcss : float
        WCSS of the answer's partition and of the course's, on the course's columns.
    stable : bool
        Nearly every customer (:data:`EQUALS`) is nearest to its own cluster's mean.
    candidates : tuple of Candidate
    explained_by : Candidate or None
        The candidate the finding names.
    """

    finding: str
    answer: Answer
    dataset: Dataset
    k: int
    python: FitResult
    r: FitResult
    course: Agreement
    r_agreement: float
    wcss: float
    course_wcss: float
    stable: bool
    candidates: tuple[Candidate, ...]
    explained_by: Candidate | None
    python_seconds: float = 0.0
    r_seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 for ``match``, 1 for every other finding."""
        return 0 if self.finding == "match" else 1

    @property
    def agreement(self) -> float:
        """The answer's best agreement with the course's partition (either language)."""
        return max(self.course.accuracy, self.r_agreement)

    @property
    def elsewhere(self) -> int:
        """Customers in another cluster than in the course's partition (after alignment)."""
        return self.dataset.n_rows - round(self.agreement * self.dataset.n_rows)

    @property
    def fits(self) -> dict[str, float]:
        """Every fit check ran -> its seconds (the course's two, then the candidates)."""
        return {"course python": self.python_seconds, "course r": self.r_seconds,
                **{_describe(c): c.seconds for c in self.candidates}}

    def verdict(self) -> str:
        """The finding in one sentence."""
        agree = f"{self.agreement:.1%} of customers grouped as in the course's partition"
        explained = self.explained_by
        if self.finding == "match":
            both = self.course.accuracy == 1.0 and self.r_agreement == 1.0
            who = "Python and R both give it" if both else (
                "Python gives it" if self.course.accuracy == 1.0 else "R gives it")
            return f"match: your answer is the course's partition ({who})."
        if self.finding == "local-optimum":
            return (f"local-optimum: your K-Means stopped in a local optimum: {self.elsewhere} "
                    f"customer{'s sit' if self.elsewhere != 1 else ' sits'} elsewhere than in the "
                    f"course's partition, and your WCSS is higher.")
        if explained is not None and self.finding == "scaled":
            return (f"scaled: your answer is the course K-Means on standardised columns "
                    f"({explained.agreement:.1%} agreement with it; {agree}).")
        if explained is not None and self.finding == "other-columns":
            return (f"other-columns: your answer is K-Means on {' x '.join(explained.columns)} at "
                    f"k = {explained.k} ({explained.agreement:.1%} agreement with it; {agree}).")
        if explained is not None and self.finding == "other-k":
            return (f"other-k: your answer is the course K-Means with k = {explained.k} "
                    f"({explained.agreement:.1%} agreement with it); the course uses k = {self.k}.")
        return (f"unexplained: {agree} (ARI {self.course.ari:.3f}), and none of the usual "
                f"mistakes explains your answer.")

    def why(self) -> list[str]:
        """Sentences that explain the finding."""
        why = [f"Agreement with the course's partition after aligning the labels: Python "
               f"{self.course.accuracy:.2%}, R {self.r_agreement:.2%}; ARI "
               f"{self.course.ari:.4f}.",
               f"WCSS on {' x '.join(self.dataset.feature_names)}: yours {self.wcss:.2f}, the "
               f"course's {self.course_wcss:.2f}."]
        scaled = next((c for c in self.candidates if c.finding == "scaled"), None)
        if self.finding == "match" and scaled is not None and scaled.agreement == 1.0:
            spreads = " and ".join(f"{s:.0f}" for s in self.dataset.X.std(axis=0))
            why.append(f"Standardising the columns would not change it here: their spreads "
                       f"({spreads}) are about equal. It matters as soon as they differ.")
        if self.finding == "local-optimum":
            why.append("A single start (n_init=1, scikit-learn's default since 1.4; R's "
                       "nstart = 1, its default) keeps the optimum its one random start reaches; "
                       "several starts keep the best.")
        if self.finding == "unexplained":
            if not self.stable:
                why.append("Your clusters are not where K-Means stops: many customers are nearer "
                           "another cluster's mean than their own.")
            elif self.answer.k != self.k:
                why.append(f"Your clusters are where K-Means can stop on the course's columns with "
                           f"k = {self.answer.k} (a worse optimum than several starts find); the "
                           f"course uses k = {self.k}.")
            best = max(self.candidates, key=lambda c: c.agreement, default=None)
            if best is not None:
                why.append(f"Closest candidate: {_describe(best)} ({best.agreement:.1%}).")
        return why

    def advice(self, language: str | None = None) -> list[str]:
        """What to change, as code of ``language`` (default: the answer's, else both)."""
        language = language or self.answer.language
        languages = [language] if language in _LANGUAGES else list(_LANGUAGES)
        return [_advice_in(self, lang) for lang in languages]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``pyseg check --json`` (no timings: same inputs, same bytes)."""
        return json_ready({
            "finding": self.finding,
            "verdict": self.verdict(),
            "why": self.why(),
            "advice": self.advice(),
            "agreement": self.agreement,
            "agreement_python": self.course.accuracy,
            "agreement_r": self.r_agreement,
            "ari": self.course.ari,
            "elsewhere": self.elsewhere,
            "wcss": {"answer": self.wcss, "course": self.course_wcss},
            "k": {"answer": self.answer.k, "course": self.k},
            "explained_by": self.explained_by.settings() if self.explained_by else None,
            "answer_kind": self.answer.kind,
            "answer": self.answer.description,
            "language": self.answer.language,
            "python_r_agree": agreement(self.python.labels, self.r.labels, self.python.n_clusters,
                                        self.r.n_clusters).accuracy == 1.0,
            "confusion": self.course.alignment.confusion,
            "candidates": [c.settings() for c in self.candidates],
            "fits": 2 + len(self.candidates),
            "data": {"source": self.dataset.source, "rows": self.dataset.n_rows,
                     "sha256": self.dataset.sha256},
        })

    def to_json(self) -> str:
        return json_text(self.to_dict())


def check(answer: Any, data: str | os.PathLike[str] | Dataset | None = None, *,
          k: int = COURSE_K, r_engine: KMeansEngine | None = None) -> CheckResult:
    """Check a learner's K-Means answer against the course's, in Python and R.

    Parameters
    ----------
    answer : path-like, fitted ``KMeans`` or array-like
        Labels or centers, see :func:`pyseg._answer.read_answer`. Pickles and ``.rds`` files are
        refused.
    data : path-like or Dataset, optional
        The customers the answer was computed on (default: as :func:`pyseg.load_dataset`).
    k : int, default=5
        The course's number of clusters.
    r_engine : KMeansEngine, optional
        R's side (default :class:`~pyseg.REngine`, R in this process).

    Returns
    -------
    CheckResult
        ``finding``, ``verdict()``, ``advice()``, ``to_json()``.

    Raises
    ------
    InputError
        A bad answer or data file (one line naming the file and row).
    RUnavailableError
        R cannot run; the message holds the fix.
    """
    dataset = data if isinstance(data, Dataset) else load_dataset(data)
    check_clusterable(dataset, k)
    learner = answer if isinstance(answer, Answer) else read_answer(answer, dataset)
    r_engine = r_engine if r_engine is not None else REngine()
    python, r, timings = run_both(lambda: _python_fits(dataset, k, learner),
                                  lambda: r_engine.fit(dataset.X, k, R_COURSE))
    python_fit, python_seconds, candidates = python
    course = agreement(python_fit.labels, learner.labels, python_fit.n_clusters, learner.k)
    r_agreement = agreement(r.labels, learner.labels, r.n_clusters, learner.k).accuracy
    wcss, stable = _wcss_and_stable(dataset.X, learner.labels)
    best = max(candidates, key=lambda c: c.agreement, default=None)
    explained = (best if best is not None and best.agreement >= EQUALS
                 and best.agreement > max(course.accuracy, r_agreement) else None)
    if max(course.accuracy, r_agreement) == 1.0:
        finding, explained = "match", None
    elif explained is not None:
        finding = explained.finding
    elif learner.k == k and wcss > python_fit.wcss and stable:
        finding = "local-optimum"
    else:
        finding = "unexplained"
    return CheckResult(finding, learner, dataset, k, python_fit, r, course, r_agreement, wcss,
                       python_fit.wcss, stable, tuple(candidates), explained,
                       python_seconds=python_seconds, r_seconds=timings["r_fit"])


class Checker:
    """Checks answers on one data set, for a long-lived caller (the web page): R runs in a worker
    process (requests from any thread), started at the first check, and its course fit is made
    once.

    Parameters
    ----------
    dataset : Dataset
    k : int, default=5
        The course's number of clusters.
    """

    def __init__(self, dataset: Dataset, k: int = COURSE_K) -> None:
        self.dataset = dataset
        self.k = k
        self._lock = threading.Lock()
        self._r_fit: FitResult | None = None

    def check_bytes(self, data: bytes, source: str) -> CheckResult:
        """Check the answer file ``source`` whose bytes are ``data`` (never written to disk)."""
        return check(answer_from_bytes(data, source, self.dataset), self.dataset, k=self.k,
                     r_engine=self)

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """R's course fit, made by the worker once."""
        with self._lock:
            if self._r_fit is None:
                with RWorkerEngine() as worker:
                    self._r_fit = worker.fit(X, k, settings)
            return self._r_fit


def _python_fits(dataset: Dataset, k: int, learner: Answer
                 ) -> tuple[FitResult, float, list[Candidate]]:
    """The course's scikit-learn fit, its seconds, and every candidate mistake's."""
    engine = SklearnEngine()
    start = time.perf_counter()
    course = engine.fit(dataset.X, k, PYTHON_COURSE)
    seconds = time.perf_counter() - start
    candidates = []
    for finding, columns, X, k_candidate, scaled in _candidate_settings(dataset, k, learner.k):
        start = time.perf_counter()
        labels = engine.fit(X, k_candidate, PYTHON_COURSE).labels
        fit_seconds = time.perf_counter() - start
        accuracy = agreement(labels, learner.labels, k_candidate, learner.k).accuracy
        candidates.append(Candidate(finding, columns, k_candidate, scaled, labels, accuracy,
                                    fit_seconds))
    return course, seconds, candidates


def _candidate_settings(dataset: Dataset, k: int, answer_k: int
                        ) -> list[tuple[str, tuple[str, ...], NDArray[np.float64], int, bool]]:
    """(finding, columns, matrix, k, scaled) of every candidate that can be fitted."""
    features = tuple(dataset.feature_names)
    X = dataset.X
    found = []
    spread = X.std(axis=0)
    if (spread > 0).all():
        found.append(("scaled", features, (X - X.mean(axis=0)) / spread, k, True))
    if answer_k != k and answer_k < dataset.n_rows:
        found.append(("other-k", features, X, answer_k, False))
    if dataset.frame is None:  # the features alone: no other columns to try
        return found
    frame = dataset.frame
    numeric = [
        str(name) for name in frame.columns[1:]
        if frame[name].dtype.kind in "iuf" and frame[name].notna().all()]
    for pair in itertools.combinations(numeric, 2):
        if set(pair) != set(features) and answer_k < dataset.n_rows:
            matrix = np.ascontiguousarray(frame[list(pair)].to_numpy(dtype=np.float64))
            found.append(("other-columns", pair, matrix, answer_k, False))
    return found


def _wcss_and_stable(X: NDArray[np.float64], labels: NDArray[np.int64]) -> tuple[float, bool]:
    """A partition's within-cluster sum of squares around each cluster's mean, and whether
    K-Means could stop there: is nearly every row nearest to its own cluster's mean?"""
    clusters = np.unique(labels)
    means = np.asarray([X[labels == c].mean(axis=0) for c in clusters])
    wcss = sum(float(((X[labels == c] - means[i]) ** 2).sum()) for i, c in enumerate(clusters))
    nearest, _ = nearest_center(X, means)
    return wcss, float(np.mean(clusters[nearest] == labels)) >= EQUALS


def _describe(candidate: Candidate) -> str:
    scaled = "standardised " if candidate.scaled else ""
    return f"{scaled}{' x '.join(candidate.columns)} at k = {candidate.k}"


def _advice_in(result: CheckResult, language: str) -> str:
    k, features = result.k, result.dataset.feature_names
    lang, settings, code, scaler = _LANGUAGES[language]
    fit = code(k, settings)
    frame = result.dataset.frame
    positions = ([list(frame.columns).index(name) for name in features]
                 if frame is not None else [])
    if language == "python":
        select = f"X = dataset.iloc[:, {positions}].values" if positions else (
            f"X = dataset[{list(features)}].values")
    else:
        select = (f"X <- dataset[c({', '.join(str(p + 1) for p in positions)})]"
                  if positions else "X <- dataset[c(" + ", ".join(f'"{f}"' for f in features)
                  + ")]")
        select = select.replace("c(4, 5)", "4:5")
    advice = {
        "match": "nothing to change.",
        "local-optimum": f"run several starts and keep the best: {fit}.",
        "scaled": f"cluster the columns as they are, without {scaler}: {select}; {fit}.",
        "other-columns": f"cluster the course's columns ({', '.join(features)}): {select}; {fit}.",
        "other-k": f"use k = {k}: {fit}.",
        "unexplained": (f"check the rows are in the data's order (or give the CustomerID column "
                        f"with the labels), then {select}; {fit}."),
    }
    return f"{lang}: {advice[result.finding]}"


def check_text_lines(result: CheckResult) -> list[str]:
    """The learner's report: verdict, why, what to change, and (unexplained) the table."""
    answer = result.answer
    language = f", {_LANGUAGES[answer.language][0]}" if answer.language in _LANGUAGES else ""
    lines = [f"read: {answer.kind}: {answer.description}; k = {answer.k}{language}",
             result.verdict(), "", "why:"]
    lines += [f"  - {sentence}" for sentence in result.why()]
    if result.finding == "unexplained":
        table = result.course.alignment.confusion
        lines += ["", "  course cluster x your cluster (aligned):",
                  "        " + "".join(f"{j:>6}" for j in range(table.shape[1]))]
        lines += [f"  {i:>6}" + "".join(f"{n:>6}" for n in row) for i, row in enumerate(table)]
    lines += ["", "what to change:"]
    lines += [f"  - {sentence}" for sentence in result.advice()]
    return lines
