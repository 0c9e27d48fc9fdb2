"""R's PAM and Gaussian-mixture fits, recorded (``pyseg record-r --method pam|gmm``) and replayed.

The generic machinery is :mod:`pyseg.engines._recorded_methods`: an entry per set of arguments,
keyed by the features' SHA-256, ``fit``'s arguments after the features, and the fit field by
field. PAM and GMM need a little more, since their R numbers depend on more than the features
matrix and the flags:

- PAM's R fit runs on the columns as read (Gower: text levels as factors, numeric columns
  unscaled, even with ``--scale z``), so the recorded fit (:class:`RecordedPamFit`) carries the
  SHA-256 of those columns and replay refuses other columns. Its arguments are ``k`` and
  ``distance``.
- GMM's exact mode starts both languages from mclust's partition, which is R's answer too: the
  recorded fit (:class:`RecordedGmmFit`) carries it, :meth:`RecordedGmmEngine.start` replays it
  and :meth:`RecordedGmmEngine.fit` checks that it was handed back unchanged. Its arguments are
  ``k``, ``covariance`` and ``mode``.

:class:`RPamRecorder` and :class:`RGmmRecorder` are what ``record-r`` runs (live R, with those
arguments); :class:`RecordedPamEngine` and :class:`RecordedGmmEngine` stand in for
:class:`~pyseg.engines.RPamEngine` and :class:`~pyseg.engines.RGmmEngine` in
``compare_pam``/``compare_gmm`` (``--r-results``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError
from pyseg._gower import MixedColumns, numeric_columns
from pyseg.engines._recorded_methods import RecordedMethodEngine
from pyseg.methods.gmm._base import GmmFit, check_gmm_mode
from pyseg.methods.gmm._r import RGmmEngine
from pyseg.methods.pam._base import PamData, PamFit, check_distance
from pyseg.methods.pam._r import RPamEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray


def columns_sha256(columns: MixedColumns) -> str:
    """SHA-256 of what decides PAM's distances in ``columns``: every column's kind and values
    (float64 bytes, or the text levels); the names do not change a distance."""
    digest = hashlib.sha256()
    for kind, values in zip(columns.kinds, columns.values, strict=True):
        digest.update(kind.encode("utf-8") + b"\0")
        if kind == "numeric":
            digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
        else:
            digest.update("\x1f".join(str(v) for v in values).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _base(fit: Any, cls: type) -> Any:
    """The fields of ``cls`` (a base fit dataclass) taken from ``fit`` (a recorded subclass)."""
    return cls(**{f.name: getattr(fit, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class RecordedPamFit(PamFit):
    """A :class:`~pyseg.engines.PamFit` with the SHA-256 of the columns it was fitted on."""

    columns_sha256: str = ""


@dataclass(frozen=True)
class RecordedGmmFit(GmmFit):
    """A :class:`~pyseg.engines.GmmFit` with exact mode's starting partition (None: course)."""

    start: NDArray[np.int64] | None = None


class RPamRecorder:
    """Live ``cluster::pam`` for ``record-r``: ``fit(X, k, distance)``.

    Parameters
    ----------
    columns : MixedColumns, optional
        The feature columns as read (``pyseg.methods.pam._compare.mixed_columns(dataset,
        features)``); needed for Gower on a categorical column. None: every column of ``X`` is
        numeric.
    """

    name = "r"

    def __init__(self, columns: MixedColumns | None = None) -> None:
        self.columns = columns

    def fit(self, X: NDArray[np.float64], k: int, distance: str) -> RecordedPamFit:
        X = np.ascontiguousarray(X, dtype=np.float64)
        names = tuple(f"x{j + 1}" for j in range(X.shape[1]))
        columns = (self.columns if check_distance(distance) == "gower" and self.columns
                   else numeric_columns(X, names))
        fit = RPamEngine().fit(PamData(distance=distance, X=X, columns=columns), int(k))
        return RecordedPamFit(**dataclasses.asdict(fit), columns_sha256=columns_sha256(columns))

    def check_ready(self) -> None:
        RPamEngine().check_ready()


class RGmmRecorder:
    """Live ``mclust`` for ``record-r``: ``fit(X, k, covariance, mode)`` (exact mode asks R for
    its starting partition first and keeps it)."""

    name = "r"

    def fit(self, X: NDArray[np.float64], k: int, covariance: str, mode: str) -> RecordedGmmFit:
        engine = RGmmEngine()
        start = engine.start(X, int(k), covariance) if check_gmm_mode(mode) == "exact" else None
        fit = engine.fit(X, int(k), covariance, start)
        return RecordedGmmFit(**dataclasses.asdict(fit), start=start)

    def check_ready(self) -> None:
        RGmmEngine().check_ready()


class RecordedPamEngine(RecordedMethodEngine):
    """:class:`~pyseg.engines.RPamEngine` replaced by ``record-r --method pam`` fits."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "pam")

    def fit(self, data: PamData, k: int) -> PamFit:  # type: ignore[override]
        """The fit recorded for ``data``'s features, ``k`` and distance, on the same columns."""
        recorded = super().fit(data.X, int(k), data.distance)
        if recorded.columns_sha256 != columns_sha256(data.columns):
            raise InputError(
                f"{self.path} records R's pam k={k} distance={data.distance} on other columns "
                f"than these ({', '.join(data.columns.names)} as read): record them with "
                "`pyseg record-r --method pam` and the same --columns")
        return _base(recorded, PamFit)

    def nearest_medoid(self, *_: Any) -> NDArray[np.int64]:
        raise self._no("R's predictions")


class RecordedGmmEngine(RecordedMethodEngine):
    """:class:`~pyseg.engines.RGmmEngine` replaced by ``record-r --method gmm`` fits."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "gmm")

    def start(self, X: NDArray[np.float64], k: int, covariance: str = "full"
              ) -> NDArray[np.int64]:
        """mclust's starting partition, as recorded with the exact-mode fit."""
        return super().fit(X, int(k), covariance, "exact").start

    def fit(self, X: NDArray[np.float64], k: int,  # type: ignore[override]
            covariance: str = "full", start: NDArray[np.int64] | None = None) -> GmmFit:
        """The fit recorded for these features, ``k``, covariance and mode (exact: ``start``
        must be the recorded starting partition)."""
        mode = "course" if start is None else "exact"
        recorded = super().fit(X, int(k), covariance, mode)
        if start is not None and not np.array_equal(np.asarray(start), recorded.start):
            raise InputError(f"{self.path}: the starting partition of gmm k={k} "
                             f"covariance={covariance} is not the recorded one")
        return _base(recorded, GmmFit)

    def predict(self, *_: Any) -> NDArray[np.float64]:  # type: ignore[override]
        """Recorded fits hold no predictions: one error line (``predict(fit, new)``)."""
        raise self._no("R's predictions")
