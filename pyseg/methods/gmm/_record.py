"""Gaussian mixtures' R fits recorded (``record-r --method gmm``) and replayed (``--r-results``).

One entry per ``(k, covariance, mode)``. Exact mode starts both languages from mclust's partition,
which is R's answer too: the recorded fit (:class:`RecordedGmmFit`) carries it,
:meth:`RecordedGmmEngine.start` replays it and :meth:`RecordedGmmEngine.fit` checks that it was
handed back unchanged. :class:`RGmmRecorder` is what ``record-r`` runs; :class:`RecordedGmmEngine`
stands in for :class:`~pyseg.engines.RGmmEngine` in ``compare_gmm``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg.engines._recorded import RecordedMethodEngine, base_fit
from pyseg.methods.gmm._base import GmmFit, check_gmm_mode
from pyseg.methods.gmm._r import RGmmEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray

ARGUMENTS = ("k", "covariance", "mode")
R_FILES = ("bridge.R", "gmm.R")


@dataclass(frozen=True)
class RecordedGmmFit(GmmFit):
    """A :class:`~pyseg.engines.GmmFit` with exact mode's starting partition (None: course)."""

    start: NDArray[np.int64] | None = None


FIT_TYPE = RecordedGmmFit


class RGmmRecorder:
    """Live ``mclust`` for ``record-r``: ``fit(X, k, covariance, mode)`` (exact mode asks R for
    its starting partition first and keeps it)."""

    name = "r"

    def fit(self, X: NDArray[np.float64], k: int, covariance: str, mode: str) -> RecordedGmmFit:
        engine = RGmmEngine()
        start = engine.start(X, int(k), covariance) if check_gmm_mode(mode) == "exact" else None
        fit = engine.fit(X, int(k), covariance, start)
        return RecordedGmmFit(**dataclasses.asdict(fit), start=start)


live_engine = RGmmRecorder


class RecordedGmmEngine(RecordedMethodEngine):
    """:class:`~pyseg.engines.RGmmEngine` replaced by ``record-r --method gmm`` fits."""

    method = "gmm"

    def start(self, X: NDArray[np.float64], k: int, covariance: str = "full"
              ) -> NDArray[np.int64]:
        """mclust's starting partition, as recorded with the exact-mode fit."""
        return super().fit(X, int(k), covariance, "exact").start

    def fit(self, X: NDArray[np.float64], k: int,
            covariance: str = "full", start: NDArray[np.int64] | None = None) -> GmmFit:
        """The fit recorded for these features, ``k``, covariance and mode (exact: ``start``
        must be the recorded starting partition)."""
        mode = "course" if start is None else "exact"
        recorded = super().fit(X, int(k), covariance, mode)
        if start is not None and not np.array_equal(np.asarray(start), recorded.start):
            raise InputError(f"{self.path}: the starting partition of gmm k={k} "
                             f"covariance={covariance} is not the recorded one")
        return base_fit(recorded, GmmFit)


def runs(dataset: Dataset, settings: Any, k_values: list[int]) -> list[tuple[Any, ...]]:
    return [(k, settings.covariance, settings.mode) for k in k_values]
