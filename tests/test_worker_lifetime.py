"""The R worker process never outlives the command that started it, and leaves nothing behind.

The run gets a token in its environment (inherited by its worker) and a temporary directory of
its own (where R makes its session directory), so that other R jobs on the machine do not count.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest


def _processes_with(token: str) -> set[int]:
    """PIDs of running processes whose environment holds ``token``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if token.encode() in environment:
            found.add(int(entry.name))
    return found


@pytest.mark.r
def test_compare_returns_only_after_its_worker_has_ended(
    mall_like_csv: Path, run_pyseg, tmp_path: Path
) -> None:
    token = f"pyseg-lifetime-{uuid.uuid4().hex}"
    # run_pyseg drops PYSEG_R_IN_PROCESS (every PYSEG_* variable): R runs in a worker process.
    done = run_pyseg("compare", "--data", str(mall_like_csv), "--json",
                     env={"TMPDIR": str(tmp_path), "LIFETIME_TOKEN": token})
    assert done.returncode == 0, done.stderr
    assert _processes_with(token) == set(), "an R worker outlived `pyseg compare`"
    assert list(tmp_path.iterdir()) == [], "R's session directory was left behind"


def test_the_process_finder_sees_a_running_process(tmp_path: Path) -> None:
    token = f"pyseg-lifetime-{uuid.uuid4().hex}"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                             env={"LIFETIME_TOKEN": token})
    try:
        assert _processes_with(token) == {child.pid}
    finally:
        child.kill()
        child.wait()
