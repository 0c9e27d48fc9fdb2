"""The R worker's early request (issue 18): ``compare`` sends R's fit of any method as soon as
the data is known, and the comparison's own request collects that answer instead of asking R
again. A request that is not the early one still gets its own, right answer.

Answers are checked against R's engine in this process; the requests the parent sends are
counted at its end of the pipe (an early fit collected by an equal request is one request).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from pyseg.methods import NAMES, part
from pyseg.methods._base import MethodSettings


def test_same_request_compares_parts_by_identity_or_pickled_bytes() -> None:
    from pyseg.r._worker import _LOADED, _same_request

    X = np.arange(6, dtype=np.float64).reshape(3, 2)
    sent = ("engine_call", "RHierarchicalEngine", "fit", (X, 2, "ward"), {})
    assert _same_request(sent, ("engine_call", "RHierarchicalEngine", "fit",
                                (X.copy(), 2, "ward"), {}))
    assert not _same_request(sent, ("engine_call", "RHierarchicalEngine", "fit",
                                    (X, 3, "ward"), {}))
    assert not _same_request(sent, ("engine_call", "RHierarchicalEngine", "fit",
                                    (X + 1e-12, 2, "ward"), {}))
    assert not _same_request(("fit", _LOADED, 5), ("fit", X, 5))  # the data is not back yet
    assert _same_request(("fit", X, 5), ("fit", X, 5))
    assert not _same_request(("fit", X), ("fit", X, 5))


@pytest.fixture()
def worker(missing_dependency) -> Iterator[tuple[object, list[str]]]:
    from pyseg._errors import RUnavailableError
    from pyseg.engines import REngine, RWorkerEngine

    try:
        REngine().check_ready()
    except RUnavailableError as exc:
        missing_dependency(f"R is needed: {exc}")
    engine = RWorkerEngine()
    sent: list[str] = []
    send = engine._send

    def counting_send(*message: object) -> None:
        sent.append(str(message[0]))
        send(*message)

    engine._send = counting_send  # type: ignore[method-assign]
    try:
        yield engine, sent
    finally:
        engine.close()


@pytest.mark.r
@pytest.mark.parametrize("method", [n for n in NAMES if n != "kmeans"])
def test_an_early_fit_is_collected_by_the_comparison(method: str, worker, mall_like_dataset
                                                     ) -> None:
    engine, sent = worker
    settings = replace(MethodSettings(k=4, eps=12.0, min_points=4), r_worker=engine)
    compared = part(method, "compare")
    message = compared.r_fit_request(mall_like_dataset, settings)
    assert message is not None and message[0] == "engine_call"
    engine.start(*message)
    early = compared.run(mall_like_dataset, settings)  # the comparison asks R for the same fit
    in_process = compared.run(mall_like_dataset, replace(settings, r_worker=None))
    assert sent.count("engine_call") == 1, sent  # one fit in R, not two
    assert engine._pending is None
    assert np.array_equal(early.r.labels, in_process.r.labels)
    assert early.to_json() == in_process.to_json()


@pytest.mark.r
def test_the_course_fit_sent_early_is_collected(worker, mall_like_dataset) -> None:
    engine, sent = worker
    settings = replace(MethodSettings(), r_worker=engine)
    compared = part("kmeans", "compare")
    engine.start(*compared.r_fit_request(mall_like_dataset, settings))
    comparison = compared.run(mall_like_dataset, settings)
    assert sent == ["fit"]
    assert comparison.passed


@pytest.mark.r
def test_a_different_request_after_an_early_one_gets_its_own_answer(worker, mall_like_dataset
                                                                    ) -> None:
    from pyseg.engines import RHierarchicalEngine

    engine, sent = worker
    X = np.ascontiguousarray(mall_like_dataset.X, dtype=np.float64)
    engine.start("engine_call", "RHierarchicalEngine", "fit", (X, 5, "ward"), {})
    remote = engine.engine("RHierarchicalEngine")
    four = remote.fit(X, 4, "ward")  # not the early request: asked anew
    assert sent == ["engine_call", "engine_call"]
    assert four.n_clusters == 4
    assert np.array_equal(four.labels, RHierarchicalEngine().fit(X, 4, "ward").labels)
    assert engine.version().startswith("R version")  # the stream is in step
    assert sent == ["engine_call"] * 3  # REngine.version goes as an engine call too
