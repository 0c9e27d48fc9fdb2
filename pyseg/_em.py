"""EM of a Gaussian mixture with full covariances on many data sets at once, in numpy: the gap
statistic's refits (one per reference set and k).

scikit-learn's ``GaussianMixture`` costs ~10 ms per EM iteration on 200 rows (per-component
``solve_triangular`` and input checks), and the gap runs ~300 iterations per fit, 9 fits per set
(issue 21: 340 s of 378 in a Gaussian-mixture ``gap --B 10``). Here every set of one k moves
together. The steps are scikit-learn's (``_e_step``/``_m_step``, ``reg_covar = 0``): the start's
weights, means and precisions as ``weights_init``/``means_init``/``precisions_init``, then
``iterations`` rounds of E-step and M-step (``tol = 0``: no early stop), then each row's most
probable component. Rounding differs from scikit-learn's in the last bits only.

Rows lie on the last axis (sets, k, d, n) so that numpy's inner loops run over n, not d = 2;
one ``exp`` per E-step; sets sorted by iteration count, the running ones a leading slice (a view).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


def _responsibilities(Xt: NDArray[np.float64], weights: NDArray[np.float64],
                      means: NDArray[np.float64], chol: NDArray[np.float64]
                      ) -> NDArray[np.float64]:
    """E-step: responsibilities (M, k, n) of the rows ``Xt`` (M, d, n) under weights (M, k),
    means (M, k, d) and precision Choleskys ``chol`` (M, k, d, d)."""
    d = Xt.shape[1]
    chol_t = chol.swapaxes(-1, -2)
    y = chol_t @ Xt[:, None]
    y -= chol_t @ means[..., None]  # (M, k, d, n)
    log_p = np.einsum("mkdn,mkdn->mkn", y, y)
    log_p *= -0.5
    log_det = np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    log_p += (log_det + np.log(weights) - 0.5 * d * math.log(2 * math.pi))[..., None]
    log_p -= log_p.max(axis=1, keepdims=True)
    np.exp(log_p, out=log_p)
    log_p /= log_p.sum(axis=1, keepdims=True)
    return log_p


def _m_step(X: NDArray[np.float64], Xt: NDArray[np.float64], resp: NDArray[np.float64]
            ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """M-step: weights (M, k), means (M, k, d), precision Choleskys (M, k, d, d); ``X`` is
    (M, n, d), ``Xt`` the same rows as (M, d, n).

    Raises ``numpy.linalg.LinAlgError`` when a covariance is not positive definite."""
    nk = resp.sum(axis=2) + 10 * np.finfo(resp.dtype).eps
    means = resp @ X / nk[..., None]
    diff = Xt[:, None] - means[..., None]  # (M, k, d, n)
    covariances = (diff * resp[:, :, None, :]) @ diff.swapaxes(-1, -2)
    covariances /= nk[..., None, None]
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
    one_hot = np.zeros((M, k, n), dtype=np.float64)
    np.put_along_axis(one_hot, starts[:, None, :], 1.0, axis=1)
    counts = one_hot.sum(axis=2)
    if counts.min() < 2:
        return None
    order = np.argsort(-np.asarray(iterations), kind="stable")  # the longest runs first
    X, one_hot, counts, remaining = sets[order], one_hot[order], counts[order], iterations[order]
    Xt = np.ascontiguousarray(X.swapaxes(1, 2))
    # the start as pyseg hands it to scikit-learn: its M-step divided by the counts, inverted
    means = one_hot @ X / counts[..., None]
    diff = Xt[:, None] - means[..., None]
    scatter = (diff * one_hot[:, :, None, :]) @ diff.swapaxes(-1, -2)
    try:
        chol = np.linalg.cholesky(np.linalg.inv(scatter / counts[..., None, None]))
        weights = counts / n
        for step in range(int(remaining[0])):
            active = slice(0, int(np.count_nonzero(remaining > step)))
            resp = _responsibilities(Xt[active], weights[active], means[active], chol[active])
            weights[active], means[active], chol[active] = _m_step(X[active], Xt[active], resp)
    except np.linalg.LinAlgError:
        return None
    labels = np.empty((M, n), dtype=np.int64)
    labels[order] = np.argmax(_responsibilities(Xt, weights, means, chol), axis=1)
    return labels
