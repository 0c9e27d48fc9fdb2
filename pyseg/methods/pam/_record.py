"""PAM's R fits recorded (``record-r --method pam``) and replayed (``--r-results``).

One entry per ``(k, distance)``. R's fit runs on the columns as read (Gower: text levels as
factors, numeric columns unscaled, even with ``--scale z``), so the recorded fit
(:class:`RecordedPamFit`) carries the SHA-256 of those columns and replay refuses other columns.
:class:`RPamRecorder` is what ``record-r`` runs; :class:`RecordedPamEngine` stands in for
:class:`~pyseg.engines.RPamEngine` in ``compare_pam``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._gower import MixedColumns, numeric_columns
from pyseg.engines._recorded import RecordedMethodEngine, base_fit
from pyseg.methods import part
from pyseg.methods.pam._base import PamData, PamFit, check_distance
from pyseg.methods.pam._r import RPamEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray

ARGUMENTS = ("k", "distance")
R_FILES = ("bridge.R", "pam.R")


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


@dataclass(frozen=True)
class RecordedPamFit(PamFit):
    """A :class:`~pyseg.engines.PamFit` with the SHA-256 of the columns it was fitted on."""

    columns_sha256: str = ""


FIT_TYPE = RecordedPamFit


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


live_engine = RPamRecorder


class RecordedPamEngine(RecordedMethodEngine):
    """:class:`~pyseg.engines.RPamEngine` replaced by ``record-r --method pam`` fits."""

    method = "pam"

    def fit(self, data: PamData, k: int) -> PamFit:  # type: ignore[override]
        """The fit recorded for ``data``'s features, ``k`` and distance, on the same columns."""
        recorded = super().fit(data.X, int(k), data.distance)
        if recorded.columns_sha256 != columns_sha256(data.columns):
            raise InputError(
                f"{self.path} records R's pam k={k} distance={data.distance} on other columns "
                f"than these ({', '.join(data.columns.names)} as read): record them with "
                "`pyseg record-r --method pam` and the same --columns")
        return base_fit(recorded, PamFit)


def runs(dataset: Dataset, settings: Any, k_values: list[int]) -> list[tuple[Any, ...]]:
    # _compare replays through this module: looked up when called
    distance = part("pam", "compare").pam_data(dataset, settings.distance).distance
    return [(k, distance) for k in k_values]


def recorder(dataset: Dataset) -> RPamRecorder:
    """The live engine ``record-r`` runs: Gower on ``dataset``'s feature columns as read."""
    return RPamRecorder(part("pam", "compare").mixed_columns(dataset))
