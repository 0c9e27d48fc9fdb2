"""K-Means in R, in this process: the course's R code in ``r_reference/*.R`` through rpy2
(:mod:`pyseg.methods._r`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import pyseg.r._bridge as _rbridge
from pyseg._course import ELBOW_MAX_ITER, R_ELBOW_SEED, CourseSettings
from pyseg.methods._r import RMethodEngine, from_r_index, require_package
from pyseg.methods.kmeans._base import ElbowFits, FitResult, Silhouette, silhouette_defined

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

_ELBOW = "elbow.R"


class REngine(RMethodEngine):
    """The course's R K-Means, called in this process through rpy2.

    ``fit`` is, in R::

        set.seed(settings$seed)
        kmeans(X, k, iter.max = settings$max_iter, nstart = settings$n_starts)

    and ``fit_from`` is ``kmeans(X, centers = init, iter.max = max_iter, algorithm = "Lloyd")``.
    R's 1-based cluster numbers come back 0-based. Python: :class:`~pyseg.engines.SklearnEngine`.
    """

    SCRIPT = "kmeans_course.R"
    PACKAGE = ("cluster", "silhouettes and clusplot")

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        value, warnings = self.call("course_kmeans", _as_r_matrix(X), k=int(k),
                                    seed=int(settings.seed), nstart=int(settings.n_starts),
                                    iter_max=int(settings.max_iter))
        return _fit_result(value, warnings)

    def fit_from(self, X: NDArray[np.float64], initial_centers: NDArray[np.float64],
                 max_iter: int) -> FitResult:
        value, warnings = self.call("lloyd_from", _as_r_matrix(X), _as_r_matrix(initial_centers),
                                    iter_max=int(max_iter))
        return _fit_result(value, warnings)

    def elbow(self, X: NDArray[np.float64], k_values: tuple[int, ...], mode: str,
              starts: int) -> ElbowFits:
        """``course_elbow`` (``set.seed(6)`` once, one start per k) or ``matched_elbow``
        (``set.seed(6); kmeans(X, k, nstart = starts)`` per k) of ``r_reference/elbow.R``."""
        X = np.asarray(X, dtype=np.float64)
        if mode == "course":
            # The course seeds once and loops from k = 1, so each k's random draw depends on the
            # k before it: run the whole loop up to the largest k and pick the requested ones.
            value, warnings = _rbridge.r_call(_ELBOW, "course_elbow", X, max(k_values),
                                              R_ELBOW_SEED)
            columns = [k - 1 for k in k_values]
        else:
            value, warnings = _rbridge.r_call(_ELBOW, "matched_elbow", X,
                                              np.asarray(k_values, dtype=np.int64), R_ELBOW_SEED,
                                              starts, ELBOW_MAX_ITER)
            columns = list(range(len(k_values)))
        wcss = np.asarray(value["wcss"], dtype=np.float64)[columns]
        clusters = np.asarray(value["clusters"], dtype=np.int64).reshape(X.shape[0], -1)
        return ElbowFits(tuple(k_values), wcss, clusters[:, columns] - 1, warnings)

    def silhouette(self, X: NDArray[np.float64], labels: ArrayLike) -> Silhouette | None:
        """``cluster::silhouette(labels, dist(X))``; Python: ``silhouette_samples``."""
        labels = np.asarray(labels, dtype=np.int64)
        if not silhouette_defined(labels):
            return None
        self.check_ready(silhouette=True)
        value, _ = _rbridge.r_call(_ELBOW, "silhouette_widths", np.asarray(X, dtype=np.float64),
                                   labels)
        widths = np.asarray(value["widths"], dtype=np.float64)
        return Silhouette(widths=widths, mean=float(np.asarray(value["mean"])[0]))

    def nearest_center(
        self, X: NDArray[np.float64], centers: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """``predict_nearest`` of ``r_reference/predict.R`` (0-based index, distance)."""
        value, _ = _rbridge.r_call("predict.R", "predict_nearest",
                                   np.ascontiguousarray(X, dtype=np.float64),
                                   np.ascontiguousarray(centers, dtype=np.float64))
        index = from_r_index(value["index"])
        distance = np.asarray(value["distance"], dtype=np.float64).reshape(-1)
        return index, distance

    def check_ready(self, silhouette: bool = False) -> None:
        """Load R; with ``silhouette``, also check R's ``cluster`` package (silhouette, clusplot).

        Raises
        ------
        RUnavailableError
            R, rpy2 or ``cluster`` is missing; the message holds the fix.
        """
        if silhouette:
            require_package(_ELBOW, *self.PACKAGE)
        else:
            _rbridge.r_version()

    # -- R only ------------------------------------------------------------------------------

    def clusplot_png(self, X: NDArray[np.float64], labels: ArrayLike,
                     title: str = "Clusters of customers", width: int = 900, height: int = 700,
                     key: Sequence[str] = ()) -> bytes:
        """The course's R plot, ``cluster::clusplot``, drawn by R into a PNG; its bytes.

        clusplot plots the first two principal components of ``X`` (for two features a centring
        and rotation of the data), so its axes are labelled as components. Each cluster's ellipse
        is labelled with its 0-based label, pyseg's segment number; ``key`` (one text per
        cluster, e.g. ``"0 Sensible"``) is drawn under the plot, which makes the PNG taller than
        ``height``.
        """
        self.check_ready(silhouette=True)
        with tempfile.TemporaryDirectory(prefix="pyseg-clusplot-") as folder:
            path = Path(folder) / "clusplot.png"
            # The path, title and key go to R as character vectors (data), never into R source.
            _rbridge.r_call(_ELBOW, "course_clusplot", np.asfortranarray(X, dtype=np.float64),
                            np.asarray(labels, dtype=np.int64), np.asarray([str(path)]),
                            main=np.asarray([title]), xlab=np.asarray(["Component 1"]),
                            ylab=np.asarray(["Component 2"]), width=width, height=height,
                            key=np.asarray([str(text) for text in key], dtype=str))
            return path.read_bytes()

    def provenance(self) -> dict[str, Any]:
        """The R session's facts (:func:`pyseg.r._bridge.provenance`)."""
        return _rbridge.provenance()

    def package_versions(self, packages: Sequence[str]) -> dict[str, str | None]:
        """As :func:`pyseg.r._bridge.package_versions`."""
        return _rbridge.package_versions(packages)


def _fit_result(value: dict[str, Any], warnings: tuple[str, ...]) -> FitResult:
    centers = np.asarray(value["centers"], dtype=np.float64)
    return FitResult(engine="r", labels=from_r_index(value["cluster"]),
                     centers=centers.reshape(centers.shape[0], -1),
                     wcss=float(value["tot_withinss"][0]), n_iter=int(value["iter"][0]),
                     warnings=warnings)


def _as_r_matrix(X: NDArray[np.float64]) -> NDArray[np.float64]:
    # R stores matrices column-major; handing numpy2ri Fortran-ordered float64 lets it copy the
    # buffer as a block instead of element by element.
    return np.asfortranarray(X, dtype=np.float64)
