"""EM of a Gaussian mixture with full covariances on many data sets at once, in numpy: the gap
statistic's refits (one per reference set and k).

scikit-learn's ``GaussianMixture`` costs ~10 ms per EM iteration on 200 rows (per-component
``solve_triangular`` and input checks), and the gap runs ~300 iterations per fit, 9 fits per set
(issue 21: 340 s of 378 in a Gaussian-mixture ``gap --B 10``). Here every set of one k moves
together. The steps are scikit-learn's (``_e_step``/``_m_step``, ``reg_covar = 0``): the start's
weights, means and precisions as ``weights_init``/``means_init``/``precisions_init``, then
``iterations`` rounds of E-step and M-step (``tol = 0``: no early stop), then each row's most
probable component. Rounding differs from scikit-learn's in the last bits only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


def _log_resp(X: NDArray[np.float64], weights: NDArray[np.float64], means: NDArray[np.float64],
              chol: NDArray[np.float64]) -> NDArray[np.float64]:
    """scikit-learn's E-step: log responsibilities (M, n, k) from precision Choleskys ``chol``."""
    d = X.shape[-1]
    y = X[:, None] @ chol - (means[:, :, None, :] @ chol)  # (M, k, n, d)
    log_det = np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    log_prob = -0.5 * (d * math.log(2 * math.pi) + (y ** 2).sum(axis=-1)) + log_det[..., None]
    weighted = log_prob.transpose(0, 2, 1) + np.log(weights)[:, None, :]
    top = weighted.max(axis=2, keepdims=True)
    norm = np.log(np.exp(weighted - top).sum(axis=2, keepdims=True)) + top
    return weighted - norm


def _m_step(X: NDArray[np.float64], resp: NDArray[np.float64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """scikit-learn's M-step: weights (M, k), means (M, k, d), precision Choleskys (M, k, d, d).

    Raises ``numpy.linalg.LinAlgError`` when a covariance is not positive definite."""
    nk = resp.sum(axis=1) + 10 * np.finfo(resp.dtype).eps
    means = resp.transpose(0, 2, 1) @ X / nk[..., None]
    diff = X[:, None] - means[:, :, None, :]  # (M, k, n, d)
    weighted = diff * resp.transpose(0, 2, 1)[..., None]
    covariances = weighted.swapaxes(-1, -2) @ diff / nk[..., None, None]
    chol = np.linalg.inv(np.linalg.cholesky(covariances)).swapaxes(-1, -2)
    return nk / nk.sum(axis=1, keepdims=True), means, chol


def em_full_many(sets: NDArray[np.float64], starts: NDArray[np.int64], k: int,
                 iterations: NDArray[np.int64]) -> NDArray[np.int64] | None:
    """Each row's most probable component after EM from a partition, on every set at once.

    Parameters
    ----------
    sets : ndarray of shape (M, n, d)
    starts : ndarray of shape (M, n)
        Each set's starting partition (0-based, every cluster of >= 2 rows).
    k : int
    iterations : ndarray of shape (M,)
        EM iterations per set (scikit-learn's ``max_iter``).

    Returns
    -------
    ndarray of shape (M, n), or None
        None when a start has a cluster of fewer than 2 rows or a covariance stops being
        positive definite: the caller then fits set by set, which says what went wrong.
    """
    M, n, _ = sets.shape
    one_hot = np.zeros((M, n, k), dtype=np.float64)
    np.put_along_axis(one_hot, starts[..., None], 1.0, axis=2)
    counts = one_hot.sum(axis=1)
    if counts.min() < 2:
        return None
    # the start as pyseg hands it to scikit-learn: its M-step divided by the counts, inverted
    means = one_hot.transpose(0, 2, 1) @ sets / counts[..., None]
    diff = sets[:, None] - means[:, :, None, :]
    scatter = (diff * one_hot.transpose(0, 2, 1)[..., None]).swapaxes(-1, -2) @ diff
    try:
        chol = np.linalg.cholesky(np.linalg.inv(scatter / counts[..., None, None]))
        weights = counts / n
        for step in range(int(iterations.max())):
            active = np.flatnonzero(iterations > step)
            X = sets[active]
            resp = np.exp(_log_resp(X, weights[active], means[active], chol[active]))
            weights[active], means[active], chol[active] = _m_step(X, resp)
    except np.linalg.LinAlgError:
        return None
    return np.argmax(np.exp(_log_resp(sets, weights, means, chol)), axis=2).astype(np.int64)
