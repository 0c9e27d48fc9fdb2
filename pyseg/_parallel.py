"""Where the resampling tasks of ``stability`` and ``gap`` run: in this process, on joblib's loky
workers (``--workers N``), or on a Dask cluster through joblib's dask backend (``--dask ADDRESS``
or :data:`DASK_ENV`).

A task is one piece of one language's loop (a Python refit loop, one R call) or an independent R
check; every draw is made before, in this process, so where a task runs changes nothing in its
result. Each worker process starts R once, at its first R task, and keeps it for the next ones.
A Dask worker needs what this process needs: Python with pyseg, R with its packages, and rpy2;
:func:`run_tasks` checks every worker before sending it anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pyseg._errors import InputError, PysegError, RUnavailableError
from pyseg._progress import ProgressBar

#: The environment variable naming a Dask scheduler (``--dask``'s default).
DASK_ENV = "PYSEG_DASK_SCHEDULER"
#: What to install for ``--dask``.
DASK_FIX = "pip install 'pyseg[dask]'"

Task = tuple[Callable[..., Any], tuple[Any, ...]]


def default_dask() -> str | None:
    """The scheduler address in :data:`DASK_ENV`, or None."""
    return os.environ.get(DASK_ENV) or None


def start_workers(workers: int, check: Callable[[], None], dask: str | None = None) -> None:
    """Start the ``workers`` loky processes now, each running ``check`` (which starts its R),
    so that they get ready while this process makes the draws (under load a worker takes seconds
    to import numpy and start R). :func:`run_tasks` then reuses them."""
    if dask is not None or workers <= 1:
        return
    from joblib import Parallel, delayed, parallel_config

    with parallel_config(backend="loky", n_jobs=workers, inner_max_num_threads=1):
        _starting.append(Parallel(return_as="generator_unordered", batch_size=1)(
            delayed(check)() for _ in range(workers)))


#: :func:`start_workers`' runs, which :func:`run_tasks` waits for (dropping one unfinished would
#: make joblib stop its workers).
_starting: list[Iterable[Any]] = []


def run_tasks(tasks: Sequence[Task], workers: int, bar: ProgressBar,
              dask: str | None = None,
              check: Callable[[], None] | None = None) -> list[Any]:
    """The results of ``tasks`` (``(function, args)``), in their order, one progress step each.

    Parameters
    ----------
    tasks : sequence of (callable, tuple)
    workers : int
        1: one after the other in this process; more: that many loky worker processes, while
        this process runs the first task.
    bar : ProgressBar
    dask : str, optional
        A Dask scheduler's address: the tasks run on its workers instead (``workers`` unused).
    check : callable, optional
        Run on every Dask worker first; a :class:`~pyseg._errors.PysegError` it raises there
        (R missing, say) is raised here, naming the worker.
    """
    if dask is None and workers <= 1:
        results = []
        for function, args in tasks:
            results.append(function(*args))
            bar.update()
        return results
    from joblib import Parallel, delayed, parallel_config

    calls = [delayed(function)(*args) for function, args in tasks]
    while _starting:
        list(_starting.pop())
    if dask is None:
        # every task but the first queued for the workers at once; this process, which has its
        # R already, runs the first (the longest: the independent R check) meanwhile
        with parallel_config(backend="loky", n_jobs=workers, inner_max_num_threads=1):
            rest = Parallel(return_as="generator", batch_size=1, pre_dispatch="all")(calls[1:])
            function, args = tasks[0]
            first = function(*args)
            bar.update()
            return [first, *_collect(rest, bar)]
    client = _dask_client(dask)
    try:
        _check_workers(client, check)
        with parallel_config(backend="dask", n_jobs=-1):
            return _collect(Parallel(return_as="generator", batch_size=1)(calls), bar)
    finally:
        client.close()


def _collect(results: Iterable[Any], bar: ProgressBar) -> list[Any]:
    collected = []
    for result in results:
        collected.append(result)
        bar.update()
    return collected


def _dask_client(address: str) -> Any:
    """A ``distributed.Client`` on ``address``; a one-line error when Dask is missing or the
    scheduler does not answer."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(f"--dask needs Dask's distributed scheduler: run `{DASK_FIX}`") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"--dask {address}: no Dask scheduler answers there "
                         f"({str(error).splitlines()[0] if str(error) else type(error).__name__})"
                         ) from None


def _worker_problem(check: Callable[[], None] | None) -> str | None:
    """On a Dask worker: why it cannot run pyseg's tasks, or None."""
    try:
        if check is not None:
            check()
    except PysegError as error:
        return str(error)
    return None


def _check_workers(client: Any, check: Callable[[], None] | None) -> None:
    try:
        problems = client.run(_worker_problem, check)
    except Exception as error:  # a worker without pyseg fails to unpickle the check
        raise RUnavailableError(f"a Dask worker cannot run pyseg's tasks ({error}): install "
                                "pyseg, R and rpy2 on every worker") from None
    if not problems:
        raise InputError("the Dask scheduler has no workers")
    for worker, problem in sorted(problems.items()):
        if problem is not None:
            raise RUnavailableError(f"Dask worker {worker}: {problem}")
