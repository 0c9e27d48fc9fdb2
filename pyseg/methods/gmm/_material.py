"""What the Gaussian mixture's report shows beyond the comparison: both languages' BIC per
number of components, in the comparison's mode, computed here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyseg._errors import InputError, REvaluationError, RUnavailableError
from pyseg._method_pipeline import MethodReportMaterial
from pyseg.methods.gmm._compare import gmm_bic_curve

#: The BIC chart covers k = 1..min(BIC_MAX_K, distinct rows), in the comparison's mode. Its 10
#: refits of both languages run with one BLAS thread: on the course file 0.9 s (course mode) and
#: 1.2 s (exact), against 6 s and 8.5 s with OpenBLAS's threads on two busy cores (a 200 x 2
#: matrix gains nothing from threads; the numbers are the same bits).
BIC_MAX_K = 10


def material(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    """The BIC per k, or why there is none."""
    from threadpoolctl import threadpool_limits

    if r_results is not None:
        return MethodReportMaterial(notes=(
            f"No BIC-per-k chart: R's side was replayed from {r_results}, which holds the fit "
            "at this k only (drop --r-results to draw it).",))
    distinct = int(np.unique(np.asarray(comparison.dataset.X), axis=0).shape[0])
    ks = tuple(range(1, min(BIC_MAX_K, distinct) + 1))
    try:
        with threadpool_limits(1, user_api="blas"):
            curve = gmm_bic_curve(comparison.dataset, ks, comparison.covariance,
                                  mode=comparison.mode)
    except (InputError, REvaluationError, RUnavailableError) as exc:
        return MethodReportMaterial(notes=(f"No BIC-per-k chart: {exc}",))
    return MethodReportMaterial(bic=curve)
