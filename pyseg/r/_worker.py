"""R in a worker process, so that the R side overlaps the Python side.

:class:`RWorkerEngine` runs :class:`~pyseg.engines.REngine` in ``python -m
pyseg.r._worker``: same interface, same results. :func:`cold_start` is the pipeline a cold
``pyseg compare`` runs: the worker starts first and loads R (and, for a small file, reads and
checks it) while this process imports scikit-learn, the longest step of a cold start.

Requests and replies are pickled over the child's stdin and stdout: both ends are this package and
nothing else writes there (the child moves its own stdout out of the way). Errors travel as the
:class:`~pyseg.PysegError` objects themselves.

The worker never outlives its parent (:mod:`pyseg.r._process`'s lifeline pipe): a thread blocks
on the pipe and, once the parent closes it or dies, removes R's session directory and ends the
process, in the middle of an R computation if need be (R's C code releases the GIL).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

import pyseg.r._bridge as _rbridge
from pyseg._course import CourseSettings
from pyseg._data import Dataset, load_dataset, resolve_data_path
from pyseg._errors import InputError, PysegError, REvaluationError, RUnavailableError
from pyseg.methods import NAMES, info
from pyseg.methods.kmeans._base import FitResult
from pyseg.methods.kmeans._r import REngine
from pyseg.r._process import WorkerProcess, start_worker_process

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

#: From this file size on, R's fit outlasts scikit-learn's import, so :func:`cold_start` reads the
#: file in this process and hands R the data at once; below it, the worker reads the file while
#: this process imports scikit-learn (measured on 2 cores: course file 0.83x the two course
#: scripts run in turn; 1M rows 7.1 s, the two fits alone 1.6 s + 5.9 s).
LARGE_FILE_BYTES = 4 << 20
#: The other methods' R engines the worker runs (:meth:`RWorkerEngine.engine`): name -> module.
REMOTE_ENGINES: dict[str, str] = {
    **{info(name).R_ENGINE: f"pyseg.methods.{name}._r" for name in NAMES},
    "RFeaturesEngine": "pyseg.r._features",
}


class RWorkerEngine:
    """:class:`~pyseg.engines.REngine` running in a child process (same interface and results).

    Requests are answered in the order they are sent. :meth:`start` sends a request early (R's
    fit of any method, as soon as the data is known); the next request equal to it collects its
    answer instead of asking again.
    """

    name = "r"

    def __init__(self, started: WorkerProcess | None = None) -> None:
        # A process started earlier (pyseg compare starts it before loading the library), or a
        # new one; either way tied to this process by its lifeline pipe.
        started = started if started is not None else start_worker_process()
        self._process = started.process
        self._lifeline = started.lifeline
        self._lock = threading.Lock()
        #: A request sent by :meth:`start` whose reply is not collected yet; ``_LOADED`` holds the
        #: place of the data set the worker is reading until it is here.
        self._pending: tuple[Any, ...] | None = None

    # -- transport ---------------------------------------------------------------------------

    def _send(self, *message: Any) -> None:
        assert self._process.stdin is not None
        try:
            pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._process.stdin.flush()
        except BrokenPipeError as exc:
            raise _worker_died() from exc

    def _receive(self) -> Any:
        assert self._process.stdout is not None
        try:
            status, payload = pickle.load(self._process.stdout)
        except EOFError as exc:
            raise _worker_died() from exc
        if status == "error":
            raise payload
        return payload

    def _request(self, *message: Any, early: bool = False) -> Any:
        with self._lock:
            if self._pending is not None:  # one early request at a time; drop an unused one
                pending, self._pending = self._pending, None
                try:
                    answer = self._receive()  # the stream is ordered: the early reply comes first
                except PysegError as exc:
                    answer = exc
                if not early and _same_request(pending, message):
                    if isinstance(answer, PysegError):
                        raise answer
                    return answer
            self._send(*message)
            if early:
                self._pending = message
                return None
            return self._receive()

    def start(self, *message: Any) -> None:
        """Send ``message`` now without waiting; the next equal request collects its answer.

        A request is equal when every part is the same object or pickles to the same bytes: the
        same array, or an equal copy of it, and the same settings.
        """
        self._request(*message, early=True)

    # -- the cold-start pieces ---------------------------------------------------------------

    def load_dataset_async(self, path: str | None, columns: str | None) -> Callable[[], Dataset]:
        """Start reading a data set in the worker; the returned function gives it, without its
        ``frame``, which spares this process from importing pandas."""
        with self._lock:
            self._send("load_dataset", path, columns)

        def result() -> Dataset:
            with self._lock:
                dataset = self._receive()
                if self._pending is not None:  # a fit of the data set, sent before it came back
                    self._pending = tuple(dataset.X if part is _LOADED else part
                                          for part in self._pending)
                return dataset

        return result

    def fit_async(self, X: NDArray[np.float64] | None, k: int, settings: CourseSettings) -> None:
        """Start R's course fit now (``X=None``: of the data set :meth:`load_dataset_async` is
        reading, as soon as the worker has it); :meth:`fit` with the same request collects it."""
        self.start("fit", X, k, settings)
        if X is None:
            with self._lock:
                self._pending = ("fit", _LOADED, k, settings)

    # -- KMeansEngine ------------------------------------------------------------------------

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """R's course fit (:meth:`REngine.fit`), collected if :meth:`fit_async` started it."""
        return self._request("fit", X, k, settings)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        # REngine's other methods (fit_from, elbow, silhouette, nearest_center, check_ready,
        # version, clusplot_png, provenance, ...) run in the worker as they are.
        if method.startswith("_") or not callable(getattr(REngine, method, None)):
            raise AttributeError(method)
        return functools.partial(self.call_engine, "REngine", method)

    # -- the other methods --------------------------------------------------------------------

    def engine(self, name: str) -> RemoteEngine:
        """The R engine ``name`` (a key of :data:`REMOTE_ENGINES`, a method's ``R_ENGINE``)
        run by this worker: same methods, same results, R's work in the worker process, so that
        it overlaps the Python fit on another core even where that fit holds the GIL
        (fastcluster)."""
        if name not in REMOTE_ENGINES:
            raise ValueError(f"the R worker runs no engine {name!r}")
        return RemoteEngine(self, name)

    def call_engine(self, name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``<name>().<method>(*args, **kwargs)`` in the worker."""
        return self._request("engine_call", name, method, args, kwargs)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self, wait: bool = True, at_once: bool = False) -> None:
        """Tell the worker to stop: it finishes the request in hand, shuts R down and exits.
        ``at_once`` (Ctrl-C, an error) cuts the lifeline instead, and the worker removes R's
        session directory and exits mid-computation. ``wait`` waits for it to end: up to 5 s
        (then it is killed), or 1 s with ``at_once``."""
        if at_once or self._process.poll() is not None:
            self._cut_lifeline()
        if self._process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            assert self._process.stdin is not None
            self._process.stdin.close()
        if wait:
            try:
                self._process.wait(timeout=1 if at_once else 5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._cut_lifeline()

    def _cut_lifeline(self) -> None:
        lifeline, self._lifeline = self._lifeline, -1
        if lifeline >= 0:
            with contextlib.suppress(OSError):
                os.close(lifeline)

    def __enter__(self) -> RWorkerEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close(wait=False, at_once=True)


class RemoteEngine:
    """A method's R engine answered by an :class:`RWorkerEngine` (:meth:`RWorkerEngine.engine`):
    attribute access gives a function that runs the engine's method of that name in the worker."""

    name = "r"

    def __init__(self, worker: RWorkerEngine, engine_name: str) -> None:
        self._worker = worker
        self._engine_name = engine_name

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)
        return functools.partial(self._worker.call_engine, self._engine_name, method)


