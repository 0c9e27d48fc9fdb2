"""R's ``kmeans`` behind the engine interface, through ``r_reference/kmeans_course.R``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyseg._engines import CourseSettings, FitResult

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

_SCRIPT = "kmeans_course.R"


class REngine:
    """The course's R K-Means, called in-process through rpy2.

    ``fit`` is, in R::

        set.seed(settings$seed)
        kmeans(X, k, iter.max = settings$max_iter, nstart = settings$n_starts)

    and ``fit_from`` is ``kmeans(X, centers = init, iter.max = max_iter, algorithm = "Lloyd")``.
    R's 1-based cluster numbers come back 0-based.
    """

    name = "r"

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        from pyseg._rbridge import r_call

        value, warnings = r_call(
            _SCRIPT,
            "course_kmeans",
            _as_r_matrix(X),
            k=int(k),
            seed=int(settings.seed),
            nstart=int(settings.n_starts),
            iter_max=int(settings.max_iter),
        )
        return self._result(value, warnings)

    def fit_from(
        self, X: NDArray[np.float64], initial_centers: NDArray[np.float64], max_iter: int
    ) -> FitResult:
        from pyseg._rbridge import r_call

        value, warnings = r_call(
            _SCRIPT,
            "lloyd_from",
            _as_r_matrix(X),
            _as_r_matrix(initial_centers),
            iter_max=int(max_iter),
        )
        return self._result(value, warnings)

    def _result(self, value: dict[str, Any], warnings: tuple[str, ...]) -> FitResult:
        import numpy as np

        centers = np.asarray(value["centers"], dtype=np.float64)
        return FitResult(
            engine=self.name,
            labels=np.asarray(value["cluster"], dtype=np.int64) - 1,
            centers=centers.reshape(centers.shape[0], -1),
            wcss=float(value["tot_withinss"][0]),
            n_iter=int(value["iter"][0]),
            warnings=warnings,
        )


def _as_r_matrix(X: NDArray[np.float64]) -> NDArray[np.float64]:
    import numpy as np

    # R stores matrices column-major; handing numpy2ri Fortran-ordered float64 lets it copy the
    # buffer as a block instead of element by element.
    return np.asfortranarray(X, dtype=np.float64)
