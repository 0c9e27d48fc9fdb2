"""A fitted segmentation: fit once on the course data, save as JSON, predict new customers.

:class:`SegmentModel` follows scikit-learn's shape (``fit`` returns the model, fitted attributes end
in ``_``). Saving writes everything prediction needs (centers, names, feature names and ranges) plus
where it came from (data SHA-256, settings, versions), so a loaded model predicts without refitting
and without importing scikit-learn, pandas, scipy or rpy2: this module needs numpy and the standard
library only, and imports the fitting machinery inside :meth:`SegmentModel.fit`.

Prediction is "nearest center". Squared distances are summed one feature at a time in column order,
as ``r_reference/predict.R`` does, so both languages round alike; exact ties go to the lowest index
(``numpy.argmin`` and R's ``which.min`` both return the first minimum).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from numpy.typing import ArrayLike, NDArray

    from pyseg._data import Dataset
    from pyseg._engines import CourseSettings

#: Value of the ``format`` key of a saved model.
MODEL_FORMAT = "pyseg-segment-model"
#: Bumped whenever the JSON layout changes incompatibly.
MODEL_FORMAT_VERSION = 1


def nearest_center(
    X: NDArray[np.float64], centers: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Index of and Euclidean distance to the nearest center of every row.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)

    Returns
    -------
    index : ndarray of shape (n_samples,), dtype int64
        0-based; on an exact tie the lowest index.
    distance : ndarray of shape (n_samples,), dtype float64
    """
    squared = np.zeros((X.shape[0], centers.shape[0]), dtype=np.float64)
    # One feature at a time, in order, exactly like predict.R, so near-ties round the same way.
    for feature in range(X.shape[1]):
        squared += (X[:, feature, None] - centers[None, :, feature]) ** 2
    index = np.argmin(squared, axis=1).astype(np.int64) if centers.shape[0] else np.zeros(0)
    distance = np.sqrt(squared[np.arange(X.shape[0]), index])
    return index, distance


