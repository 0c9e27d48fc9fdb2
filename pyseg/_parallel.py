"""Where the resampling tasks of ``stability`` and ``gap`` run: in this process, on joblib's loky
workers (``--workers N``), or on a Dask cluster through joblib's dask backend (``--dask ADDRESS``
or :data:`DASK_ENV`).

A task is one piece of one language's loop (a Python refit loop, one R call) or an independent R
check; every draw is made before, in this process, so where a task runs changes nothing in its
result. Each worker process starts R once, before the draws are made, and keeps it for the
next tasks. A Dask worker needs what this process needs: Python with pyseg, R with its packages,
and rpy2; :class:`Workers` checks every Dask worker before sending it anything.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from pyseg._errors import InputError, PysegError, RUnavailableError

#: The environment variable naming a Dask scheduler (``--dask``'s default).
DASK_ENV = "PYSEG_DASK_SCHEDULER"
#: What to install for ``--dask``.
DASK_FIX = "pip install 'pyseg[dask]'"

#: A task: a function and its arguments.
Task = tuple[Callable[..., Any], tuple[Any, ...]]


def default_dask() -> str | None:
    """The scheduler address in :data:`DASK_ENV`, or None."""
    return os.environ.get(DASK_ENV) or None


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(count: int) -> int:
    """``--workers``' default: :func:`cores`, at most ``count`` (the resamples: more processes
    than resamples would have nothing to do)."""
    return max(1, min(cores(), count))


def _nothing() -> None:
    """The start of a worker that has nothing to prepare."""


#: A loky worker's environment: one thread per library, since the worker shares the cores with
#: this process and the other workers (what joblib's ``inner_max_num_threads=1`` sets).
ONE_THREAD = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                            "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                            "NUMEXPR_NUM_THREADS"), "1")


class Workers:
    """``workers`` processes sharing one queue of tasks: this one and ``workers - 1`` workers of
    joblib's loky executor (not ``workers`` more: this process has its R already, and would
    otherwise wait idle beside them), or the Dask scheduler at ``dask``.

    The loky workers start when this object is made, each running ``ready`` (start R, import the
    Python side). Tasks join the queue by :meth:`add` (a task that needs no draws can start on a
    worker while this process draws) and :meth:`run`, which this process then helps to empty:
    each process takes the next task when done with its last, so that every core stays busy
    whatever a task costs. ``done(i)`` is called once task i (counted from 0 over all added) has
    run, wherever. Use as a context manager.
    """

    def __init__(self, workers: int, ready: Callable[[], None] = _nothing,
                 dask: str | None = None,
                 done: Callable[[int], None] = lambda index: None) -> None:
        self.workers, self.ready, self.dask, self._done = workers, ready, dask, done
        self._queue: deque[tuple[int, Task]] = deque()
        self._changed = threading.Condition(threading.RLock())
        #: Tasks added, tasks on a worker now (not counting a worker's start), idle workers,
        #: results, errors.
        self._count = self._away = self._idle = 0
        self._results: dict[int, Any] = {}
        self._errors: list[BaseException] = []
        self._executor: Any = None
        if dask is None and workers > 1:
            # joblib's own loky executor, the one its loky backend uses (a joblib.Parallel of
            # workers - 1 = 1 job would run in this process instead)
            from joblib.externals.loky import get_reusable_executor

            try:
                self._executor = get_reusable_executor(max_workers=workers - 1, env=ONE_THREAD)
                with self._changed:
                    for _ in range(workers - 1):
                        self._submit(None, ready, ())
            except (AttributeError, OSError):
                # no process could start (e.g. AttributeError: this Python runs on another
                # build's libpython, as under R's LD_LIBRARY_PATH): this process runs every
                # task, with the same results
                self._executor, self._away = None, 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self._queue.clear()  # on an error: the workers finish their task and stop there

    def _submit(self, index: int | None, function: Callable[..., Any],
                args: tuple[Any, ...]) -> None:
        self._away += index is not None  # a worker's start is not waited for
        future = self._executor.submit(function, *args)
        future.add_done_callback(functools.partial(self._finished, index))

    def _finished(self, index: int | None, future: Any) -> None:
        """A worker's task ended (in loky's thread): keep its result, give the worker the next
        task."""
        with self._changed:
            self._away -= index is not None
            error = future.exception()
            if error is not None:
                self._errors.append(error)
                self._queue.clear()
            elif index is not None:
                self._results[index] = future.result()
                self._done(index)
            if self._queue:
                self._submit(*self._take())
            else:
                self._idle += 1
            self._changed.notify_all()

    def _take(self) -> tuple[int, Callable[..., Any], tuple[Any, ...]]:
        index, (function, args) = self._queue.popleft()
        return index, function, args

    def add(self, tasks: Sequence[Task]) -> None:
        """Queue ``tasks`` (``(function, args)``, the costliest first: the queue is taken in
        order); an idle worker starts one at once."""
        with self._changed:
            self._queue.extend(enumerate(tasks, start=self._count))
            self._count += len(tasks)
            while self._idle and self._queue and self._executor is not None:
                self._idle -= 1
                self._submit(*self._take())

    def run(self, tasks: Sequence[Task]) -> list[Any]:
        """Add ``tasks``, run the queue to its end; the results of every task added, in
        order."""
        if self.dask is not None:
            return self._run_on_dask([*(task for _, task in self._queue), *tasks])
        self.add(tasks)
        while True:
            with self._changed:
                if not self._queue:
                    break
                index, function, args = self._take()
            result = function(*args)
            with self._changed:
                self._results[index] = result
                self._done(index)
        with self._changed:
            while self._away:
                self._changed.wait()
        if self._errors:
            raise self._errors[0]
        return [self._results[index] for index in range(self._count)]

    def _run_on_dask(self, tasks: Sequence[Task]) -> list[Any]:
        from joblib import Parallel, delayed, parallel_config

        client = _dask_client(str(self.dask))
        try:
            _check_workers(client, self.ready)
            with parallel_config(backend="dask", n_jobs=-1):
                results = Parallel(return_as="generator", batch_size=1)(
                    delayed(function)(*args) for function, args in tasks)
                collected = []
                for index, result in enumerate(results):
                    collected.append(result)
                    self._done(index)
                return collected
        finally:
            client.close()


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


def _worker_problem(check: Callable[[], None]) -> str | None:
    """On a Dask worker: why it cannot run pyseg's tasks, or None."""
    try:
        check()
    except PysegError as error:
        return str(error)
    return None


def _check_workers(client: Any, check: Callable[[], None]) -> None:
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
