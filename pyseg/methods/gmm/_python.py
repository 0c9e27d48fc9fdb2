"""Gaussian mixtures in Python: scikit-learn's ``GaussianMixture``.

Course mode is scikit-learn's own call, ``GaussianMixture(n_components=k, covariance_type=...,
random_state=42)`` (k-means start, ``tol=1e-3``, ``reg_covar=1e-6``). Exact mode starts from a
given partition, as mclust's ``me(z = unmap(partition))`` does: the M-step of that partition
(:func:`~pyseg.methods.gmm._base.partition_parameters`) becomes ``weights_init``,
``means_init`` and ``precisions_init``; ``reg_covar=0`` (mclust adds nothing to the
covariances) and ``tol=1e-12`` on the per-row log-likelihood.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import PYTHON_COURSE
from pyseg.methods._base import PythonEngine
from pyseg.methods.gmm._base import (
    EXACT_MAX_ITER,
    EXACT_TOL,
    GmmFit,
    check_covariance,
    n_gmm_parameters,
    partition_parameters,
)
from pyseg.methods.kmeans._python import one_thread

if TYPE_CHECKING:
    from numpy.typing import NDArray


def full_covariances(model: Any, k: int, d: int) -> NDArray[np.float64]:
    """A fitted GaussianMixture's covariances as k full d x d matrices."""
    cov = np.asarray(model.covariances_, dtype=np.float64)
    kind = model.covariance_type
    if kind == "full":
        return cov.copy()
    if kind == "tied":
        return np.repeat(cov[None], k, axis=0)
    if kind == "diag":
        return np.stack([np.diag(c) for c in cov])
    return np.stack([np.eye(d) * c for c in cov])


def _precisions(covariances: NDArray[np.float64], covariance: str) -> NDArray[np.float64]:
    return np.asarray(np.linalg.inv(covariances) if covariance in ("full", "tied")
                      else 1.0 / covariances, dtype=np.float64)


class SklearnGmmEngine(PythonEngine):
    """scikit-learn's ``GaussianMixture``.

    Parameters
    ----------
    seed : int, default=42
        ``random_state`` of course mode (the course's Python seed).
    """

    def __init__(self, seed: int = PYTHON_COURSE.seed) -> None:
        self.seed = seed

    def model(self, X: NDArray[np.float64], k: int, covariance: str = "full",
              start: NDArray[np.int64] | None = None, tol: float = EXACT_TOL,
              max_iter: int = EXACT_MAX_ITER) -> Any:
        """The fitted ``GaussianMixture`` (from ``start``: EM to ``tol`` or ``max_iter``)."""
        from sklearn.mixture import GaussianMixture

        check_covariance(covariance)
        if start is None:
            return GaussianMixture(n_components=k, covariance_type=covariance,
                                   random_state=self.seed).fit(X)
        weights, means, covariances = partition_parameters(X, np.asarray(start), k, covariance)
        return GaussianMixture(
            n_components=k, covariance_type=covariance, weights_init=weights, means_init=means,
            precisions_init=_precisions(covariances, covariance), reg_covar=0.0, tol=tol,
            max_iter=max_iter).fit(X)

    def fit(self, X: NDArray[np.float64], k: int, covariance: str = "full",
            start: NDArray[np.int64] | None = None) -> GmmFit:
        import warnings as warning_filter

        X = np.ascontiguousarray(X, dtype=np.float64)
        # One BLAS thread: on a small matrix OpenBLAS's threads only wait for each other (10
        # course-file fits: 4.4 s with them, 0.18 s without, the same bits), and one thread makes
        # the same inputs give the same bits on every machine (see one_thread).
        with warning_filter.catch_warnings(record=True) as caught, one_thread():
            warning_filter.simplefilter("always")
            model = self.model(X, k, covariance, start)
            probabilities = model.predict_proba(X)
            loglik = float(model.score(X)) * X.shape[0]
        return GmmFit(
            engine=self.name, labels=np.argmax(probabilities, axis=1).astype(np.int64),
            probabilities=probabilities, loglik=loglik,
            n_parameters=n_gmm_parameters(k, X.shape[1], covariance),
            weights=np.asarray(model.weights_, dtype=np.float64),
            means=np.asarray(model.means_, dtype=np.float64),
            covariances=full_covariances(model, k, X.shape[1]), covariance=covariance,
            mode="course" if start is None else "exact", n_iter=int(model.n_iter_),
            converged=bool(model.converged_),
            warnings=tuple(dict.fromkeys(str(w.message).splitlines()[0] for w in caught)))

    def predict(self, fit: GmmFit, new: NDArray[np.float64]) -> NDArray[np.float64]:
        """``predict_proba`` of a GaussianMixture holding ``fit``'s parameters."""
        from sklearn.mixture import GaussianMixture

        model = GaussianMixture(n_components=fit.weights.size, covariance_type="full")
        model.weights_, model.means_ = fit.weights, fit.means
        model.covariances_ = fit.covariances
        model.precisions_cholesky_ = np.stack(
            [np.linalg.cholesky(np.linalg.inv(c)) for c in fit.covariances])
        return model.predict_proba(np.asarray(new, dtype=np.float64))