@dataclass
class ColdStart:
    """What :func:`cold_start` set going: the worker engine and the data set it is reading."""

    engine: RWorkerEngine
    dataset: Callable[[], Dataset]


def cold_start(
    data: str | None,
    columns: str | None,
    *,
    course_fit: tuple[int, CourseSettings] | None,
    keep_table: bool = False,
    started: WorkerProcess | RWorkerEngine | None = None,
) -> ColdStart:
    """Start the R side of a comparison before this process has imported scikit-learn.

    The worker process starts first and loads R. A small file (below
    :data:`LARGE_FILE_BYTES`) is read and checked by the worker, and R's course fit
    (``course_fit``: k and settings) starts the moment it has the data, while
    ``ColdStart.dataset()`` imports scikit-learn here before it waits for the data. A large file,
    or one whose whole table is wanted (``keep_table``, for a report), is read here and handed to
    R at once, so that the two fits overlap on two cores.

    ``started``: the worker process, if the caller started it even earlier
    (:func:`pyseg.r._process.start_worker_process`, which needs no numpy), or its engine.
    Collect R's fit with ``engine.fit(dataset.X, k, settings)``; close the engine when done.
    """
    worker = started if isinstance(started, RWorkerEngine) else RWorkerEngine(started)
    try:
        path, _ = resolve_data_path(data)
        large = path is not None and path.is_file() and path.stat().st_size >= LARGE_FILE_BYTES
        if keep_table or large:
            dataset = load_dataset(data, columns, keep_table=keep_table)
            if course_fit is not None:
                worker.fit_async(dataset.X, *course_fit)
            return ColdStart(worker, lambda: dataset)
        pending = worker.load_dataset_async(data, columns)
        if course_fit is not None:
            worker.fit_async(None, *course_fit)

        def dataset_after_warm_up() -> Dataset:
            import sklearn.cluster  # noqa: F401  (imported while the worker reads the data)

            return pending()

        return ColdStart(worker, dataset_after_warm_up)
    except BaseException:
        worker.close(at_once=True)
        raise


