"""Starting the R worker process: the first step of a cold ``pyseg compare``.

This module imports the standard library only, so ``pyseg compare`` can start the worker before
it loads the library (numpy, pandas, scikit-learn: ~0.2 s and more), and R loads meanwhile. The
engine that talks to the process is :class:`pyseg.engines.RWorkerEngine`, which adopts a process
started here (:func:`pyseg.engines.cold_start`).

The worker is tied to this process by a lifeline pipe: the worker holds its read end, this
process the only write end, so when this process closes it - or dies, even by SIGKILL - the
worker removes R's session directory and exits at once.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass

#: Set (to anything) to run R inside the pyseg process instead of a worker process; R's own
#: errors then reach the terminal, which helps when R itself fails to start.
IN_PROCESS_ENV = "PYSEG_R_IN_PROCESS"


@dataclass
class WorkerProcess:
    """A started worker: the process, and this side's end of its lifeline pipe."""

    process: subprocess.Popen[bytes]
    lifeline: int

    def kill(self) -> None:
        """End the worker at once (it may be busy inside R) and reap it."""
        with contextlib.suppress(OSError):
            os.close(self.lifeline)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def worker_wanted() -> bool:
    """True unless ``$PYSEG_R_IN_PROCESS`` asks for R in this process."""
    return not os.environ.get(IN_PROCESS_ENV)


def start_worker_process() -> WorkerProcess:
    """Start ``python -m pyseg.r._worker`` with a lifeline pipe; returns at once."""
    # Pipe ends are not inherited by other programs this process starts: only the worker gets
    # the read end, and only this process holds the write end.
    lifeline_read, lifeline_write = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pyseg.r._worker", str(lifeline_read)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=(lifeline_read,),
        )
    except BaseException:
        os.close(lifeline_write)
        raise
    finally:
        os.close(lifeline_read)
    return WorkerProcess(process, lifeline_write)
