"""Gaussian mixtures in ``pyseg stability --bootstrap`` and ``pyseg gap``: EM from mclust's start.

Both languages run EM from the same starting partition, mclust's ``hclass(hc(X), k)``, which R
computes once for the original data and every resample (or every data set and k) and pyseg hands
to both sides, as ``compare --method gmm --mode exact`` does: scikit-learn's ``GaussianMixture``
from that partition's M-step, no covariance regularisation (R: ``mclust::me``). The most probable
component of each row (ties: the first) is its cluster. The two libraries stop EM by different
rules (scikit-learn: the change of the mean log-likelihood; mclust: the relative change of the
total), and a slowly converging fit stopped one or seven steps apart leaves parameters ~1e-6
apart, enough to move a row lying on a boundary (seen once in 77 fits of the course file's gap).
So the iteration count is shared too: R reports how many iterations ``me`` took from the start
to ``tol = 1e-12`` (:class:`GmmStart`), and scikit-learn runs exactly as many (``max_iter`` one
fewer, ``tol=0``: its count leaves out the M-step of the start, which ``me`` counts; measured:
the parameters then agree to 4e-14). clusterboot's check is noisemclustCBI (``nnk = 0``);
clusGap's own FUNcluster is ``Mclust(x, G = k)$classification``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError
from pyseg.engines._stability_python import Resampler
from pyseg.engines._stability_r import index_table
from pyseg.methods.gmm._base import MCLUST_MODELS, R_SUBSET_SEED, check_covariance
from pyseg.methods.gmm._python import SklearnGmmEngine
from pyseg.methods.kmeans._python import one_thread

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg.engines._stability_r import RResampleEngine


@dataclass(frozen=True)
class GmmStart:
    """What both languages' EM share for one Gaussian-mixture refit.

    Attributes
    ----------
    partition : ndarray of shape (n,), dtype int64
        mclust's starting partition ``hclass(hc(X), k)``, 0-based.
    iterations : int
        The EM iterations ``mclust::me`` took from it to ``tol = 1e-12`` (its count includes
        the M-step of the start).
    """

    partition: NDArray[np.int64]
    iterations: int


class Resample(Resampler):
    """EM (``covariance``) from mclust's start of each resample or data set."""

    r_package = ("gmm.R", "mclust_available", "mclust")
    draws_from_r = True

    def check_settings(self) -> None:
        check_covariance(self.covariance)

    def bootstrap_draws(self, X: NDArray[np.float64], k: int, rows: Sequence[NDArray[np.int64]],
                        rng: np.random.Generator, r_engine: RResampleEngine) -> list[GmmStart]:
        """mclust's start of the original data and of every resample and the EM iterations
        ``me`` takes from it, in one R call: B + 1 starts ([0] the original data's)."""
        table, lengths = index_table(X.shape[0], rows)
        value = r_engine.call("stability.R", "gmm_bootstrap_starts", np.asfortranarray(X), int(k),
                              table, lengths,
                              modelName=MCLUST_MODELS[self.covariance], seed=R_SUBSET_SEED)
        starts = np.asarray(value["starts"], dtype=np.int64).reshape(
            (X.shape[0], len(rows) + 1), order="F") - 1
        iterations = np.asarray(value["iterations"]).reshape(-1).astype(np.int64)
        sizes = [X.shape[0], *(r.size for r in rows)]
        return [GmmStart(starts[:size, b].copy(), int(iterations[b]))
                for b, size in enumerate(sizes)]

    def gap_draws(self, sets: NDArray[np.float64], k_max: int, rng: np.random.Generator,
                  r_engine: RResampleEngine) -> list[list[GmmStart]]:
        """mclust's starts for k = 2..k_max of every data set in ``sets`` (M, n, d) and the EM
        iterations ``me`` takes from each, in one R call: ``[m][k - 2]``."""
        M, n, _d = sets.shape
        value = r_engine.call("gap.R", "gmm_gap_starts",
                              np.asfortranarray(sets.transpose(1, 2, 0)), int(k_max),
                              modelName=MCLUST_MODELS[self.covariance], seed=R_SUBSET_SEED)
        starts = np.asarray(value["starts"], dtype=np.int64).reshape((n, k_max - 1, M),
                                                                     order="F") - 1
        iterations = np.asarray(value["iterations"], dtype=np.int64).reshape(
            (k_max - 1, M), order="F")
        return [[GmmStart(starts[:, j, m].copy(), int(iterations[j, m]))
                 for j in range(k_max - 1)] for m in range(M)]

    def labels(self, X: NDArray[np.float64], k: int, draw: GmmStart) -> NDArray[np.int64]:
        """EM from ``draw.partition`` for ``draw.iterations`` mclust iterations; each row's most
        probable component.

        Raises
        ------
        InputError
            The mixture cannot be fitted (a start cluster of one row, a singular covariance).
        """
        with one_thread():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # tol=0: scikit-learn warns it did not converge
                    model = SklearnGmmEngine().model(X, k, self.covariance, draw.partition,
                                                     tol=0.0, max_iter=max(1, draw.iterations - 1))
            except ValueError as error:
                raise InputError(f"scikit-learn's EM failed on {X.shape[0]} rows with {k} "
                                 f"components ({str(error).splitlines()[0]}): use a smaller k"
                                 ) from None
            return np.argmax(model.predict_proba(X), axis=1).astype(np.int64)

    def r_draws(self, draws: Sequence[Any] | None, n: int) -> dict[str, Any]:
        assert draws is not None
        table = np.zeros((n, len(draws)), dtype=np.int64)
        for b, start in enumerate(draws):
            table[:start.partition.size, b] = start.partition + 1
        return {"partitions": np.asfortranarray(table)}

    def r_gap_draws(self, draws: Sequence[Any] | None) -> dict[str, Any]:
        assert draws is not None
        return {"partitions": np.asfortranarray(np.stack(
            [[start.partition + 1 for start in row] for row in draws]).transpose(2, 1, 0))}

    def r_options(self) -> dict[str, Any]:
        return {"model": MCLUST_MODELS[self.covariance]}

    def json_keys(self) -> dict[str, Any]:
        return {"covariance": self.covariance}

    def method_text(self, k: int) -> str:
        return (f"Gaussian mixture k = {k} ({self.covariance}, mclust "
                f"{MCLUST_MODELS[self.covariance]}), EM from mclust's hclass(hc(X), k) start of "
                "each resample for mclust's iteration count, both shared")

    def clusterboot_call(self, k: int, B: int, seed: int) -> str:
        return (f"fpc::clusterboot(X, B = {B}, bootmethod = 'boot', clustermethod = "
                f"noisemclustCBI, G = {k}, modelNames = '{MCLUST_MODELS[self.covariance]}', "
                f"nnk = 0, seed = {seed})")

    def clusgap_function(self) -> str:
        return (f"function(x, k) list(cluster = mclust::Mclust(x, G = k, modelNames = "
                f"'{MCLUST_MODELS[self.covariance]}')$classification)")

    def gap_draws_text(self) -> str:
        return ("the same starting partition per fit (mclust's hclass(hc(X), k), computed by R), "
                "from which both run EM for as many iterations as mclust's me takes to tol 1e-12")