#: Holds the place of the data set the worker is reading in an early request.
_LOADED = object()


def _same_request(sent: tuple[Any, ...], asked: tuple[Any, ...]) -> bool:
    """Whether ``asked`` is the request ``sent`` early: part by part the same object, or the same
    pickled bytes (an equal array, equal settings)."""
    if len(sent) != len(asked):
        return False
    return all(a is b or (a is not _LOADED and _pickled(a) == _pickled(b))
               for a, b in zip(sent, asked, strict=True))


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _worker_died() -> RUnavailableError:
    return RUnavailableError(
        "the R worker process ended unexpectedly (R crashed while loading?): run the command "
        "with PYSEG_R_IN_PROCESS=1 to see R's own error"
    )


# -- the child process ----------------------------------------------------------------------


def _handle(command: str, args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    if command == "load_dataset":
        state.pop("X", None)
        dataset = load_dataset(*args, keep_table=False)
        state["X"] = dataset.X
        return dataset
    if command == "fit":  # X None: of the data set loaded last
        if args[0] is None and "X" not in state:
            raise InputError("no data set was loaded in the R worker")
        return REngine().fit(state["X"] if args[0] is None else args[0], *args[1:])
    if command == "engine_call":
        name, method, call_args, call_kwargs = args
        module = importlib.import_module(REMOTE_ENGINES[name])
        return getattr(getattr(module, name)(), method)(*call_args, **call_kwargs)
    raise REvaluationError(f"the R worker does not know the request {command!r}")


def _load_r() -> PysegError | None:
    try:
        REngine().check_ready()
    except PysegError as exc:
        return exc
    return None


def _serve(requests: BinaryIO, replies: BinaryIO) -> None:
    # Load R at once, unless a request is already waiting: then answer it first (the CLI sends
    # the data file, which the parent needs sooner than R) and load R right after.
    r_loaded = False
    load_error: PysegError | None = None
    state: dict[str, Any] = {}
    if not select.select([requests], [], [], 0.0)[0]:
        load_error, r_loaded = _load_r(), True
    while True:
        try:
            command, *args = pickle.load(requests)
        except EOFError:
            return
        try:
            if load_error is not None and command != "load_dataset":
                raise load_error
            answer: tuple[str, Any] = ("ok", _handle(command, tuple(args), state))
        except PysegError as exc:
            answer = ("error", exc)
        pickle.dump(answer, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()
        if not r_loaded:
            load_error, r_loaded = _load_r(), True


def _hold_lifeline(lifeline: int, r_tmpdir: str) -> None:
    """End this process, R's session directory removed, when the parent's end of ``lifeline``
    closes (the parent stopped us at once, or died); runs in a daemon thread."""
    while True:
        try:
            if not os.read(lifeline, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    shutil.rmtree(r_tmpdir, ignore_errors=True)
    os._exit(1)


def _worker_main(lifeline: int) -> None:
    """The worker process: serve requests until stdin closes, then end R and exit."""
    # Ctrl-C at a terminal reaches the whole process group: the parent decides, and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # R makes its session directory in $TMPDIR; a private parent directory lets the lifeline
    # thread remove it without asking R (which is busy in the main thread).
    r_tmpdir = tempfile.mkdtemp(prefix="pyseg-rworker-")
    os.environ["TMPDIR"] = r_tmpdir
    threading.Thread(target=_hold_lifeline, args=(lifeline, r_tmpdir), daemon=True,
                     name="pyseg-lifeline").start()
    # Replies get a private copy of stdout; anything native code prints goes to stderr instead of
    # corrupting the pickle stream.
    reply_stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, reply_stream)
    # The parent waits for this process to end (it must not outlive the command), so end fast:
    # R cleans up its session, then the interpreter's own teardown (~0.1 s of module and object
    # finalisation, nothing on disk) is skipped.
    _rbridge.end_r()
    shutil.rmtree(r_tmpdir, ignore_errors=True)
    reply_stream.close()
    os._exit(0)


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]))
