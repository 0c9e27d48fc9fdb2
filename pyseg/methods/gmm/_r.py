"""Gaussian mixtures in R, in this process: ``mclust`` in ``r_reference/gmm.R`` through rpy2.

Course mode is ``mclust::Mclust(X, G = k, modelNames = "VVV")`` (or VVI, VII, EEE for diag,
spherical, tied), which starts from mclust's own ``hc()`` partition. Exact mode is
``mclust::me(data = X, modelName, z = unmap(partition))`` with ``tol = 1e-12``: EM from the
partition both languages are given. :meth:`RGmmEngine.start` is mclust's own starting partition
(``hclass(hc(X), k)``), the one exact mode hands to both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyseg.methods._r import RMethodEngine, from_r_index
from pyseg.methods.gmm._base import (
    EXACT_MAX_ITER,
    EXACT_TOL,
    MCLUST_MODELS,
    R_SUBSET_SEED,
    GmmFit,
    check_covariance,
    n_gmm_parameters,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


class RGmmEngine(RMethodEngine):
    """R's ``mclust`` (``Mclust``, or ``me`` from a partition), called in this process."""

    SCRIPT = "gmm.R"
    PACKAGE = ("mclust", "--method gmm")

    def start(self, X: NDArray[np.float64], k: int, covariance: str = "full"
              ) -> NDArray[np.int64]:
        """mclust's starting partition for k components (0-based labels)."""
        self.check_ready()
        value, _ = self.call("gmm_start", np.asfortranarray(X, dtype=np.float64), k=int(k),
                             modelName=MCLUST_MODELS[check_covariance(covariance)],
                             seed=R_SUBSET_SEED)
        return from_r_index(value)

    def fit(self, X: NDArray[np.float64], k: int, covariance: str = "full",
            start: NDArray[np.int64] | None = None) -> GmmFit:
        self.check_ready()
        model = MCLUST_MODELS[check_covariance(covariance)]
        X = np.asfortranarray(X, dtype=np.float64)
        partition = (np.zeros(0, dtype=np.int32) if start is None else
                     np.asarray(start, dtype=np.int32) + 1)
        value, warnings = self.call("gmm_fit", X, k=int(k), modelName=model, start=partition,
                                    tol=EXACT_TOL, itmax=EXACT_MAX_ITER, seed=R_SUBSET_SEED)
        n, d = X.shape
        z = np.asarray(value["z"], dtype=np.float64).reshape(n, k)
        sigma = np.asarray(value["sigma"], dtype=np.float64).reshape((d, d, k), order="F")
        iterations = np.asarray(value["iterations"]).reshape(-1)
        return GmmFit(
            engine=self.name, labels=np.argmax(z, axis=1).astype(np.int64), probabilities=z,
            loglik=float(np.asarray(value["loglik"]).reshape(-1)[0]),
            n_parameters=n_gmm_parameters(k, d, covariance),
            weights=np.asarray(value["pro"], dtype=np.float64).reshape(-1),
            means=np.asarray(value["mean"], dtype=np.float64).reshape(k, d),
            covariances=np.ascontiguousarray(np.moveaxis(sigma, 2, 0)), covariance=covariance,
            mode="course" if start is None else "exact",
            n_iter=None if start is None else int(iterations[0]), warnings=warnings)

    def predict(self, fit: GmmFit, new: NDArray[np.float64]) -> NDArray[np.float64]:
        """``predict.Mclust``'s ``z`` for new rows, under ``fit``'s parameters."""
        self.check_ready()
        new = np.asfortranarray(new, dtype=np.float64)
        k = fit.means.shape[0]
        sigma = np.asfortranarray(np.moveaxis(fit.covariances, 0, 2)).reshape(-1, order="F")
        value, _ = self.call("gmm_predict", new, MCLUST_MODELS[fit.covariance],
                             np.asarray(fit.weights, dtype=np.float64),
                             np.asarray(fit.means, dtype=np.float64), sigma)
        return np.asarray(value, dtype=np.float64).reshape(new.shape[0], k)
