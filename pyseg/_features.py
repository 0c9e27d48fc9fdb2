"""Feature matrices beyond income and score: short names, categorical columns, z scaling.

The matrix is computed once, here, and the same float64 array goes to both languages: neither
side encodes or scales on its own, so parity cannot be lost to a different encoding.

- Short names for the course file: ``income``, ``score``, ``age``, ``gender`` (``Genre`` in the
  course's CSV); header names as written, or normalised, work too.
- A text column with a few distinct values (at most :data:`MAX_LEVELS`) is categorical and
  becomes one 0/1 indicator column **per level** (``Genre=Female``, ``Genre=Male``), levels in
  sorted order, as ``pandas.get_dummies`` does. R's ``model.matrix`` drops the first level
  because a regression has an intercept and the full set would be collinear; clustering has no
  intercept, and what matters is distance. With every level kept, any two different levels are
  the same distance apart (sqrt 2); with one dropped, the dropped level sits at the origin and
  the distances depend on which level happens to sort first. So pyseg keeps all levels.
- ``scale="z"`` is R's ``scale()``: centre each column and divide by its **sample** standard
  deviation (n - 1). scikit-learn's ``StandardScaler`` divides by n and is not used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import COURSE_FEATURES, course_rules
from pyseg._data import (
    Dataset,
    find_column,
    is_text,
    normalise_header,
    parse_data,
    read_data,
    resolve_columns,
)
from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg._numbers import shown, value_problem, within_rule

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

SCALES: tuple[str, ...] = ("none", "z")
#: A categorical column may have at most this many distinct values.
MAX_LEVELS = 20
#: Spreads (sample standard deviations) this many times apart trigger the --scale z hint.
SPREAD_RATIO_WARNING = 10.0


@dataclass(frozen=True)
class FeatureColumn:
    """One requested column (``name``: its header as written; ``kind``: ``"numeric"`` or
    ``"categorical"``) and the matrix columns it became; a categorical column's ``levels`` in
    sorted order, one indicator column each."""

    name: str
    kind: str
    levels: tuple[str, ...]
    output_names: tuple[str, ...]


@dataclass(frozen=True)
class Features:
    """The feature matrix both languages get: ``X`` (float64, C-contiguous, scaled with
    ``scale == "z"``), its column ``names`` (indicators as ``column=level``), with ``z`` the
    ``center`` and ``spread`` used (R's ``attr(scale(X), "scaled:center")`` and
    ``"scaled:scale"``), and ``warnings`` for stderr (spreads 10x apart, or a categorical column
    mixed in, without ``z``)."""

    X: NDArray[np.float64]
    names: tuple[str, ...]
    columns: tuple[FeatureColumn, ...]
    scale: str
    center: NDArray[np.float64] | None
    spread: NDArray[np.float64] | None
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return json_ready({
            "names": list(self.names), "scale": self.scale,
            "columns": [{"name": c.name, "kind": c.kind, "levels": list(c.levels)}
                        for c in self.columns],
            "center": self.center, "spread": self.spread, "warnings": list(self.warnings)})


def features_from_frame(frame: pd.DataFrame, columns: str | Sequence[str], *,
                        scale: str = "none", source: str = "the data") -> Features:
    """Build the feature matrix of ``columns`` (``"income,score,age,gender"`` or header names,
    numeric or categorical) from the whole table ``frame`` (e.g. ``Dataset.frame``, every column
    as read). One-line :class:`InputError` for an unknown or repeated column, a non-number in a
    numeric column, a categorical column with one level or more than :data:`MAX_LEVELS`, an
    unknown scale, a constant column with ``z``; ``source`` names the data."""
    if scale not in SCALES:
        raise InputError(f"--scale {scale!r}: use one of {', '.join(SCALES)}")
    header = [str(name) for name in frame.columns]
    resolved = [header[index] for index in resolve_columns(columns, header, source)]
    blocks, described = [], []
    for name in resolved:
        block, column = _encode(frame[name], name, source)
        blocks.append(block)
        described.append(column)
    X = np.ascontiguousarray(np.column_stack(blocks), dtype=np.float64)
    names = tuple(n for column in described for n in column.output_names)
    center = spread = None
    if scale == "z":
        X, center, spread = scale_z(X, names, source)
    warnings = () if scale == "z" else scale_warnings(X, tuple(described))
    return Features(X=X, names=names, columns=tuple(described), scale=scale, center=center,
                    spread=spread, warnings=warnings)


def _encode(values: pd.Series, name: str, source: str) -> tuple[NDArray[np.float64],
                                                                  FeatureColumn]:
    """A column as read by :mod:`pyseg._data` (which checked every number): numbers, or text
    levels as indicators."""
    if is_text(values):
        return _indicators(values.astype("str").str.strip(), name, source)
    numbers = values.to_numpy(dtype=np.float64)
    _check_numbers(numbers, values, name, source)
    return numbers.reshape(-1, 1), FeatureColumn(name, "numeric", (), (name,))


def _check_numbers(numbers: NDArray[np.float64], cells: pd.Series, name: str, source: str,
                   rule: str = "") -> None:
    """Refuse the first value :func:`~pyseg._numbers.value_problem` refuses, in its words."""
    bad = np.flatnonzero(~within_rule(numbers, rule))
    if bad.size:
        row = int(bad[0])
        cell = cells.iloc[row]
        problem = value_problem("" if cell is None or cell != cell else cell, rule)
        problem = problem or f"{shown(cell)} is not a number"
        raise InputError(f"{source}: row {row + 2}, column {name!r}: {problem}")


def _indicators(text: pd.Series, name: str, source: str) -> tuple[NDArray[np.float64],
                                                                  FeatureColumn]:
    empty = np.flatnonzero((text == "").to_numpy() | text.isna().to_numpy())
    if empty.size:
        raise InputError(f"{source}: row {int(empty[0]) + 2}, column {name!r}: empty cell in a "
                         "categorical column")
    levels = tuple(sorted(set(text.tolist())))
    if len(levels) < 2:
        raise InputError(f"{source}: column {name!r} has one value only ({levels[0]!r}): a "
                         "categorical feature needs >= 2 levels")
    if len(levels) > MAX_LEVELS:
        raise InputError(f"{source}: column {name!r} has {len(levels)} distinct text values, "
                         f"too many for a categorical feature (at most {MAX_LEVELS}): is it an "
                         "id or free text?")
    return _one_hot(text, levels), FeatureColumn(name, "categorical", levels,
                                tuple(f"{name}={level}" for level in levels))


def _one_hot(text: pd.Series, levels: Sequence[str]) -> NDArray[np.float64]:
    codes = text.to_numpy()
    return np.column_stack([(codes == level).astype(np.float64) for level in levels])


def scale_z(X: NDArray[np.float64], names: Sequence[str] = (), source: str = "the data"
            ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """R's ``scale(X)``: ``(X - colMeans(X)) / sd``, sd the sample standard deviation of each
    column (``sqrt(sum(centred^2) / (n - 1))``, R's formula); (scaled, center, sd)."""
    if X.shape[0] < 2:
        raise InputError(f"{source}: --scale z needs >= 2 rows")
    # R adds up in long double (colMeans, sum); numpy's longdouble is the same x87 format on
    # x86-64 Linux, so the result matches R's scale() to the last bit there (a few 1e-16 off
    # with plain float64 sums).
    n = X.shape[0]
    center = (X.astype(np.longdouble).sum(axis=0) / n).astype(np.float64)
    centred = X - center
    squares = (centred**2).astype(np.longdouble).sum(axis=0).astype(np.float64)
    spread = np.sqrt(squares / (n - 1))
    constant = np.flatnonzero(spread == 0)
    if constant.size:
        label = names[int(constant[0])] if len(names) > constant[0] else f"#{constant[0] + 1}"
        raise InputError(f"{source}: column {label!r} is constant: --scale z would divide by 0")
    return np.ascontiguousarray(centred / spread), center, spread


def scale_warnings(X: NDArray[np.float64], columns: tuple[FeatureColumn, ...]) -> tuple[str, ...]:
    """Lines suggesting ``--scale z``: numeric spreads 10x apart, or a categorical column."""
    notes = []
    per_column = [c for c in columns for _ in c.output_names]  # one per matrix column
    numeric = [(c.name, i) for i, c in enumerate(per_column) if c.kind == "numeric"]
    if len(numeric) >= 2 and X.shape[0] >= 2:
        spreads = {name: float(np.std(X[:, i], ddof=1)) for name, i in numeric}
        low = min(spreads, key=lambda name: spreads[name])
        high = max(spreads, key=lambda name: spreads[name])
        if spreads[low] > 0 and spreads[high] / spreads[low] >= SPREAD_RATIO_WARNING:
            notes.append(f"the columns' spreads differ {spreads[high] / spreads[low]:.0f}x "
                         f"({high!r} sd {spreads[high]:.3g}, {low!r} sd {spreads[low]:.3g}): "
                         "distances follow the widest column; consider --scale z")
    categorical = [c.name for c in columns if c.kind == "categorical"]
    if categorical:
        notes.append(f"categorical column(s) {', '.join(map(repr, categorical))} enter as 0/1 "
                     "indicators beside unscaled numbers; consider --scale z")
    return tuple(notes)


def new_rows_table(features: Features, frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The new rows' feature columns under the training headers (``income`` ->
    ``Annual Income (k$)``), text stripped, for methods that read columns by name (Gower)."""
    header = [str(name) for name in frame.columns]
    return frame[[header[find_column(c.name, header, source)] for c in features.columns]].set_axis(
        [c.name for c in features.columns], axis=1).apply(lambda c: c.astype("str").str.strip())


def features_for_new_rows(features: Features, frame: pd.DataFrame, source: str
                          ) -> NDArray[np.float64]:
    """New rows in the training features' space: the same columns, a categorical column's
    training levels as indicators (an unseen level is an error), the training ``z`` scaling.
    Values (``frame``: every column as text, headers matched as for ``--columns``) are checked
    as a data file's are, with the course's ranges for the course's columns; ``source`` names the
    new rows in messages (rows count the header as row 1).
    """
    import pandas as pd

    header = [str(name) for name in frame.columns]
    names = [column.name for column in features.columns]
    blocks = []
    for column, rule in zip(features.columns, course_rules(names), strict=True):
        name = header[find_column(column.name, header, source)]
        text = frame[name].astype("str").str.strip()
        if column.kind == "categorical":
            unseen = np.flatnonzero(~text.isin(column.levels).to_numpy())
            if unseen.size:
                row = int(unseen[0])
                raise InputError(f"{source}: row {row + 2}, column {name!r}: "
                                 f"{text.iloc[row]!r} is not one of the levels the model saw "
                                 f"({', '.join(column.levels)})")
            blocks.append(_one_hot(text, column.levels))
            continue
        numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        _check_numbers(numbers, text, name, source, rule)
        blocks.append(numbers.reshape(-1, 1))
    X = np.column_stack(blocks) if blocks else np.empty((len(frame), 0))
    if features.scale == "z":
        assert features.center is not None and features.spread is not None  # set with "z"
        X = (X - features.center) / features.spread
    return np.ascontiguousarray(X, dtype=np.float64)


def load_features(path: str | os.PathLike[str] | None, columns: str | Sequence[str] | None = None,
                  *, scale: str = "none") -> tuple[Dataset, Features]:
    """Read a CSV (or generate one; ``path`` as for :func:`pyseg.load_dataset`) and build the
    features of ``columns`` (as :func:`features_from_frame`; None: the course's two, as
    :func:`pyseg.load_dataset` finds them): a :class:`~pyseg.Dataset` whose ``X`` is that matrix,
    and the :class:`Features`. What either function refuses is refused in its words."""
    resolved, data, source, notice = read_data(path)
    # The one validator of data files, as for load_dataset: the same checks and messages for
    # every method; only feature columns of text are left to features_from_frame to encode.
    checked = parse_data(data, source=source, path=resolved, columns=columns, notice=notice,
                     categorical=True)
    features = features_from_frame(checked.table, checked.feature_names if columns is None
                                   else columns, scale=scale, source=source)
    course = scale == "none" and [normalise_header(name) for name in features.names] == [
        normalise_header(name) for name in COURSE_FEATURES]
    dataset = replace(checked, X=features.X, feature_names=features.names,
                      is_course_schema=course)
    return dataset, features
