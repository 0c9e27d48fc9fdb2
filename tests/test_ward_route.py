"""Ward's route on larger data (issue 10, benchmarks): fastcluster on both sides from
``VECTOR_WARD_ROWS`` rows, so that a 5,000-row mall-like file compares exactly.

Measured (benchmarks/methods.py, ``pyseg synth --seed 0``): with scipy's ``linkage`` against
``hclust(dist(X), "ward.D2")`` the integer data's tied distances are merged in different orders
(5,000 rows, k = 8: agreement 0.71), and 10,000 rows take 1.7 GiB; fastcluster's
``linkage_vector`` / ``hclust.vector`` are one algorithm, equal to the last bit, in O(n) memory.
"""

from __future__ import annotations

import numpy as np
import pytest

from pyseg._data import Dataset
from pyseg._synth import generate_mall_like
from pyseg.methods.hierarchical._base import VECTOR_WARD_ROWS, use_vector_route
from pyseg.methods.hierarchical._compare import compare_hierarchical


def test_ward_takes_the_vector_route_from_5000_rows() -> None:
    assert VECTOR_WARD_ROWS == 5_000
    assert use_vector_route(5_000, "ward") and not use_vector_route(4_999, "ward")
    assert not use_vector_route(10_000, "average")


@pytest.mark.r
@pytest.mark.slow
def test_5000_mall_like_rows_compare_exactly_with_ward() -> None:
    frame = generate_mall_like(5_000, seed=0)
    X = np.ascontiguousarray(frame.iloc[:, [3, 4]].to_numpy(dtype=float))
    dataset = Dataset(X=X, feature_names=tuple(frame.columns[3:5]), path=None,
                      source="synth 5000", sha256="0" * 64, frame=None)
    for k in (5, 8):
        comparison = compare_hierarchical(dataset, k, "ward")
        assert (comparison.python.route, comparison.r.route) == ("vector", "vector")
        assert comparison.agreement.accuracy == 1.0 and comparison.max_height_diff == 0.0
        assert comparison.passed and "identical" in comparison.findings
