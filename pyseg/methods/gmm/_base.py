"""What pyseg asks of a Gaussian-mixture engine (scikit-learn's ``GaussianMixture`` in
``_python``; ``mclust::Mclust`` (course) or ``mclust::me`` from a given partition (exact) in
``_r``), and what it gives back. Log-likelihoods are totals (not per row) and BIC is mclust's
convention, ``2 logL - p log n`` (higher is better), on both sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg.methods._base import Fit, MethodEngine, check_choice

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: GaussianMixture's covariance types and mclust's model names for them.
MCLUST_MODELS: dict[str, str] = {"full": "VVV", "diag": "VVI", "spherical": "VII",
                                 "tied": "EEE"}
COVARIANCES: tuple[str, ...] = tuple(MCLUST_MODELS)
#: ``--mode`` of the GMM comparison.
GMM_MODES: tuple[str, ...] = ("course", "exact")
#: Exact mode: EM stops when the log-likelihood changes less than this (scikit-learn: per row;
#: mclust: relative), and runs at most EXACT_MAX_ITER iterations.
EXACT_TOL = 1e-12
EXACT_MAX_ITER = 100_000
#: ``set.seed`` before ``Mclust`` on more than 2,000 rows (mclust then starts from a random
#: subset of 2,000 rows).
R_SUBSET_SEED = 29


@dataclass(frozen=True)
class GmmFit(Fit):
    """One Gaussian-mixture fit (its labels: every row's most probable component).

    Attributes
    ----------
    probabilities : ndarray of shape (n, k)
        Membership probabilities (scikit-learn's ``predict_proba``, mclust's ``z``).
    loglik : float
        Total log-likelihood at the fitted parameters.
    n_parameters : int
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)
        Every component's full covariance matrix, whatever the covariance type.
    covariance : str
        scikit-learn's name (``full``...); mclust's is ``MCLUST_MODELS[covariance]``.
    mode : str
    n_iter : int or None
    converged : bool or None
    """

    engine: str
    labels: NDArray[np.int64]
    probabilities: NDArray[np.float64]
    loglik: float
    n_parameters: int
    weights: NDArray[np.float64]
    means: NDArray[np.float64]
    covariances: NDArray[np.float64]
    covariance: str
    mode: str
    n_iter: int | None = None
    converged: bool | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def n_clusters(self) -> int:
        return int(self.weights.size)

    def own_dict(self) -> dict[str, Any]:
        return json_ready({
            "loglik": self.loglik, "bic": self.bic, "n_parameters": self.n_parameters,
            "weights": self.weights, "means": self.means, "covariances": self.covariances,
            "n_iter": self.n_iter, "converged": self.converged,
            "probabilities": self.probabilities})

    @property
    def bic(self) -> float:
        """mclust's BIC: ``2 logL - p log n`` (higher is better; scikit-learn's is minus this)."""
        return 2.0 * self.loglik - self.n_parameters * float(np.log(self.labels.size))

    def permuted(self, mapping: NDArray[np.int64]) -> GmmFit:
        """This fit with component ``j`` renamed ``mapping[j]`` (labels, columns, parameters)."""
        order = np.argsort(mapping)
        return GmmFit(self.engine, mapping[self.labels], self.probabilities[:, order],
                      self.loglik, self.n_parameters, self.weights[order], self.means[order],
                      self.covariances[order], self.covariance, self.mode, self.n_iter,
                      self.converged, self.warnings)


@runtime_checkable
class GmmEngine(MethodEngine, Protocol):
    """A Gaussian mixture fitted by EM in one language."""

    def fit(self, X: NDArray[np.float64], k: int, covariance: str = "full",
            start: NDArray[np.int64] | None = None) -> GmmFit:
        """``start`` None: the library's own start (course); else EM from this partition
        (0-based labels), with :data:`EXACT_TOL` (exact)."""
        ...

    def predict(self, fit: GmmFit, new: NDArray[np.float64]) -> NDArray[np.float64]:
        """Membership probabilities of new rows under ``fit``'s parameters, shape (m, k)."""
        ...


def check_covariance(covariance: str) -> str:
    """``covariance`` if known, else one-line :class:`~pyseg.InputError`."""
    names = ", ".join(f"{name} ({model})" for name, model in MCLUST_MODELS.items())
    return check_choice("--covariance", covariance, MCLUST_MODELS, "unknown covariance type; ",
                        names, " (mclust's model names in brackets)")


def check_gmm_mode(mode: str) -> str:
    return check_choice("--mode", mode, GMM_MODES, end=" for --method gmm")


def n_gmm_parameters(k: int, d: int, covariance: str) -> int:
    """Free parameters of a k-component mixture in d dimensions (mclust's ``nMclustParams``,
    scikit-learn's ``_n_parameters``): weights, means, covariances."""
    per_cov = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k,
               "tied": d * (d + 1) // 2}[check_covariance(covariance)]
    return (k - 1) + k * d + per_cov


def partition_parameters(X: NDArray[np.float64], labels: NDArray[np.int64], k: int,
                         covariance: str) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                   NDArray[np.float64]]:
    """The M-step from a hard partition (maximum likelihood: divide by the counts): weights
    (k,), means (k, d) and the covariances in scikit-learn's shape for ``covariance``.

    This is the first step of mclust's ``me(z = unmap(partition))``; scikit-learn then gets
    these as ``weights_init``, ``means_init`` and (inverted) ``precisions_init``.
    """
    n, d = X.shape
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if counts.min() < 2:
        raise InputError(f"the starting partition has a cluster of {int(counts.min())} row(s): "
                         "no covariance can be estimated from it; use fewer components")
    means = np.vstack([X[labels == j].mean(axis=0) for j in range(k)])
    scatter = np.stack([(X[labels == j] - means[j]).T @ (X[labels == j] - means[j])
                        for j in range(k)])
    full = scatter / counts[:, None, None]
    shaped = {"full": full, "tied": scatter.sum(axis=0) / n,
              "diag": np.stack([np.diag(c) for c in full]),
              "spherical": np.array([np.trace(c) / d for c in full])}[covariance]
    return counts / n, means, shaped
