"""R in a worker process, so that the R fit overlaps the Python side.

:class:`RWorkerEngine` starts ``python -m pyseg._rworker`` at once; the child loads rpy2 and R
(about 0.4 s) while the parent imports scikit-learn and reads the data. Requests and replies are
pickled over the child's stdin and stdout: both ends are this package, nothing else writes there.
The child runs the very same :class:`~pyseg.REngine`, so results are identical to the in-process
engine.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any, BinaryIO

from pyseg._engines import CourseSettings, FitResult
from pyseg._errors import PysegError, REvaluationError, RUnavailableError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

_ERRORS: dict[str, type[PysegError]] = {
    "RUnavailableError": RUnavailableError,
    "REvaluationError": REvaluationError,
}


class RWorkerEngine:
    """:class:`~pyseg.REngine` running in a child process (same interface, same results)."""

    name = "r"

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pyseg._rworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()

    def _request(self, *message: Any) -> Any:
        with self._lock:
            assert self._process.stdin is not None and self._process.stdout is not None
            try:
                pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._process.stdin.flush()
                status, payload = pickle.load(self._process.stdout)
            except (BrokenPipeError, EOFError) as exc:
                raise RUnavailableError(
                    "the R worker process ended unexpectedly (R crashed while loading?): run "
                    "`python -m pyseg compare` with PYSEG_R_IN_PROCESS=1 to see R's own error"
                ) from exc
        if status == "ok":
            return payload
        error_type, text = payload
        raise _ERRORS.get(error_type, REvaluationError)(text)

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        return self._request("fit", X, k, settings)

    def fit_from(
        self, X: NDArray[np.float64], initial_centers: NDArray[np.float64], max_iter: int
    ) -> FitResult:
        return self._request("fit_from", X, initial_centers, max_iter)

    def r_version(self) -> str:
        return self._request("r_version")

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.close()
            except OSError:
                pass
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
            self.close()


def _serve(requests: BinaryIO, replies: BinaryIO) -> None:
    from pyseg._rbridge import r_version
    from pyseg._rengine import REngine

    load_error: PysegError | None = None
    try:
        r_version()  # load R now, while the parent is busy with its own imports
    except PysegError as exc:
        load_error = exc
    engine = REngine()
    while True:
        try:
            command, *args = pickle.load(requests)
        except EOFError:
            return
        try:
            if load_error is not None:
                raise load_error
            if command == "r_version":
                reply: Any = r_version()
            else:
                reply = getattr(engine, command)(*args)
            answer: tuple[str, Any] = ("ok", reply)
        except PysegError as exc:
            answer = ("error", (type(exc).__name__, str(exc)))
        pickle.dump(answer, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


if __name__ == "__main__":
    import os

    # Replies get a private copy of stdout; anything native code prints goes to stderr instead of
    # corrupting the pickle stream.
    reply_stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, reply_stream)
