"""pyseg's float64 Gower distances against R's own ``cluster::daisy(metric = "gower")``, run by
``Rscript tests/reference/direct_pam.R`` without pyseg, and the one-line refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pyseg import InputError
from pyseg._gower import (
    MixedColumns,
    condensed,
    euclidean_distances,
    gower_distances,
    gower_scale,
    numeric_columns,
)

DIRECT_R = Path(__file__).parent / "reference" / "direct_pam.R"
COLUMNS = "Annual Income (k$),Spending Score (1-100),Age,Genre"


def course_columns(csv: Path) -> MixedColumns:
    frame = pd.read_csv(csv)
    names = COLUMNS.split(",")
    kinds = ("numeric", "numeric", "numeric", "categorical")
    values = tuple(frame[n].to_numpy(dtype=float) if kind == "numeric" else
                   frame[n].to_numpy(dtype=object) for n, kind in zip(names, kinds, strict=True))
    return MixedColumns(tuple(names), kinds, values)


def test_gower_by_hand() -> None:
    columns = MixedColumns(("x", "g"), ("numeric", "categorical"),
                           (np.array([0.0, 5.0, 10.0]), np.array(["a", "a", "b"], dtype=object)))
    D = gower_distances(columns)
    np.testing.assert_array_equal(D, [[0, 0.25, 1.0], [0.25, 0, 0.75], [1.0, 0.75, 0]])
    np.testing.assert_array_equal(condensed(D), [0.25, 1.0, 0.75])


def test_euclidean_equals_scipy_pdist(mall_like_X) -> None:
    from scipy.spatial.distance import pdist

    np.testing.assert_allclose(condensed(euclidean_distances(mall_like_X)), pdist(mall_like_X),
                               rtol=0, atol=1e-12)


def test_a_constant_gower_column_is_one_line() -> None:
    columns = numeric_columns(np.array([[1.0, 3.0], [2.0, 3.0]]), ("a", "flat"))
    with pytest.raises(InputError, match="column 'flat' has one value only") as caught:
        gower_scale(columns, "data.csv")
    assert "\n" not in str(caught.value) and "data.csv" in str(caught.value)


@pytest.mark.r
def test_gower_equals_daisy_run_by_rscript(course_csv, rscript) -> None:
    out = subprocess.run([rscript, str(DIRECT_R), str(course_csv), "5", COLUMNS, "gower",
                          "daisy"], check=True, capture_output=True, text=True).stdout
    line = next(row for row in out.splitlines() if row.startswith("daisy,"))
    daisy = np.array([float(v) for v in line.split(",")[1:]])
    ours = condensed(gower_distances(course_columns(course_csv)))
    assert ours.size == daisy.size == 19_900
    assert np.max(np.abs(ours - daisy)) <= 1e-12
