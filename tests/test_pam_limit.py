"""PAM's size limit (issue 11): past it, one error line with what the n x n distances would cost
in each language, before any fit; not an out-of-memory crash.

R's figures are measured (``benchmarks/pam_gmm.py``: peak memory of ``cluster::pam`` at 5,000 and
10,000 rows grows as n^2; ``daisy``'s Gower builds full n x n matrices and needs about twice
``dist``'s memory), not the half of Python's that ``dist``'s n(n - 1)/2 doubles alone suggest.
"""

from __future__ import annotations

import numpy as np
import pytest

from pyseg import InputError
from pyseg._data import Dataset
from pyseg.methods.pam._base import MAX_PAM_ROWS, R_BYTES_PER_PAIR, check_pam_size
from pyseg.methods.pam._compare import compare_pam


class MustNotRun:
    name = "r"

    def fit(self, data, k):
        raise AssertionError("PAM ran past its size limit")

    def check_ready(self) -> None:
        return None


def test_the_message_gives_each_language_s_memory() -> None:
    with pytest.raises(InputError) as caught:
        check_pam_size(MAX_PAM_ROWS, "big.csv")
    message = str(caught.value)
    pairs = MAX_PAM_ROWS**2 / 2**30
    assert "\n" not in message and "half in R" not in message
    assert f"{pairs * 8:.1f} GiB in Python" in message
    assert f"about {pairs * R_BYTES_PER_PAIR['euclidean']:.1f} GiB with dist" in message
    assert f"{pairs * R_BYTES_PER_PAIR['gower']:.1f} GiB with daisy's Gower" in message
    check_pam_size(MAX_PAM_ROWS - 1, "big.csv")


def test_compare_refuses_before_any_fit() -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 100, size=(MAX_PAM_ROWS, 2)).astype(np.float64)
    data = Dataset(X=X, feature_names=("income", "score"), path=None, source="big.csv",
                   sha256="0" * 64, frame=None)
    with pytest.raises(InputError, match=f"big.csv: {MAX_PAM_ROWS} rows: PAM needs"):
        compare_pam(data, 5, python_engine=MustNotRun(), r_engine=MustNotRun())


def test_below_the_row_limit_too_little_memory_is_one_line_before_any_fit() -> None:
    # 15,000 rows of Gower: 8 + 34 bytes per n^2 (both sides at once) = 8.8 GiB
    with pytest.raises(InputError) as caught:
        check_pam_size(15_000, "big.csv", "gower", memory=4 * 2**30)
    message = str(caught.value)
    assert "\n" not in message and "runs both at once (8.8 GiB with gower)" in message
    assert "4.0 GiB available" in message and "--distance euclidean" in message
    check_pam_size(15_000, "big.csv", "gower", memory=16 * 2**30)  # fits: no error
    check_pam_size(15_000, "big.csv", None, memory=1)  # no distance: the row limit only
