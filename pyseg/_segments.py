"""Names for segments that follow from where their centers lie, not from label order.

K-Means numbers its clusters arbitrarily: another seed, another engine, or a relabelling gives
the same five groups different numbers. So the names here are a pure function of the centers and
of the data's range on each feature, and permuting the centers permutes the names with them.

For the course (two features, income and spending score, k = 5) every center is placed in the
unit square (0 = the data's minimum, 1 = its maximum on that feature) and the five course segments
are matched to their ideal corners / middle by the assignment with the least total squared
distance, so each center gets a distinct course name. Any other k, or other features, gets
descriptive names such as ``"High income / Low spending"``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import (
    AGE_HEADERS,
    COURSE_FEATURES,
    GENDER_HEADERS,
    is_course_schema,
    is_income_header,
    is_score_header,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from pyseg._data import Dataset


@dataclass(frozen=True)
class Segment:
    """A named segment.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"Target"``.
    description : str
        One line for a marketer: who these customers are and what to offer them.
    """

    name: str
    description: str


#: The course's five segments: ideal position (income, score) in the unit square, and meaning.
COURSE_SEGMENTS: dict[str, tuple[tuple[float, float], str]] = {
    "Careful": (
        (1.0, 0.0),
        "High income, low spending: earn their trust with quality, durability and personal "
        "service rather than discounts.",
    ),
    "Standard": (
        (0.5, 0.5),
        "Average income and spending: keep them coming with regular promotions and a broad "
        "mid-range offer.",
    ),
    "Target": (
        (1.0, 1.0),
        "High income, high spending: the prime audience for new collections, premium brands and "
        "loyalty perks.",
    ),
    "Careless": (
        (0.0, 1.0),
        "Low income, high spending: impulse buyers; offer trendy items and bundles, without "
        "pushing credit they cannot afford.",
    ),
    "Sensible": (
        (0.0, 0.0),
        "Low income, low spending: price-conscious; reach them with essentials, discounts and "
        "value packs.",
    ),
}

_LEVELS = ("Low", "Mid", "High")


def _unit_positions(centers: NDArray[np.float64],
                    feature_ranges: NDArray[np.float64]) -> NDArray[np.float64]:
    """Centers rescaled so that each feature's data minimum is 0 and maximum is 1."""
    low, high = feature_ranges[:, 0], feature_ranges[:, 1]
    span = np.where(high > low, high - low, 1.0)
    return (centers - low) / span


def _short_name(feature: str) -> str:
    """``income`` / ``spending`` for the course's features in any spelling, else the name."""
    if is_income_header(feature):
        return "income"
    return "spending" if is_score_header(feature) else feature


def _canonical_order(centers: NDArray[np.float64]) -> list[int]:
    """Center indices sorted by their coordinates, so that results ignore the input order."""
    return sorted(range(len(centers)), key=lambda i: tuple(float(v) for v in centers[i]))


def _course_names(positions: NDArray[np.float64]) -> list[str]:
    order = _canonical_order(positions)
    names = list(COURSE_SEGMENTS)
    ideals = [COURSE_SEGMENTS[name][0] for name in names]
    best_cost, best_perm = float("inf"), tuple(range(len(names)))
    # 5! = 120 assignments: checking them all is exact and needs no solver; strict "<" keeps the
    # first optimum in canonical order, so ties are broken the same way for any input order.
    for perm in itertools.permutations(range(len(names))):
        cost = sum(
            (positions[center][0] - ideals[slot][0]) ** 2
            + (positions[center][1] - ideals[slot][1]) ** 2
            for center, slot in zip(order, perm, strict=True)
        )
        if cost < best_cost:
            best_cost, best_perm = cost, perm
    result = [""] * len(names)
    for center, slot in zip(order, best_perm, strict=True):
        result[center] = names[slot]
    return result


def _level(position: float) -> str:
    if position < 1 / 3:
        return _LEVELS[0]
    if position > 2 / 3:
        return _LEVELS[2]
    return _LEVELS[1]


def naming_columns(feature_names: Sequence[str]) -> list[int]:
    """The features a descriptive name speaks of: the numeric ones; ``column=level`` indicators
    (a categorical column's 0/1 columns) only when there is nothing else."""
    numeric = [i for i, name in enumerate(feature_names) if "=" not in name]
    return numeric or list(range(len(feature_names)))


def _descriptive_names(positions: NDArray[np.float64], feature_names: Sequence[str]) -> list[str]:
    used = naming_columns(feature_names)
    words = [_short_name(feature_names[i]) for i in used]
    base = [
        " / ".join(f"{_level(float(row[i]))} {word}" for i, word in zip(used, words, strict=True))
        for row in positions
    ]
    names = list(base)
    for duplicate in {name for name in base if base.count(name) > 1}:
        members = [i for i in _canonical_order(positions) if base[i] == duplicate]
        for number, index in enumerate(members, start=1):
            names[index] = f"{duplicate} ({number})"
    return names


def _descriptive_text(center: NDArray[np.float64], feature_names: Sequence[str], name: str) -> str:
    where = ", ".join(
        f"{feature} {float(value):.1f}"
        for feature, value in zip(feature_names, center, strict=True)
    )
    return f"{name}: customers around {where}."


