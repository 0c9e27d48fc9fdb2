"""Embedded R and Python threads: no rpy2 object is freed on another thread while R runs.

rpy2's vectors sit in reference cycles, so Python's cyclic collector frees them, and its
``__del__`` calls R's ``R_ReleaseObject`` in whichever thread triggered the collection. During
``compare``/``elbow`` that can be the scikit-learn fit running beside R (``run_both``); R touched
from two threads at once crashed one CI run of ``elbow --method gmm`` with SIGSEGV. The bridge
(:func:`pyseg.r._bridge._r_turn`) therefore turns automatic collection off while R runs and
collects the call's own rpy2 garbage on R's thread before handing back.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

pytestmark = pytest.mark.r


@pytest.fixture
def no_automatic_collection():
    """Automatic collection off, so that only the bridge can free the call's rpy2 objects."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


def _preserved() -> int:
    from rpy2.rinterface_lib import _rinterface_capi

    return len(_rinterface_capi._R_PRESERVED)


def test_an_r_call_leaves_no_r_object_for_another_thread_to_free(
        no_automatic_collection) -> None:
    from pyseg.r import _bridge

    X = np.random.default_rng(0).normal(size=(60, 2))
    _bridge.r_call("gmm.R", "gmm_fit", X, k=2, modelName="VVV")  # loads the files once
    before = _preserved()
    for k in (2, 3):
        _bridge.r_call("gmm.R", "gmm_fit", X, k=k, modelName="VVV")
    # Without the bridge's own collection, each call left about 25 R objects that only a cyclic
    # collection (in any thread, at any time) would release.
    assert _preserved() == before


def test_no_automatic_collection_while_r_evaluates(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyseg.r import _bridge

    seen: list[bool] = []
    evaluate = _bridge._evaluate

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(_bridge, "_evaluate", watched)
    enabled = gc.isenabled()
    gc.enable()
    try:
        _bridge.r_call("bridge.R", "r_version_string")
        assert seen == [False]
        assert gc.isenabled()  # turned back on afterwards
    finally:
        if not enabled:
            gc.disable()
