"""The R worker process never outlives the command that started it, and leaves nothing behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


def _workers() -> set[int]:
    """PIDs of running pyseg R worker processes."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"pyseg.engines._rworker" in command:
            found.add(int(entry.name))
    return found


@pytest.mark.r
def test_compare_returns_only_after_its_worker_has_ended(mall_like_csv: Path, run_pyseg) -> None:
    temp = Path(tempfile.gettempdir())
    r_sessions = set(temp.glob("Rtmp*"))
    before = _workers()
    # run_pyseg drops PYSEG_R_IN_PROCESS (every PYSEG_* variable): R runs in a worker process.
    done = run_pyseg("compare", "--data", str(mall_like_csv), "--json")
    assert done.returncode == 0, done.stderr
    assert _workers() - before == set(), "an R worker outlived `pyseg compare`"
    assert set(temp.glob("Rtmp*")) - r_sessions == set(), "R's session directory was left"
