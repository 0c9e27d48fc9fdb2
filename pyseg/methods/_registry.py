"""Every clustering method pyseg compares, by name: what ``compare --method`` dispatches on.

Each method's contract lives in its own package (:mod:`pyseg.methods._base` says what it
provides); this module reads them into :data:`METHODS` and gives every comparison the same three
things for the ``--method all`` table: agreement, ARI, and the method's own measure of parity.

A comparison returned by :func:`compare_method` has at least ``passed``, ``diagnosis``,
``agreement`` (with ``accuracy`` and ``ari``), ``to_dict(versions)`` and ``to_json(versions)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyseg._data import Dataset
from pyseg._errors import InputError, REvaluationError
from pyseg._io import json_ready
from pyseg.methods import NAMES, info, part
from pyseg.methods._base import ComparisonBase, MethodPrediction, MethodSettings

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["ALL", "METHODS", "AllComparison", "Method", "MethodPrediction", "MethodSettings",
           "compare_all", "compare_method", "compare_selected", "selected"]


@dataclass(frozen=True)
class Method:
    """One method pyseg compares, as its package states it (:mod:`pyseg.methods._base`): its
    ``--method`` name, one line with Python's call and R's, its ``run``, its own parity measure
    (for the ``--method all`` table), and how ``predict`` assigns a new customer with it, or
    why it does not (then ``predict`` is None)."""

    name: str
    describe: str
    run: Callable[[Dataset, MethodSettings], Any]
    measure_name: str
    measure: Callable[[Any], float]
    prediction: str
    predict: Callable[[Any, NDArray[np.float64], pd.DataFrame], MethodPrediction] | None = None


def _method(name: str) -> Method:
    """The method's contract, read from its package (:mod:`pyseg.methods._base`)."""
    light, compared = info(name), part(name, "compare")
    return Method(name, light.DESCRIBE, compared.run, compared.MEASURE_NAME, compared.measure,
                  light.PREDICTION, getattr(compared, "predict", None))


METHODS: dict[str, Method] = {name: _method(name) for name in NAMES}


#: ``--method all``: every method of :data:`METHODS`, one table.
ALL = "all"


def selected(method: str) -> tuple[str, ...]:
    """The methods ``--method method`` runs (every one for :data:`ALL`); an unknown name is a
    one-line :class:`InputError`."""
    if method == ALL:
        return tuple(METHODS)
    if method not in METHODS:
        raise InputError(f"--method {method!r} is not one of {', '.join(METHODS)}, {ALL}")
    return (method,)


def compare_selected(method: str, dataset: Dataset, settings: MethodSettings) -> Any:
    """One method's comparison, or the :class:`AllComparison` of :data:`ALL`."""
    if selected(method) == (method,):
        return compare_method(method, dataset, settings)
    return compare_all(dataset, settings)


def compare_method(name: str, dataset: Dataset, settings: MethodSettings) -> Any:
    """Run one method's comparison; an unknown name is a one-line :class:`InputError`."""
    if name not in METHODS:
        raise InputError(f"--method {name!r} is not one of {', '.join(METHODS)}")
    return METHODS[name].run(dataset, settings)


@dataclass(frozen=True)
class AllComparison(ComparisonBase):
    """``compare --method all``: every method's comparison on the same features, and the
    ``errors`` of those that could not run on this data (bad k for it, too many rows); it
    passes when every method ran and passed."""

    dataset: Dataset
    comparisons: dict[str, Any]
    errors: dict[str, str]
    settings: MethodSettings

    @property
    def passed(self) -> bool:
        return (bool(self.comparisons) and not self.errors
                and all(c.passed for c in self.comparisons.values()))

    def rows(self) -> list[dict[str, Any]]:
        """One row per method: agreement, ARI, own measure, passed (or the error)."""
        table = []
        for name, method in METHODS.items():
            if name in self.comparisons:
                c = self.comparisons[name]
                table.append({"method": name, "agreement": c.agreement.accuracy,
                              "ari": c.agreement.ari, "measure": method.measure_name,
                              "value": method.measure(c), "passed": bool(c.passed)})
            elif name in self.errors:
                table.append({"method": name, "error": self.errors[name], "passed": None})
        return table

    def to_dict(self, versions: dict[str, str | None] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = {
            "method": "all", "n": int(self.dataset.X.shape[0]),
            "features": list(self.dataset.feature_names),
            "data": {"source": self.dataset.source, "sha256": self.dataset.sha256},
            "table": json_ready(self.rows()), "passed": self.passed,
            "methods": {name: c.to_dict() for name, c in self.comparisons.items()},
            "chosen": json_ready(self.settings.chosen),
        }
        if versions is not None:
            result["versions"] = versions
        return result


def compare_all(dataset: Dataset, settings: MethodSettings) -> AllComparison:
    """Every method of :data:`METHODS` on ``dataset``; a method whose input check fails on this
    data, or whose R fit fails on it, is reported in ``errors`` (one line) instead of stopping
    the others (and then the table does not pass). When no method can run on this data, one
    :class:`InputError` line gives the reasons, by method."""
    comparisons: dict[str, Any] = {}
    errors: dict[str, str] = {}
    bad_input: dict[str, list[str]] = {}
    for name in METHODS:
        try:
            comparisons[name] = compare_method(name, dataset, settings)
        except (InputError, REvaluationError) as exc:  # this method on this data; R stays up
            errors[name] = str(exc)
            if isinstance(exc, InputError):
                bad_input.setdefault(str(exc).removeprefix(f"{dataset.source}: "), []).append(name)
    if not comparisons and sum(map(len, bad_input.values())) == len(METHODS):
        reasons = "; ".join(f"{', '.join(names)}: {why}" for why, names in bad_input.items())
        raise InputError(f"{dataset.source}: no method can run on this data ({reasons})")
    return AllComparison(dataset, comparisons, errors, settings)

