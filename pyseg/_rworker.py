"""R in a worker process, so that the R side overlaps the Python side.

:class:`RWorkerEngine` starts ``python -m pyseg._rworker`` at once. While the parent imports
scikit-learn (the longest step of a cold ``pyseg compare``), the child can read and check the
data file (:meth:`RWorkerEngine.load_dataset_async`) and then loads rpy2 and R, so that the
parent's critical path holds little more than scikit-learn itself.

Requests and replies are pickled over the child's stdin and stdout: both ends are this package and
nothing else writes there (the child moves its own stdout out of the way). The child runs the very
same :class:`~pyseg.REngine` and :func:`~pyseg.load_dataset`, so results are identical to the
in-process path.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from pyseg._engines import CourseSettings, FitResult
from pyseg._errors import InputError, PysegError, REvaluationError, RUnavailableError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from pyseg._data import Dataset

_ERRORS: dict[str, type[PysegError]] = {
    "RUnavailableError": RUnavailableError,
    "REvaluationError": REvaluationError,
    "InputError": InputError,
}


class RWorkerEngine:
    """:class:`~pyseg.REngine` running in a child process (same interface, same results).

    Requests are answered in the order they are sent; :meth:`load_dataset_async` sends one and
    lets the caller collect the reply later.
    """

    name = "r"

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pyseg._rworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()
        self._loaded_X: NDArray[np.float64] | None = None
        self._prefetched: tuple[int, CourseSettings] | None = None

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
        if status == "ok":
            return payload
        error_type, text = payload
        raise _ERRORS.get(error_type, REvaluationError)(text)

    def _request(self, *message: Any) -> Any:
        with self._lock:
            self._send(*message)
            return self._receive()

    def load_dataset_async(
        self, path: str | None, columns: str | None
    ) -> Callable[[], Dataset]:
        """Start reading a data set in the worker; call the returned function for the result.

        The :class:`~pyseg.Dataset` comes back without its ``frame`` (only ``X`` and the facts
        about the file), which spares this process from importing pandas. Send nothing else to the
        worker before collecting it.
        """
        with self._lock:
            self._send("load_dataset", path, columns)

        def result() -> Dataset:
            with self._lock:
                dataset = self._receive()
                self._loaded_X = dataset.X
                return dataset

        return result

    def fit_async(
        self, X: NDArray[np.float64] | None, k: int, settings: CourseSettings
    ) -> None:
        """Start R's course fit now and collect it with a later :meth:`fit`.

        ``X=None`` fits the data set that :meth:`load_dataset_async` is reading, so that R starts
        as soon as the worker has the data. A later :meth:`fit` with the same ``k`` and settings
        on that very array (the loaded data set's ``X``, or the ``X`` given here) returns this
        fit; any other call fits anew.
        """
        with self._lock:
            if X is None:
                self._send("fit_loaded", k, settings)
            else:
                self._send("fit", X, k, settings)
                self._loaded_X = X
            self._prefetched = (k, settings)

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        with self._lock:
            if self._prefetched is not None:
                prefetched, self._prefetched = self._prefetched, None
                try:
                    outcome: FitResult | PysegError = self._receive()
                except PysegError as exc:
                    outcome = exc
                # Identity, not equality: compare() passes the loaded data set's own array.
                if prefetched == (k, settings) and X is self._loaded_X:
                    if isinstance(outcome, PysegError):
                        raise outcome
                    return outcome
            self._send("fit", X, k, settings)
            return self._receive()

    def fit_from(
        self, X: NDArray[np.float64], initial_centers: NDArray[np.float64], max_iter: int
    ) -> FitResult:
        return self._request("fit_from", X, initial_centers, max_iter)

    def r_version(self) -> str:
        return self._request("r_version")

    def close(self, wait: bool = True) -> None:
        """Tell the worker to stop; with ``wait``, also wait (up to 5 s) until it has."""
        if self._process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            assert self._process.stdin is not None
            self._process.stdin.close()
        if wait:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def __enter__(self) -> RWorkerEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close(wait=False)


def _worker_died() -> RUnavailableError:
    return RUnavailableError(
        "the R worker process ended unexpectedly (R crashed while loading?): run the command "
        "with PYSEG_R_IN_PROCESS=1 to see R's own error"
    )


def _handle(command: str, args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    if command == "load_dataset":
        from pyseg._data import load_dataset

        state.pop("X", None)
        dataset = load_dataset(*args, keep_table=False)
        state["X"] = dataset.X
        return dataset
    from pyseg._rbridge import r_version
    from pyseg._rengine import REngine

    if command == "r_version":
        return r_version()
    if command == "fit_loaded":
        if "X" not in state:
            raise InputError("no data set was loaded in the R worker")
        return REngine().fit(state["X"], *args)
    if command in ("fit", "fit_from"):
        return getattr(REngine(), command)(*args)
    raise REvaluationError(f"the R worker does not know the request {command!r}")


def _load_r() -> PysegError | None:
    from pyseg._rbridge import r_version

    try:
        r_version()
    except PysegError as exc:
        return exc
    return None


def _serve(requests: BinaryIO, replies: BinaryIO) -> None:
    import select

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
            answer = ("error", (type(exc).__name__, str(exc)))
        pickle.dump(answer, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()
        if not r_loaded:
            load_error, r_loaded = _load_r(), True


if __name__ == "__main__":
    import os

    # Replies get a private copy of stdout; anything native code prints goes to stderr instead of
    # corrupting the pickle stream.
    reply_stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, reply_stream)
