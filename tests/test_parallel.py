"""Where gap and bootstrap refits run (issue 21): loky workers and a Dask cluster give the same
JSON as one process, to the last bit; a Dask worker without R is one line, exit 3.

The Dask tests start a ``distributed.LocalCluster`` of 2 worker processes in this session (CI
installs the ``dask`` extra, as ``.ci/setup`` does).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.r
#: A process that has loaded R has R's LD_LIBRARY_PATH in its environment, and a Python started
#: with it loads the system's libpython, with which ``ssl`` (which Dask needs) fails to import.
CLEAN: dict[str, str | None] = {"LD_LIBRARY_PATH": None}


def _json(result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True, allow_nan=False)


@contextlib.contextmanager
def local_cluster(pyseg_env, repo, **env: str):
    """A ``LocalCluster`` of 2 worker processes, started by a Python of its own (see
    :data:`CLEAN`); yields the scheduler's address."""
    code = ("from distributed import LocalCluster\n"
            "cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, "
            "dashboard_address=None)\n"
            "print(cluster.scheduler_address, flush=True)\n"
            "import sys; sys.stdin.read(); cluster.close()\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               cwd=repo, env=pyseg_env(**CLEAN, **env))
    try:
        address = process.stdout.readline().strip()
        assert address.startswith("tcp://"), "the LocalCluster did not start"
        yield address
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def dask_cluster(pyseg_env, repo, missing_dependency):
    if importlib.util.find_spec("distributed") is None:
        missing_dependency("Dask is not installed: pip install 'pyseg[dask]'")
    with local_cluster(pyseg_env, repo) as address:
        yield address


@pytest.fixture(scope="module")
def one_process_gap(mall_like_dataset):
    from pyseg._gap import gap_statistic

    return _json(gap_statistic(mall_like_dataset, k_max=4, B=5, seed=3, starts=3, workers=1))


def test_default_workers_are_the_cores_at_most_the_resamples() -> None:
    import os

    from pyseg._parallel import cores, default_workers

    assert cores() == len(os.sched_getaffinity(0))
    assert default_workers(10_000) == cores()
    assert default_workers(1) == 1


def test_this_process_and_the_workers_share_one_queue() -> None:
    """3 workers = this process + 2 loky workers (never more processes), each task run once,
    the results in the tasks' order whoever ran them, tasks added early included."""
    import os
    import time

    from pyseg._parallel import Workers

    def slow_pid(index: int) -> tuple[int, int]:
        time.sleep(0.3)
        return index, os.getpid()

    done: list[int] = []
    with Workers(3, done=done.append) as workers:
        workers.add([(slow_pid, (i,)) for i in range(4)])  # before run: workers may start them
        results = workers.run([(slow_pid, (i,)) for i in range(4, 16)])
    assert [index for index, _ in results] == list(range(16))
    assert sorted(done) == list(range(16))
    processes = {pid for _, pid in results}
    assert os.getpid() in processes and 2 <= len(processes) <= 3


def test_a_task_failing_on_a_worker_fails_the_run() -> None:
    from pyseg._parallel import Workers

    def fail(index: int) -> None:
        if index == 5:
            raise ValueError("task 5 failed")

    with Workers(2) as workers, pytest.raises(ValueError, match="task 5 failed"):
        workers.run([(fail, (i,)) for i in range(8)])


@pytest.mark.slow
def test_both_progress_bars_count_every_fit_wherever_it_ran(mall_like_dataset,
                                                            monkeypatch) -> None:
    """Python's bar counts the B + 1 data sets, R's the same plus clusGap, also for the fits a
    loky worker ran."""
    import pyseg._stability
    from pyseg._gap import gap_statistic

    counted: dict[str, list[int]] = {}

    class Bar:
        def __init__(self, language: str, total: int) -> None:
            self.language, counted[language] = language, [total, 0]

        def update(self, n: int = 1) -> None:
            counted[self.language][1] += n

        def close(self) -> None:
            pass

    monkeypatch.setattr(pyseg._stability, "language_bars", lambda description, totals, enabled:
                        {language: Bar(language, total) for language, total in totals.items()})
    gap_statistic(mall_like_dataset, k_max=3, B=6, seed=3, starts=2, workers=2)
    assert counted == {"Python": [7, 7], "R": [8, 8]}


@pytest.mark.slow
def test_cli_default_workers_give_the_workers_1_json(run_pyseg, mall_like_csv) -> None:
    """The CLI's default (one process per core) against one process, for both commands."""
    for args in (("gap", "--k-max", "3", "--B", "4", "--starts", "2"),
                 ("stability", "--bootstrap", "4", "--k", "3", "--starts", "2")):
        default = run_pyseg(*args, "--data", str(mall_like_csv), "--json", env=CLEAN)
        one = run_pyseg(*args, "--data", str(mall_like_csv), "--json", "--workers", "1",
                        env=CLEAN)
        assert default.returncode == one.returncode == 0, default.stderr
        assert default.stdout == one.stdout


@pytest.mark.slow
def test_gap_on_two_loky_workers_is_the_same_json(mall_like_dataset, one_process_gap) -> None:
    from pyseg._gap import gap_statistic

    two = gap_statistic(mall_like_dataset, k_max=4, B=5, seed=3, starts=3, workers=2)
    assert _json(two) == one_process_gap


@pytest.mark.slow
def test_gap_on_a_dask_cluster_is_the_same_json(mall_like_dataset, one_process_gap,
                                                dask_cluster) -> None:
    from pyseg._gap import gap_statistic

    on_dask = gap_statistic(mall_like_dataset, k_max=4, B=5, seed=3, starts=3,
                            dask=dask_cluster)
    assert _json(on_dask) == one_process_gap


@pytest.mark.slow
def test_bootstrap_on_a_dask_cluster_is_the_same_json(mall_like_dataset, dask_cluster) -> None:
    from pyseg._stability import bootstrap_stability

    one = bootstrap_stability(mall_like_dataset, k=3, B=4, seed=9, starts=2, clusterboot=False)
    on_dask = bootstrap_stability(mall_like_dataset, k=3, B=4, seed=9, starts=2,
                                  clusterboot=False, dask=dask_cluster)
    assert _json(on_dask) == _json(one)


@pytest.mark.slow
def test_cli_reads_the_scheduler_from_the_environment(run_pyseg, mall_like_csv,
                                                      dask_cluster) -> None:
    args = ("gap", "--data", str(mall_like_csv), "--k-max", "3", "--B", "3", "--starts", "2",
            "--no-check", "--json")
    here = run_pyseg(*args, "--workers", "1", env=CLEAN)
    there = run_pyseg(*args, env={"PYSEG_DASK_SCHEDULER": dask_cluster, **CLEAN})
    assert here.returncode == there.returncode == 0, there.stderr
    assert here.stdout == there.stdout


@pytest.mark.slow
def test_a_dask_worker_without_r_is_one_line_exit_3(run_pyseg, mall_like_csv, pyseg_env, repo,
                                                    dask_cluster) -> None:
    with local_cluster(pyseg_env, repo, R_HOME="/nonexistent/R") as address:
        done = run_pyseg("gap", "--data", str(mall_like_csv), "--k-max", "3", "--B", "2",
                         "--dask", address, env=CLEAN)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyseg: error: Dask worker "), lines
    assert "R" in lines[0]


def test_a_dask_address_nobody_answers_is_one_line_exit_2(run_pyseg, mall_like_csv) -> None:
    done = run_pyseg("gap", "--data", str(mall_like_csv), "--k-max", "3", "--B", "2",
                     "--dask", "tcp://127.0.0.1:9", env=CLEAN)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no Dask scheduler answers" in lines[0], lines


def test_batched_refits_equal_one_by_one() -> None:
    """The numpy Lloyd and k-means++ used by the refits against the one-start versions they
    replace: scikit-learn's Lloyd from each start, and draws taken one at a time."""
    from sklearn.cluster import KMeans

    from pyseg._lloyd import kmeanspp_many, lloyd_many

    rng = np.random.default_rng(5)
    X = rng.normal(size=(150, 3)) * [1.0, 10.0, 100.0]
    starts = kmeanspp_many(X, 4, 6, np.random.default_rng(1))
    one_by_one = np.stack([kmeanspp_many(X, 4, 1, generator)[0]
                           for generator in [np.random.default_rng(1)] for _ in range(6)])
    np.testing.assert_array_equal(starts, one_by_one)
    labels, wcss, empty = lloyd_many(X, starts, 1000)
    assert not empty.any()
    for s, start in enumerate(starts):
        model = KMeans(4, init=start, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
        np.testing.assert_array_equal(labels[s], model.labels_)
        assert wcss[s] == pytest.approx(model.inertia_, rel=1e-12)


def test_batched_em_equals_scikit_learn_set_by_set(mall_like_X) -> None:
    """The gap's EM on all sets at once against GaussianMixture on each (the path it replaces)."""
    from sklearn.cluster import KMeans

    from pyseg._em import em_full_many
    from pyseg.engines._stability_python import resampler
    from pyseg.methods.gmm._compare import GmmStart

    rng = np.random.default_rng(2)
    sets = np.stack([mall_like_X, mall_like_X + rng.normal(scale=3.0, size=mall_like_X.shape)])
    fit = resampler("gmm")
    for k in (2, 4):
        starts = np.stack([KMeans(k, n_init=1, random_state=0).fit(X).labels_ for X in sets])
        iterations = np.array([7, 60])
        found = em_full_many(sets, starts, k, iterations)
        assert found is not None
        for m, X in enumerate(sets):
            expected = fit.labels(X, k, GmmStart(starts[m], int(iterations[m]) + 1))
            np.testing.assert_array_equal(found[m], expected)