def segment_names(centers: ArrayLike, feature_ranges: ArrayLike,
                  feature_names: Sequence[str] = COURSE_FEATURES) -> list[Segment]:
    """Name every center from its position relative to the data.

    Parameters
    ----------
    centers : array-like of shape (n_clusters, n_features)
        Cluster centers, in any order.
    feature_ranges : array-like of shape (n_features, 2)
        Minimum and maximum of each feature over the data the centers were fitted on.
    feature_names : sequence of str, default=COURSE_FEATURES
        Header names of the features.

    Returns
    -------
    list of Segment, length n_clusters
        ``result[i]`` names ``centers[i]``. Names are distinct. With the course features and
        five centers they are the course's Careful, Standard, Target, Careless and Sensible;
        otherwise descriptive, e.g. ``"High income / Low spending"``.
    """
    centers_array = np.asarray(centers, dtype=np.float64)
    ranges = np.asarray(feature_ranges, dtype=np.float64)
    if centers_array.ndim != 2 or ranges.shape != (centers_array.shape[1], 2):
        raise ValueError(
            f"centers of shape {centers_array.shape} need feature_ranges of shape "
            f"({centers_array.shape[1] if centers_array.ndim == 2 else '?'}, 2), got {ranges.shape}"
        )
    if len(feature_names) != centers_array.shape[1]:
        raise ValueError(
            f"{len(feature_names)} feature names for {centers_array.shape[1]} features"
        )
    positions = _unit_positions(centers_array, ranges)
    if is_course_schema(feature_names) and len(centers_array) == len(COURSE_SEGMENTS):
        return [Segment(name, COURSE_SEGMENTS[name][1]) for name in _course_names(positions)]
    names = _descriptive_names(positions, feature_names)
    return [
        Segment(name, _descriptive_text(center, feature_names, name))
        for name, center in zip(names, centers_array, strict=True)
    ]


def segment_names_for_data(centers: ArrayLike, X: ArrayLike,
                           feature_names: Sequence[str] = COURSE_FEATURES) -> list[Segment]:
    """:func:`segment_names` with the feature ranges taken from the data ``X`` the centers fit."""
    data = np.asarray(X, dtype=np.float64)
    ranges = np.column_stack([data.min(axis=0), data.max(axis=0)])
    return segment_names(centers, ranges, feature_names)


def _column(frame: Any, candidates: Sequence[str], dtype: type) -> NDArray[Any] | None:
    """The first column of ``frame`` named in ``candidates``, as ``dtype`` values, or None."""
    for name in getattr(frame, "columns", ()):
        if str(name).strip().lower() in candidates:
            return np.asarray(frame[str(name)], dtype=dtype)
    return None


def segment_profile(dataset: Dataset, labels: NDArray[np.int64],
                    names: Sequence[str]) -> list[dict[str, Any]]:
    """Per segment: size, share, mean of each feature, mean age and gender shares.

    Parameters
    ----------
    dataset : Dataset
        Its ``frame`` supplies age and gender when the table has them (course header: ``Age``,
        ``Genre``); its ``X`` supplies the features.
    labels : ndarray of shape (n_samples,)
        0-based segment of every row.
    names : sequence of str
        Name of each segment, indexed by label.

    Returns
    -------
    list of dict
        One dict per segment in label order with keys ``segment`` (the 0-based label, the number
        the CLI, ``predict`` and every figure show), ``name``, ``size``, ``share``,
        ``means`` (feature name -> mean), ``mean_age`` (or None) and ``gender_shares`` (value ->
        fraction, sorted by value; empty without a gender column).
    """
    frame = getattr(dataset, "frame", None)
    ages, genders = _column(frame, AGE_HEADERS, np.float64), _column(frame, GENDER_HEADERS, str)
    X = np.asarray(dataset.X, dtype=np.float64)
    profile = []
    for segment, name in enumerate(names):
        members = labels == segment
        size = int(members.sum())
        shares: dict[str, float] = {}
        if genders is not None and size:
            values, counts = np.unique(genders[members], return_counts=True)
            shares = {str(v): int(c) / size for v, c in zip(values, counts, strict=True)}
        profile.append({
            "segment": segment,
            "name": str(name),
            "size": size,
            "share": size / labels.size,
            "means": {feature: (float(X[members, j].mean()) if size else None)
                      for j, feature in enumerate(dataset.feature_names)},
            "mean_age": float(ages[members].mean()) if ages is not None and size else None,
            "gender_shares": shares,
        })
    return profile


def cluster_means(X: NDArray[np.float64], labels: NDArray[np.int64], k: int | None = None
                  ) -> NDArray[np.float64]:
    """Mean of the rows of each cluster ``0..k-1`` (default ``k``: ``labels.max() + 1``; noise,
    ``-1``, left out), shape (k, n_features); NaN for a cluster without rows."""
    X = np.asarray(X, dtype=np.float64)
    k = int(labels.max()) + 1 if k is None else k
    return np.stack([X[labels == j].mean(axis=0) if (labels == j).any()
                     else np.full(X.shape[1], np.nan) for j in range(k)])


def names_or_numbers(centers: NDArray[np.float64], X: NDArray[np.float64],
                     feature_names: Sequence[str]) -> list[str]:
    """:func:`segment_names_for_data`'s names, or ``Cluster i`` when a center is missing (NaN:
    an R cluster with no Python counterpart)."""
    fallback = [f"Cluster {i}" for i in range(len(centers))]  # 0-based, as every label
    finite = ~np.isnan(centers).any(axis=1)
    if not finite.all():
        return fallback
    return [segment.name for segment in segment_names_for_data(centers, X, feature_names)]
