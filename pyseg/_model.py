"""A fitted segmentation: fit once on the course data, save as JSON, predict new customers.

:class:`SegmentModel` follows scikit-learn's shape (``fit`` returns the model, fitted attributes end
in ``_``). Saving writes everything prediction needs (centers, names, feature names and ranges) plus
where it came from (data SHA-256, settings, versions), so a loaded model predicts without refitting
and without importing scikit-learn, pandas, scipy or rpy2: this module needs numpy and the standard
library only, and imports the fitting machinery inside :meth:`SegmentModel.fit`.

Prediction is "nearest center" (:meth:`~pyseg.engines.KMeansEngine.nearest_center` of an engine:
numpy by default, R's ``r_reference/predict.R`` on request); :func:`classify` with
``engine="both"`` checks that both languages name the same segments.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg import __version__
from pyseg._course import COURSE_FEATURES, PYTHON_COURSE, CourseSettings, is_course_schema
from pyseg._data import Dataset, check_points, load_dataset
from pyseg._errors import InputError
from pyseg._io import json_text, read_input, write_atomic
from pyseg._numbers import CUSTOMER_FIELDS, value_problem
from pyseg._provenance import versions
from pyseg._segments import Segment, segment_names
from pyseg.engines import KMeansEngine, REngine, SklearnEngine, nearest_center

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from numpy.typing import ArrayLike, NDArray

#: Value of the ``format`` key of a saved model.
MODEL_FORMAT = "pyseg-segment-model"
#: Bumped whenever the JSON layout changes incompatibly.
MODEL_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Prediction:
    """The segment of one customer.

    Attributes
    ----------
    index : int
        0-based segment index (the row of the model's centers).
    name : str
        Segment name, e.g. ``"Target"``.
    description : str
        One line: who they are and what to offer them.
    center : tuple of float
        The segment's center, one value per feature.
    distance : float
        Euclidean distance from the customer to that center.
    """

    index: int
    name: str
    description: str
    center: tuple[float, ...]
    distance: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "center": list(self.center)}


@dataclass(frozen=True)
class Predictions:
    """Segments of many customers, as parallel arrays.

    Attributes
    ----------
    index : ndarray of shape (n_samples,), dtype int64
    name : tuple of str, length n_samples
    description : tuple of str, length n_samples
    center : ndarray of shape (n_samples, n_features)
    distance : ndarray of shape (n_samples,)
    """

    index: NDArray[np.int64]
    name: tuple[str, ...]
    description: tuple[str, ...]
    center: NDArray[np.float64]
    distance: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, row: int) -> Prediction:
        return Prediction(index=int(self.index[row]), name=self.name[row],
                          description=self.description[row],
                          center=tuple(float(v) for v in self.center[row]),
                          distance=float(self.distance[row]))

    def __iter__(self) -> Iterator[Prediction]:
        return (self[row] for row in range(len(self)))


class SegmentModel:
    """K-Means segmentation of customers, fitted the course's way, with named segments.

    Parameters
    ----------
    n_clusters : int, default=5
        Number of segments ``k``.
    settings : CourseSettings, optional
        Seed, starts and iteration cap; default :data:`pyseg.PYTHON_COURSE`
        (``random_state=42, n_init=10, max_iter=300``).

    Attributes
    ----------
    centers_ : ndarray of shape (n_clusters, n_features)
    segments_ : list of Segment
        ``segments_[i]`` names ``centers_[i]`` (see :func:`pyseg._segments.segment_names`).
    feature_names_ : tuple of str
    feature_ranges_ : ndarray of shape (n_features, 2)
        Minimum and maximum of each feature in the training data (the names depend on them).
    data_ : dict
        ``source``, ``sha256`` (of the data file's bytes) and ``n_rows`` of the training data.
    fit_ : dict
        ``wcss`` and ``n_iter`` of the fit.
    versions_ : dict
        Versions of Python and the numerical stack at fit time.
    training_X_ : ndarray of shape (n_samples, n_features) or None
        The training data when fitted in this process (not saved; ``None`` after :meth:`load`).
    """

    def __init__(self, n_clusters: int = 5, settings: CourseSettings | None = None) -> None:
        self.n_clusters = n_clusters
        self.settings = settings

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, data: Dataset | ArrayLike,
            feature_names: Sequence[str] | None = None) -> SegmentModel:
        """Fit the course K-Means (scikit-learn) and name its segments.

        Parameters
        ----------
        data : Dataset or array-like of shape (n_samples, n_features)
            A :class:`pyseg.Dataset`, or the feature matrix itself.
        feature_names : sequence of str, optional
            For an array only: its column names. Default: the course's income and spending-score
            headers for two columns, else ``x1, x2, ...``.

        Returns
        -------
        SegmentModel
            ``self``, fitted.
        """
        settings = self.settings or PYTHON_COURSE
        if isinstance(data, Dataset):
            X = np.asarray(data.X, dtype=np.float64)
            names = tuple(data.feature_names)
            source, sha256 = str(data.source), str(data.sha256)
        else:
            X = np.ascontiguousarray(data, dtype=np.float64)
            if X.ndim != 2:
                raise InputError(f"data must be a 2-D array (rows x features), got shape {X.shape}")
            if feature_names is not None:
                names = tuple(feature_names)
            elif X.shape[1] == 2:
                names = COURSE_FEATURES
            else:
                names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
            if X.shape[0] == 0 or not np.isfinite(X).all():
                raise InputError("data must be a non-empty array of finite numbers")
            source, sha256 = "array", hashlib.sha256(X.tobytes()).hexdigest()
        check_points(X, self.n_clusters, source)
        if len(names) != X.shape[1]:
            raise InputError(f"{len(names)} feature names for {X.shape[1]} columns")
        result = SklearnEngine().fit(X, self.n_clusters, settings)
        self.settings = settings
        self.centers_ = np.asarray(result.centers, dtype=np.float64)
        self.feature_names_ = names
        self.feature_ranges_ = np.column_stack([X.min(axis=0), X.max(axis=0)])
        self.segments_ = segment_names(self.centers_, self.feature_ranges_, names)
        self.data_ = {"source": source, "sha256": sha256, "n_rows": int(X.shape[0])}
        self.fit_ = {"wcss": float(result.wcss), "n_iter": int(result.n_iter)}
        self.versions_ = versions()
        self.training_X_: NDArray[np.float64] | None = X
        return self

    # -- predicting ------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "centers_"):
            raise InputError("this SegmentModel is not fitted: call fit() or SegmentModel.load()")

    def _as_matrix(self, X: Any) -> NDArray[np.float64]:
        names = self.feature_names_
        if hasattr(X, "columns"):  # a pandas DataFrame: take the features by name
            missing = [name for name in names if name not in X.columns]
            if missing:
                raise InputError(
                    f"the table lacks the column(s) {', '.join(map(repr, missing))}; "
                    f"it needs {', '.join(map(repr, names))}"
                )
            X = X.loc[:, list(names)].to_numpy()
        try:
            matrix = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"customers must be numbers: {exc}") from None
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != len(names):
            raise InputError(
                f"customers must have {len(names)} values each ({', '.join(names)}), "
                f"got shape {np.shape(X)}"
            )
        bad = np.argwhere(~np.isfinite(matrix))
        if bad.size:
            row, column = (int(v) for v in bad[0])
            raise InputError(
                f"row {row + 1}, column {names[column]!r}: {matrix[row, column]!r} is not a "
                "finite number"
            )
        return matrix

    def predict(self, X: Any, engine: KMeansEngine | None = None) -> Predictions:
        """Segment of each customer: the nearest center.

        Parameters
        ----------
        X : array-like of shape (n_features,) or (n_samples, n_features), or DataFrame
            One customer (e.g. ``(70, 80)``: income, score), many, or a table holding the
            model's feature columns by name.
        engine : KMeansEngine, optional
            Who computes the nearest centers: numpy (default) or, e.g., ``pyseg.REngine()``
            (R's ``predict_nearest`` in ``r_reference/predict.R``).

        Returns
        -------
        Predictions
            Index, name, description, center and distance of every customer; ``result[0]`` is
            the first customer's :class:`Prediction`.

        Raises
        ------
        InputError
            Wrong number of values, or a value that is not a finite number.
        """
        self._check_fitted()
        matrix = self._as_matrix(X)
        find = nearest_center if engine is None else engine.nearest_center
        index, distance = find(matrix, self.centers_)
        index = np.asarray(index, dtype=np.int64)
        # Object arrays: indexing them is fast for a grid of millions of customers.
        names = np.array([s.name for s in self.segments_], dtype=object)[index]
        descriptions = np.array([s.description for s in self.segments_], dtype=object)[index]
        return Predictions(
            index=index,
            name=tuple(names.tolist()),
            description=tuple(descriptions.tolist()),
            center=self.centers_[index] if len(index) else np.zeros((0, self.centers_.shape[1])),
            distance=np.asarray(distance, dtype=np.float64),
        )

    def predict_one(self, *values: float) -> Prediction:
        """Segment of one customer, e.g. ``model.predict_one(70, 80)`` (income, score)."""
        return self.predict(np.asarray(values, dtype=np.float64))[0]

    def outside_range(self, X: Any) -> NDArray[np.bool_]:
        """Whether each customer has a feature outside ``feature_ranges_``, shape (n_samples,)."""
        self._check_fitted()
        matrix = self._as_matrix(X)
        low, high = self.feature_ranges_[:, 0], self.feature_ranges_[:, 1]
        return np.asarray(((matrix < low) | (matrix > high)).any(axis=1), dtype=np.bool_)

    def range_warnings(self, customer: Any) -> list[str]:
        """:func:`range_warnings` of one ``customer`` (e.g. ``(income, score)``) against
        ``feature_ranges_``."""
        self._check_fitted()
        return range_warnings(self._as_matrix(customer)[0], self.feature_ranges_,
                              self.feature_names_)

    def require_course_schema(self, what: str, hint: str = "") -> None:
        """Refuse (:class:`InputError`) ``what`` (e.g. ``"the web form"``) unless
        :attr:`is_course_schema`; ``hint`` ends the message (e.g. ``": use --input CSV"``)."""
        if not self.is_course_schema:
            raise InputError(
                f"{what} needs a model of income and spending score; this model's features are "
                f"{', '.join(self.feature_names_)}{hint}"
            )

    @property
    def is_course_schema(self) -> bool:
        """True when the features are the course's income and spending score, in any spelling
        (:func:`pyseg._course.is_course_schema`, the rule every command uses)."""
        self._check_fitted()
        return is_course_schema(self.feature_names_)

    # -- saving and loading ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Everything :meth:`load` needs, plus provenance, as plain JSON-able values."""
        self._check_fitted()
        settings = self.settings or PYTHON_COURSE  # fit() sets it; a loaded model has it too
        return {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "pyseg_version": __version__,
            "k": int(self.centers_.shape[0]),
            "feature_names": list(self.feature_names_),
            "course_schema": self.is_course_schema,
            "feature_ranges": [[float(v) for v in row] for row in self.feature_ranges_],
            "centers": [[float(v) for v in row] for row in self.centers_],
            "segments": [
                {"index": i, "name": s.name, "description": s.description}
                for i, s in enumerate(self.segments_)
            ],
            "data": dict(self.data_),
            "settings": {"engine": "python (scikit-learn KMeans, init='k-means++')",
                         "seed": settings.seed, "n_starts": settings.n_starts,
                         "max_iter": settings.max_iter},
            "fit": dict(self.fit_),
            "versions": dict(self.versions_),
        }

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, floats as ``repr``, trailing newline)."""
        return json_text(self.to_dict())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path`` atomically (a reader never sees half a file)."""
        target = Path(path)
        write_atomic(self.to_json().encode("utf-8"), target, what="model to ")
        return target

    @classmethod
    def from_dict(cls, payload: Any, source: str = "model") -> SegmentModel:
        """Rebuild a fitted model from :meth:`to_dict` output; ``source`` names it in errors."""
        def fail(problem: str) -> InputError:
            return InputError(f"{source}: {problem}; save a model with `pyseg fit --save FILE`")

        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise fail(f"not a pyseg model (its \"format\" is not {MODEL_FORMAT!r})")
        if payload.get("format_version") != MODEL_FORMAT_VERSION:
            raise fail(f"model format version {payload.get('format_version')!r} is not supported "
                       f"(this pyseg reads version {MODEL_FORMAT_VERSION})")
        try:
            centers = _number_table(payload["centers"], "centers")
            ranges = _number_table(payload["feature_ranges"], "feature_ranges")
            names = tuple(str(name) for name in payload["feature_names"])
            segments = [Segment(str(s["name"]), str(s["description"])) for s in payload["segments"]]
            settings = CourseSettings(**{key: int(payload["settings"][key])
                                         for key in ("seed", "n_starts", "max_iter")})
            data_info = dict(payload["data"])
            fit_info = dict(payload["fit"])
            versions = dict(payload.get("versions", {}))
        except InputError as exc:
            raise fail(str(exc)) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise fail(f"missing or malformed field ({type(exc).__name__}: {exc})") from None
        k = centers.shape[0] if centers.ndim == 2 else 0
        if centers.ndim != 2 or k < 1 or centers.shape[1] != len(names):
            raise fail(f"centers of shape {centers.shape} do not fit {len(names)} feature names")
        if ranges.shape != (len(names), 2):
            raise fail(f"feature_ranges of shape {ranges.shape}, expected ({len(names)}, 2)")
        if len(segments) != k or payload.get("k") != k:
            raise fail(f"{len(segments)} segments and k={payload.get('k')!r} for {k} centers")
        problem = _contents_problem(centers, ranges, names, segments, payload)
        if problem is not None:
            raise fail(problem)
        model = cls(n_clusters=k, settings=settings)
        model.centers_ = centers
        model.feature_names_ = names
        model.feature_ranges_ = ranges
        model.segments_ = segments
        model.data_ = data_info
        model.fit_ = fit_info
        model.versions_ = versions
        model.training_X_ = None
        return model

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SegmentModel:
        """Read a model written by :meth:`save`. Never refits; imports numpy and stdlib only."""
        source = Path(path)
        try:
            text = read_input(source, kind="model file").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot read model file {source}: {exc}") from None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        return cls.from_dict(payload, source=str(source))


def range_warnings(values: ArrayLike, ranges: ArrayLike, feature_names: Sequence[str]
                   ) -> list[str]:
    """One sentence per value of one customer outside its feature's training range (the
    course's features named as ``annual income`` and ``spending score``), for every method.

    Parameters
    ----------
    values : array-like of shape (n_features,)
    ranges : array-like of shape (n_features, 2)
        Minimum and maximum of each feature in the data the segments were fitted on.
    feature_names : sequence of str

    Returns
    -------
    list of str
        E.g. ``["annual income 1000 is outside 15..137, the range of the data this model was
        fitted on: the segment is a guess beyond the data"]``; empty within the data.
    """
    labels = ([what.strip() for _, what in CUSTOMER_FIELDS] if is_course_schema(feature_names)
              else feature_names)
    return [
        f"{label} {value:g} is outside {low:g}..{high:g}, the range of the data this model was "
        f"fitted on: the segment is a guess beyond the data"
        for label, value, (low, high) in zip(labels, np.asarray(values, dtype=np.float64),
                                             np.asarray(ranges), strict=True)
        if not low <= value <= high
    ]


def _number_table(value: Any, field: str) -> NDArray[np.float64]:
    """A JSON list (of lists) of numbers as a float64 array, every entry checked by the one
    number parser: a real number (not ``true``, not a text), finite and within
    :data:`~pyseg._numbers.MAX_ABS_VALUE` (so that no distance can overflow)."""
    if not isinstance(value, list):
        raise InputError(f"{field} is not a list of numbers")
    rows = value if all(isinstance(row, list) for row in value) else [value]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            # A text is refused even when it spells a number: a model file holds JSON numbers.
            problem = f"{cell!r} is not a number" if isinstance(cell, str) else value_problem(cell)
            if problem is not None:
                where = f"{field}[{i}][{j}]" if rows is value else f"{field}[{j}]"
                raise InputError(f"{where}: {problem}")
    try:
        return np.asarray(value, dtype=np.float64)
    except ValueError:
        raise InputError(f"{field}: rows of different lengths") from None


def _contents_problem(centers: NDArray[np.float64], ranges: NDArray[np.float64],
                      names: tuple[str, ...], segments: list[Segment],
                      payload: dict[str, Any]) -> str | None:
    """What makes a saved model's contents inconsistent (a hand edit), or None."""
    if (ranges[:, 0] > ranges[:, 1]).any():
        feature = names[int(np.argmax(ranges[:, 0] > ranges[:, 1]))]
        return f"feature_ranges of {feature!r} has its minimum above its maximum"
    # A center is a mean of its rows; allow rounding (n copies of x need not average to x).
    slack = 1e-9 * np.maximum(1.0, np.abs(ranges).max(axis=1))
    outside = (centers < ranges[:, 0] - slack) | (centers > ranges[:, 1] + slack)
    if outside.any():
        row, column = (int(v) for v in np.argwhere(outside)[0])
        low, high = ranges[column]
        return (
            f"center {row} ({segments[row].name}) has {names[column]} {centers[row, column]:g}, "
            f"outside the data's range {low:g}..{high:g} (a center is the mean of its customers)"
        )
    if len({s.name for s in segments}) != len(segments):
        return "segment names are not distinct"
    expected = segment_names(centers, ranges, names)
    for index, (saved, derived) in enumerate(zip(segments, expected, strict=True)):
        if saved.name != derived.name:
            where = ", ".join(f"{v:g}" for v in centers[index])
            return (
                f"segment {index} is named {saved.name!r}, but its center ({where}) is where "
                f"{derived.name!r} lies"
            )
    recorded = payload.get("course_schema", is_course_schema(names))
    if recorded is not is_course_schema(names):
        return (
            f"\"course_schema\": {json.dumps(recorded)} does not fit the features "
            f"{', '.join(map(repr, names))}"
        )
    return None


#: ``predict --engine`` values: who computes the nearest centers.
PREDICT_ENGINES = ("python", "r", "both")


class ParityCounts:
    """How far Python's and R's nearest centers agree, for ``engine="both"`` (else ``n_agree``
    is None).

    Attributes
    ----------
    n_agree : int or None
        Customers both languages put in the same segment.
    first_disagreement : int or None
        Row of the first customer they disagree on.
    max_distance_difference : float
        Largest difference of the distances to the chosen centers.
    """

    n_agree: int | None
    first_disagreement: int | None
    max_distance_difference: float

    @property
    def agree(self) -> bool:
        return self.first_disagreement is None

    def parity_dict(self) -> dict[str, Any]:
        """The parity keys of ``predict --json`` (``engine="both"`` only)."""
        if self.n_agree is None:
            return {}
        return {"agree": self.agree, "n_agree": self.n_agree,
                "max_distance_difference": self.max_distance_difference}


@dataclass(frozen=True)
class Classification(ParityCounts):
    """Customers classified by Python, by R, or by both with a parity check
    (:class:`ParityCounts`; ``first_disagreement`` is 0-based).

    Attributes
    ----------
    engine : {"python", "r", "both"}
    primary : Predictions
        Python's predictions (R's with ``engine="r"``).
    r : Predictions or None
        R's predictions beside Python's (``engine="both"`` only).
    """

    engine: str
    primary: Predictions
    r: Predictions | None = None
    n_agree: int | None = None
    first_disagreement: int | None = None
    max_distance_difference: float = 0.0


def classify(model: SegmentModel, X: Any, engine: str = "python",
             r_engine: KMeansEngine | None = None) -> Classification:
    """Nearest centers of ``X`` by ``engine`` (``"both"``: Python and R, with their agreement);
    R's come from ``r_engine``, by default :class:`~pyseg.REngine` (in this process)."""
    if engine not in PREDICT_ENGINES:
        raise InputError(f"engine={engine!r} should be one of {', '.join(PREDICT_ENGINES)}")
    if engine == "python":
        return Classification(engine, model.predict(X))
    r = model.predict(X, engine=r_engine if r_engine is not None else REngine())
    if engine == "r":
        return Classification(engine, r)
    python = model.predict(X)
    same = python.index == r.index
    return Classification(
        engine, python, r,
        n_agree=int(np.count_nonzero(same)),
        first_disagreement=None if same.all() else int(np.argmin(same)),
        max_distance_difference=float(np.max(np.abs(python.distance - r.distance), initial=0.0)),
    )


def load_or_fit(model_path: str | os.PathLike[str] | None = None,
                data: str | os.PathLike[str] | None = None,
                columns: str | Sequence[str] | None = None,
                k: int = 5) -> tuple[SegmentModel, str | None]:
    """A saved model (no refit), or one fitted on ``data``; with the data set's notice, if any.

    Raises
    ------
    InputError
        Both a model and data are given, or either is unusable.
    """
    if model_path is not None:
        if data is not None or columns is not None:
            raise InputError(
                "--model already fixes the data: give either --model or --data/--columns"
            )
        return SegmentModel.load(model_path), None
    dataset = load_dataset(data, columns)
    return SegmentModel(n_clusters=k).fit(dataset), dataset.notice