def r_nearest_center(
    X: NDArray[np.float64], centers: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """:func:`nearest_center` computed by R (``predict_nearest`` in ``r_reference/predict.R``).

    Returns the same 0-based ``index`` and ``distance`` arrays. Needs R and rpy2.

    Raises
    ------
    RUnavailableError
        R or rpy2 cannot be loaded.
    """
    from pyseg._rbridge import r_call

    value, _warnings = r_call(
        "predict.R",
        "predict_nearest",
        np.ascontiguousarray(X, dtype=np.float64),
        np.ascontiguousarray(centers, dtype=np.float64),
    )
    index = np.asarray(value["index"], dtype=np.int64).reshape(-1) - 1  # R counts from 1
    distance = np.asarray(value["distance"], dtype=np.float64).reshape(-1)
    return index, distance


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
        return {
            "index": self.index,
            "name": self.name,
            "description": self.description,
            "center": list(self.center),
            "distance": self.distance,
        }


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
        return Prediction(
            index=int(self.index[row]),
            name=self.name[row],
            description=self.description[row],
            center=tuple(float(v) for v in self.center[row]),
            distance=float(self.distance[row]),
        )

    def __iter__(self) -> Iterator[Prediction]:
        return (self[row] for row in range(len(self)))


def _course_features() -> tuple[str, ...]:
    from pyseg._segments import COURSE_FEATURES

    return COURSE_FEATURES


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

    def fit(
        self, data: Dataset | ArrayLike, feature_names: Sequence[str] | None = None
    ) -> SegmentModel:
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
        from pyseg._data import check_clusterable, check_points
        from pyseg._engines import PYTHON_COURSE, SklearnEngine
        from pyseg._provenance import versions
        from pyseg._segments import segment_names

        settings = self.settings or PYTHON_COURSE
        if hasattr(data, "feature_names") and hasattr(data, "X"):
            check_clusterable(data, self.n_clusters)
            X = np.asarray(data.X, dtype=np.float64)
            names = tuple(data.feature_names)
            data_info = {
                "source": str(data.source),
                "sha256": str(data.sha256),
                "n_rows": int(X.shape[0]),
            }
        else:
            X = np.ascontiguousarray(data, dtype=np.float64)
            if X.ndim != 2:
                raise InputError(f"data must be a 2-D array (rows x features), got shape {X.shape}")
            if feature_names is not None:
                names = tuple(feature_names)
            elif X.shape[1] == 2:
                names = _course_features()
            else:
                names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
            if X.shape[0] == 0 or not np.isfinite(X).all():
                raise InputError("data must be a non-empty array of finite numbers")
            check_points(X, self.n_clusters, "array")
            data_info = {
                "source": "array",
                "sha256": hashlib.sha256(X.tobytes()).hexdigest(),
                "n_rows": int(X.shape[0]),
            }
        if len(names) != X.shape[1]:
            raise InputError(f"{len(names)} feature names for {X.shape[1]} columns")
        result = SklearnEngine().fit(X, self.n_clusters, settings)
        self.settings = settings
        self.centers_ = np.asarray(result.centers, dtype=np.float64)
        self.feature_names_ = names
        self.feature_ranges_ = np.column_stack([X.min(axis=0), X.max(axis=0)])
        self.segments_ = segment_names(self.centers_, self.feature_ranges_, names)
        self.data_ = data_info
        self.fit_ = {"wcss": float(result.wcss), "n_iter": int(result.n_iter)}
        self.fit_warnings_ = tuple(result.warnings)
        self.versions_ = versions(include_r=False)
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

    def predict(self, X: Any) -> Predictions:
        """Segment of each customer: the nearest center.

        Parameters
        ----------
        X : array-like of shape (n_features,) or (n_samples, n_features), or DataFrame
            One customer (e.g. ``(70, 80)``: income, score), many, or a table holding the
            model's feature columns by name.

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
        index, distance = nearest_center(matrix, self.centers_)
        return self.predictions_from_index(index, distance)

    def predictions_from_index(
        self, index: NDArray[np.int64], distance: NDArray[np.float64]
    ) -> Predictions:
        """:class:`Predictions` for nearest-center indices computed elsewhere (e.g. in R)."""
        self._check_fitted()
        index = np.asarray(index, dtype=np.int64)
        return Predictions(
            index=index,
            name=tuple(self.segments_[i].name for i in index),
            description=tuple(self.segments_[i].description for i in index),
            center=self.centers_[index] if len(index) else np.zeros((0, self.centers_.shape[1])),
            distance=np.asarray(distance, dtype=np.float64),
        )

    def predict_one(self, *values: float) -> Prediction:
        """Segment of one customer, e.g. ``model.predict_one(70, 80)`` (income, score)."""
        return self.predict(np.asarray(values, dtype=np.float64))[0]

    @property
    def is_course_schema(self) -> bool:
        """True when the features are the course's income and spending score."""
        self._check_fitted()
        return tuple(self.feature_names_) == _course_features()

    # -- saving and loading ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Everything :meth:`load` needs, plus provenance, as plain JSON-able values."""
        self._check_fitted()
        from pyseg import __version__

        settings = self.settings
        return {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "pyseg_version": __version__,
            "k": int(self.centers_.shape[0]),
            "feature_names": list(self.feature_names_),
            "feature_ranges": [[float(v) for v in row] for row in self.feature_ranges_],
            "centers": [[float(v) for v in row] for row in self.centers_],
            "segments": [
                {"index": i, "name": s.name, "description": s.description}
                for i, s in enumerate(self.segments_)
            ],
            "data": dict(self.data_),
            "settings": {
                "engine": "python (scikit-learn KMeans, init='k-means++')",
                "seed": settings.seed,
                "n_starts": settings.n_starts,
                "max_iter": settings.max_iter,
            },
            "fit": dict(self.fit_),
            "versions": dict(self.versions_),
        }

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, floats as ``repr``, trailing newline)."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, allow_nan=False) + "\n"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path`` atomically (a reader never sees half a file)."""
        from pyseg._io import write_atomic

        target = Path(path)
        write_atomic(self.to_json().encode("utf-8"), target, what="model to ")
        return target

    @classmethod
    def from_dict(cls, payload: Any, source: str = "model") -> SegmentModel:
        """Rebuild a fitted model from :meth:`to_dict` output; ``source`` names it in errors."""
        from pyseg._engines import CourseSettings
        from pyseg._segments import Segment

        def fail(problem: str) -> InputError:
            return InputError(f"{source}: {problem}; save a model with `pyseg fit --save FILE`")

        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise fail(f"not a pyseg model (its \"format\" is not {MODEL_FORMAT!r})")
        if payload.get("format_version") != MODEL_FORMAT_VERSION:
            raise fail(
                f"model format version {payload.get('format_version')!r} is not supported "
                f"(this pyseg reads version {MODEL_FORMAT_VERSION})"
            )
        try:
            centers = np.asarray(payload["centers"], dtype=np.float64)
            ranges = np.asarray(payload["feature_ranges"], dtype=np.float64)
            names = tuple(str(name) for name in payload["feature_names"])
            segments = [Segment(str(s["name"]), str(s["description"])) for s in payload["segments"]]
            settings = CourseSettings(
                seed=int(payload["settings"]["seed"]),
                n_starts=int(payload["settings"]["n_starts"]),
                max_iter=int(payload["settings"]["max_iter"]),
            )
            data_info = dict(payload["data"])
            fit_info = dict(payload["fit"])
            versions = dict(payload.get("versions", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise fail(f"missing or malformed field ({type(exc).__name__}: {exc})") from None
        k = centers.shape[0] if centers.ndim == 2 else 0
        if centers.ndim != 2 or k < 1 or centers.shape[1] != len(names):
            raise fail(f"centers of shape {centers.shape} do not fit {len(names)} feature names")
        if not np.isfinite(centers).all():
            raise fail("centers hold a value that is not a finite number")
        if ranges.shape != (len(names), 2):
            raise fail(f"feature_ranges of shape {ranges.shape}, expected ({len(names)}, 2)")
        if len(segments) != k or payload.get("k") != k:
            raise fail(f"{len(segments)} segments and k={payload.get('k')!r} for {k} centers")
        if len({s.name for s in segments}) != k:
            raise fail("segment names are not distinct")
        model = cls(n_clusters=k, settings=settings)
        model.centers_ = centers
        model.feature_names_ = names
        model.feature_ranges_ = ranges
        model.segments_ = segments
        model.data_ = data_info
        model.fit_ = fit_info
        model.fit_warnings_ = ()
        model.versions_ = versions
        model.training_X_ = None
        return model

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SegmentModel:
        """Read a model written by :meth:`save`. Never refits; imports numpy and stdlib only."""
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"model file {source} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read model file {source}: {exc}") from None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        return cls.from_dict(payload, source=str(source))
