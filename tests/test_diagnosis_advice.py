"""The diagnosis of a failed course-mode parity advises more starts than the run used (issue 14,
item 11: it advised ``--starts 50`` to a run that already used 50)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest


class _WorseOptimumR:
    """An R side that always answers one fixed, worse partition: rows split by income only."""

    name = "r"

    def fit(self, X, k, settings):
        from pyseg.engines import FitResult

        edges = np.quantile(X[:, 0], np.linspace(0, 1, k + 1)[1:-1])
        labels = np.searchsorted(edges, X[:, 0], side="right").astype(np.int64)
        centers = np.array([X[labels == j].mean(axis=0) for j in range(k)])
        wcss = float(((X - centers[labels]) ** 2).sum())
        return FitResult("r", labels, centers, wcss, 1)

    def version(self):
        return "stub"


@pytest.mark.parametrize("starts", [10, 50])
def test_advice_asks_for_more_starts_than_were_used(mall_like_dataset, starts):
    from pyseg import compare
    from pyseg._course import PYTHON_COURSE, R_COURSE

    result = compare(
        mall_like_dataset, 5, r_engine=_WorseOptimumR(),
        python_settings=replace(PYTHON_COURSE, n_starts=starts),
        r_settings=replace(R_COURSE, n_starts=starts),
    )
    assert not result.passed
    advice = [note for note in result.diagnosis if "To make them agree" in note]
    assert len(advice) == 1
    assert f"--starts {5 * starts}" in advice[0]
    assert f"than the {starts} this run used" in advice[0]
