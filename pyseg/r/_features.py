"""The feature matrix in R: ``r_reference/features.R`` through rpy2, to prove that both languages
cluster the same numbers.

pyseg builds the matrix once, in Python (:mod:`pyseg._features`), and sends it to R. Two checks
show that nothing is lost on the way and that Python's scaling is R's:

- :meth:`RFeaturesEngine.as_received`: the matrix as R holds it, sent back (max |dX| = 0);
- :meth:`RFeaturesEngine.z_scale`: R's own ``scale(X)`` of the unscaled matrix, to compare with
  Python's (R's n - 1 standard deviation, not ``StandardScaler``'s n).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import pyseg.r._bridge as _rbridge

if TYPE_CHECKING:
    from numpy.typing import NDArray

_SCRIPT = "features.R"


class RFeaturesEngine:
    """R's view of the feature matrix (``as_received``) and R's ``scale()`` (``z_scale``)."""

    name = "r"

    def as_received(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """``X`` sent to R and back: the numbers R clusters."""
        value, _ = _rbridge.r_call(_SCRIPT, "as_received", np.asfortranarray(X, dtype=np.float64))
        return np.asarray(value, dtype=np.float64).reshape(X.shape, order="F")

    def z_scale(self, X: NDArray[np.float64]
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """R's ``scale(X)``: (scaled matrix, ``scaled:center``, ``scaled:scale``)."""
        value, _ = _rbridge.r_call(_SCRIPT, "z_scale", np.asfortranarray(X, dtype=np.float64))
        scaled = np.asarray(value["X"], dtype=np.float64).reshape(X.shape, order="F")
        return (scaled, np.asarray(value["center"], dtype=np.float64).reshape(-1),
                np.asarray(value["scale"], dtype=np.float64).reshape(-1))
