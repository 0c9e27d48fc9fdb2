"""Which rpy2 for which R (``pyseg.r._compat``), and the one-line diagnosis of rpy2
load failures.

The ``*_TEXT`` fixtures are real: what ``import rpy2.robjects`` printed (log lines and traceback,
stderr) with a deliberately wrong rpy2, captured while writing ``.ci/r-matrix``:

* host: Debian 12, R 4.2.2, Python 3.11, in a throwaway venv ``/tmp/wrongvenv`` with
  ``pip install 'rpy2==3.6.9'`` (pulls rpy2-rinterface 3.6.7, rpy2-robjects 3.6.6), once with
  ``RPY2_CFFI_MODE`` unset and once with ``RPY2_CFFI_MODE=API``; then ``pip install
  'rpy2>=3.5.17,<3.6'`` over it (the mixed install).
* trixie chroot, the venv of ``.ci/r-matrix``: rpy2 3.5.17 (from pyproject.toml's pin), then
  ``pip install 'rpy2>=3.6.7'`` over it; ``import rpy2.robjects`` then "works" (an empty namespace
  package) and pyseg's next import fails.
* trixie chroot (``debootstrap --variant=minbase``): R 4.5.0, Python 3.13, ``rpy2==3.5.17`` with
  ``RPY2_CFFI_MODE=API`` (unset, it loads silently through the ABI fallback).
* forky chroot: R 4.6.1, Python 3.14, ``rpy2==3.5.17`` with ``RPY2_CFFI_MODE=API``, and
  ``rpy2==3.6.6 rpy2-rinterface==3.6.5 rpy2-robjects==3.6.4`` with ``RPY2_CFFI_MODE`` unset (it
  loads, after logging the fall back to ABI mode).
"""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pyseg.r import _compat as _rcompat
from pyseg.r._compat import (
    diagnose_rpy2_failure,
    installed_r_version,
    parse_r_version,
    pip_fix,
    rpy2_fits,
    rpy2_requirement,
)

REPO = Path(__file__).resolve().parents[1]
OLD = "rpy2>=3.5.17,<3.6"
NEW = "rpy2>=3.6.7"
FIX_OLD = f"pip uninstall -y rpy2 rpy2-rinterface rpy2-robjects && pip install '{OLD}'"
FIX_NEW = f"pip uninstall -y rpy2 rpy2-rinterface rpy2-robjects && pip install '{NEW}'"

HOST_369_ANY_TEXT = """\
Error importing in API mode: ImportError('/tmp/wrongvenv/lib/python3.11/site-packages/_rinterface_cffi_api.abi3.so: undefined symbol: R_ParentEnv')
Trying to import in ABI mode.
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/robjects/__init__.py", line 17, in <module>
    import rpy2.rinterface as rinterface
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface/__init__.py", line 25, in <module>
    import rpy2.rinterface_lib._rinterface_capi as _rinterface
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface_lib/_rinterface_capi.py", line 288, in <module>
    _getvar_wrap = openrlib.rlib.R_getVar
                   ^^^^^^^^^^^^^^^^^^^^^^
ffi.error: symbol 'R_getVar' not found in library '/usr/lib/R/lib/libR.so': /usr/lib/R/lib/libR.so: undefined symbol: R_getVar
"""  # noqa: E501

HOST_369_API_TEXT = """\
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/robjects/__init__.py", line 17, in <module>
    import rpy2.rinterface as rinterface
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface/__init__.py", line 24, in <module>
    from rpy2.rinterface_lib import openrlib
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface_lib/openrlib.py", line 56, in <module>
    import _rinterface_cffi_api as _rinterface_cffi  # type: ignore
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ImportError: /tmp/wrongvenv/lib/python3.11/site-packages/_rinterface_cffi_api.abi3.so: undefined symbol: R_ParentEnv
"""  # noqa: E501

# The exception alone, as pyseg's bridge sees it (str() of what ``import rpy2.robjects`` raised).
HOST_369_ANY_EXCEPTION = (
    "symbol 'R_getVar' not found in library '/usr/lib/R/lib/libR.so': "
    "/usr/lib/R/lib/libR.so: undefined symbol: R_getVar"
)

HOST_MIXED_TEXT = """\
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/robjects/__init__.py", line 16, in <module>
    import rpy2.rinterface as rinterface
  File "/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface/__init__.py", line 45, in <module>
    from rpy2.rinterface_lib.sexp import SexpVectorCCompatibleAbstract
ImportError: cannot import name 'SexpVectorCCompatibleAbstract' from 'rpy2.rinterface_lib.sexp' (/tmp/wrongvenv/lib/python3.11/site-packages/rpy2/rinterface_lib/sexp.py)
"""  # noqa: E501

TRIXIE_36_OVER_35_EXCEPTION = (
    "cannot import name 'default_converter' from 'rpy2.robjects' (unknown location)"
)

TRIXIE_3517_API_TEXT = """\
Traceback (most recent call last):
  File "<string>", line 2, in <module>
    import rpy2.robjects as ro
  File "/exp/rpy2--3.5.17/lib/python3.13/site-packages/rpy2/robjects/__init__.py", line 16, in <module>
    import rpy2.rinterface as rinterface
  File "/exp/rpy2--3.5.17/lib/python3.13/site-packages/rpy2/rinterface.py", line 21, in <module>
    from rpy2.rinterface_lib import openrlib
  File "/exp/rpy2--3.5.17/lib/python3.13/site-packages/rpy2/rinterface_lib/openrlib.py", line 12, in <module>
    import _rinterface_cffi_api as _rinterface_cffi  # type: ignore
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ImportError: /exp/rpy2--3.5.17/lib/python3.13/site-packages/_rinterface_cffi_api.abi3.so: undefined symbol: initStdinHandler
"""  # noqa: E501

FORKY_3517_API_TEXT = """\
Traceback (most recent call last):
  File "<string>", line 2, in <module>
    import rpy2.robjects as ro
  File "/exp/rpy2--3.5.17/lib/python3.14/site-packages/rpy2/robjects/__init__.py", line 16, in <module>
    import rpy2.rinterface as rinterface
  File "/exp/rpy2--3.5.17/lib/python3.14/site-packages/rpy2/rinterface.py", line 21, in <module>
    from rpy2.rinterface_lib import openrlib
  File "/exp/rpy2--3.5.17/lib/python3.14/site-packages/rpy2/rinterface_lib/openrlib.py", line 12, in <module>
    import _rinterface_cffi_api as _rinterface_cffi  # type: ignore
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ImportError: /exp/rpy2--3.5.17/lib/python3.14/site-packages/_rinterface_cffi_api.abi3.so: undefined symbol: STDVEC_DATAPTR
"""  # noqa: E501

# Logged (WARNING) before the import goes on and succeeds in ABI mode.
FORKY_RINTERFACE_365_FALLBACK_TEXT = """\
Error importing in API mode: ImportError('/exp/rpy2--3.6.6_rpy2-rinterface--3.6.5_rpy2-robjects--3.6.4/lib/python3.14/site-packages/_rinterface_cffi_api.abi3.so: undefined symbol: STDVEC_DATAPTR')
Trying to import in ABI mode.
"""  # noqa: E501

R_VERSION_LINES = {
    "R version 4.2.2 Patched (2022-11-10 r83330) -- \"Innocent and Trusting\"": (4, 2),
    "R version 4.5.0 (2025-04-11) -- \"How About a Twenty-Six\"": (4, 5),
    "R version 4.6.1 (2026-06-24) -- \"Happy Hop\"": (4, 6),
    "Rscript (R) version 4.2.2 (2022-10-31)": (4, 2),
}


# ---- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("r_version", "expected"),
    [((4, 0), OLD), ((4, 2), OLD), ((4, 4), OLD), ((4, 5), NEW), ((4, 6), NEW), ((5, 0), NEW)],
)
def test_requirement_boundaries(r_version: tuple[int, int], expected: str) -> None:
    assert rpy2_requirement(r_version) == expected


@pytest.mark.parametrize(
    ("r_version", "expected"), [((4, 2), FIX_OLD), ((4, 4), FIX_OLD), ((4, 5), FIX_NEW),
                                ((4, 6), FIX_NEW)],
)
def test_pip_fix_is_one_shell_line(r_version: tuple[int, int], expected: str) -> None:
    assert pip_fix(r_version) == expected
    assert "\n" not in pip_fix(r_version)


@pytest.mark.parametrize("bad", [(4,), (4, 5, 0), "4.5", (4, "5"), (4, -1), [4, 5], (4.0, 5)])
def test_a_malformed_r_version_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="R version"):
        rpy2_requirement(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("r_version", "rpy2_version", "fits"),
    [
        ((4, 2), "3.5.17", True),
        ((4, 4), "3.5.18", True),
        ((4, 2), "3.5.16", False),
        ((4, 2), "3.6.0", False),
        ((4, 2), "3.6.9", False),
        ((4, 5), "3.5.17", False),
        ((4, 5), "3.6.6", False),
        ((4, 5), "3.6.7", True),
        ((4, 6), "3.6.9", True),
        ((4, 6), "3.6.10.dev0", True),
        ((4, 6), "unknown", None),
    ],
)
def test_rpy2_fits(r_version: tuple[int, int], rpy2_version: str, fits: bool | None) -> None:
    assert rpy2_fits(r_version, rpy2_version) is fits


# ---- diagnosis of real failures ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "symbol"),
    [(HOST_369_ANY_TEXT, "R_ParentEnv"), (HOST_369_API_TEXT, "R_ParentEnv"),
     (HOST_369_ANY_EXCEPTION, "R_getVar")],
)
def test_rpy2_36_on_r_42(text: str, symbol: str) -> None:
    message = diagnose_rpy2_failure(text, (4, 2), "3.6.9")
    assert message == (
        f"rpy2 3.6.9 needs R >= 4.5 ({symbol} is missing from R 4.2): run `{FIX_OLD}`"
    )


def test_rpy2_36_on_unknown_old_r_still_gets_the_old_r_fix() -> None:
    message = diagnose_rpy2_failure(HOST_369_API_TEXT, None, None)
    assert message is not None
    assert "the installed rpy2 needs R >= 4.5" in message
    assert "R (version unknown)" in message
    assert message.endswith(f"run `{FIX_OLD}`")


def test_rpy2_35_on_r_45_api_mode() -> None:
    assert diagnose_rpy2_failure(TRIXIE_3517_API_TEXT, (4, 5), "3.5.17") == (
        "rpy2 3.5.17 is too old for R 4.5: initStdinHandler is missing from R >= 4.5, so only "
        f"rpy2's slower ABI mode can load R: run `{FIX_NEW}`"
    )


def test_rpy2_35_on_r_46_api_mode() -> None:
    assert diagnose_rpy2_failure(FORKY_3517_API_TEXT, (4, 6), "3.5.17") == (
        "rpy2 3.5.17 is too old for R 4.6: STDVEC_DATAPTR is missing from R >= 4.6, so only "
        f"rpy2's slower ABI mode can load R: run `{FIX_NEW}`"
    )


def test_rinterface_365_falling_back_to_abi_on_r_46() -> None:
    message = diagnose_rpy2_failure(FORKY_RINTERFACE_365_FALLBACK_TEXT, (4, 6), "3.6.6")
    assert message == (
        "rpy2 3.6.6 is too old for R 4.6: STDVEC_DATAPTR is missing from R >= 4.6, so only "
        f"rpy2's slower ABI mode can load R (it fell back to it): run `{FIX_NEW}`"
    )


def test_mixed_35_over_36_install() -> None:
    message = diagnose_rpy2_failure(HOST_MIXED_TEXT, (4, 2), "3.5.17")
    assert message == (
        "rpy2 3.5.17 is mixed with files of another rpy2 release on R 4.2 (ImportError: cannot "
        "import name 'SexpVectorCCompatibleAbstract' from 'rpy2.rinterface_lib.sexp'): "
        f"run `{FIX_OLD}`"
    )


def test_36_upgraded_over_35_in_place() -> None:
    message = diagnose_rpy2_failure(TRIXIE_36_OVER_35_EXCEPTION, (4, 5), "3.6.9")
    assert message == (
        "rpy2 3.6.9 is mixed with files of another rpy2 release on R 4.5 (cannot import name "
        f"'default_converter' from 'rpy2.robjects' (unknown location)): run `{FIX_NEW}`"
    )


def test_mixed_install_on_new_r_uninstalls_too() -> None:
    message = diagnose_rpy2_failure(HOST_MIXED_TEXT, (4, 6), "3.6.9")
    assert message is not None
    assert message.endswith(f"run `{FIX_NEW}`")


def test_mixed_install_with_unknown_r_names_both_fixes() -> None:
    message = diagnose_rpy2_failure(HOST_MIXED_TEXT, None, None)
    assert message is not None
    assert f"`{FIX_OLD}` (R < 4.5)" in message
    assert f"`{FIX_NEW}` (R >= 4.5)" in message


@pytest.mark.parametrize(
    "text",
    [HOST_369_API_TEXT, HOST_369_ANY_TEXT, HOST_MIXED_TEXT, TRIXIE_3517_API_TEXT,
     FORKY_3517_API_TEXT, FORKY_RINTERFACE_365_FALLBACK_TEXT],
)
def test_every_diagnosis_is_one_line(text: str) -> None:
    message = diagnose_rpy2_failure(text, (4, 6), "3.5.17")
    assert message is not None
    assert "\n" not in message
    assert "R 4.6" in message
    assert "rpy2 3.5.17" in message


def test_an_unknown_missing_symbol_with_a_mismatched_rpy2_is_still_a_mismatch() -> None:
    message = diagnose_rpy2_failure("undefined symbol: R_SomethingNew", (4, 2), "3.6.9")
    assert message == (
        f"rpy2 3.6.9 does not fit R 4.2 (undefined symbol R_SomethingNew): run `{FIX_OLD}`"
    )


@pytest.mark.parametrize(
    ("text", "r_version", "rpy2_version"),
    [
        # Not version mismatches: the caller explains these (R missing, R_HOME wrong, ...).
        ("libR.so: cannot open shared object file: No such file or directory", (4, 2), "3.5.17"),
        ("R_HOME must be set in the environment or Registry", None, "3.5.17"),
        ("No module named 'rpy2'", None, None),
        # A symbol of the other direction on an R where it exists: not this mismatch.
        (HOST_369_API_TEXT, (4, 6), "3.6.9"),
        (TRIXIE_3517_API_TEXT, (4, 2), "3.5.17"),
        (FORKY_3517_API_TEXT, (4, 5), "3.6.9"),
        # An unknown symbol while rpy2 fits the rule: no claim about versions.
        ("undefined symbol: R_SomethingNew", (4, 6), "3.6.9"),
        ("", (4, 2), "3.5.17"),
    ],
)
def test_other_failures_are_not_diagnosed(
    text: str, r_version: tuple[int, int] | None, rpy2_version: str | None
) -> None:
    assert diagnose_rpy2_failure(text, r_version, rpy2_version) is None


# ---- asking R for its version --------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), sorted(R_VERSION_LINES.items()))
def test_parse_r_version(line: str, expected: tuple[int, int]) -> None:
    assert parse_r_version(line + "\nCopyright (C) 2022 The R Foundation\n") == expected


def test_parse_r_version_of_r_devel_is_none() -> None:
    text = 'R Under development (unstable) (2026-01-01 r89000) -- "Unsuffered Consequences"'
    assert parse_r_version(text) is None


def _fake_r(bin_dir: Path, version_text: str, rscript_text: str = "", sleep: float = 0) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (("R", version_text), ("Rscript", rscript_text)):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\nsleep {sleep}\nprintf '%s\\n' '{text}'\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with no real R: the fake R of the test, and the few tools the scripts use."""
    bin_dir, tools = tmp_path / "bin", tmp_path / "tools"
    tools.mkdir()
    for tool in ("dirname", "sleep"):
        found = shutil.which(tool)
        assert found is not None
        (tools / tool).symlink_to(found)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{tools}")
    monkeypatch.delenv("R_HOME", raising=False)
    return bin_dir


def test_installed_r_version_asks_r_on_path(fake_path: Path) -> None:
    _fake_r(fake_path, "R version 4.6.1 (2026-06-24) -- x")
    assert installed_r_version() == (4, 6)


def test_installed_r_version_falls_back_to_rscript_for_r_devel(fake_path: Path) -> None:
    _fake_r(fake_path, "R Under development (unstable) (2026-01-01 r89000)", "4 7.0")
    assert installed_r_version() == (4, 7)


def test_installed_r_version_prefers_r_home(
    fake_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_r(fake_path, "R version 4.2.2 (2022-10-31)")
    _fake_r(tmp_path / "home" / "bin", "R version 4.5.0 (2025-04-11)")
    monkeypatch.setenv("R_HOME", str(tmp_path / "home"))
    assert installed_r_version() == (4, 5)


def test_installed_r_version_with_a_broken_r_home_is_none(
    fake_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_r(fake_path, "R version 4.2.2 (2022-10-31)")
    monkeypatch.setenv("R_HOME", str(tmp_path / "nowhere"))
    assert installed_r_version() is None


def test_installed_r_version_without_r_is_none(fake_path: Path) -> None:
    assert installed_r_version() is None


def test_installed_r_version_gives_up_after_the_timeout(fake_path: Path) -> None:
    _fake_r(fake_path, "R version 4.2.2 (2022-10-31)", "4 2.2", sleep=5)
    assert installed_r_version(timeout=0.3) is None


# ---- the script: .ci/rpy2-requirement and python -I pyseg/r/_compat.py --------------


def _script(args: list[str], path: str) -> subprocess.CompletedProcess:
    env = {"PATH": path, "PYTHON": sys.executable, "LANG": "C.UTF-8"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60, check=False)


@pytest.mark.parametrize(("version_line", "expected"),
                         [("R version 4.4.3 (2025-02-28)", OLD), ("R version 4.5.0 (x)", NEW)])
def test_ci_script_prints_the_requirement_for_r_on_path(
    fake_path: Path, version_line: str, expected: str
) -> None:
    _fake_r(fake_path, version_line)
    done = _script([str(REPO / ".ci" / "rpy2-requirement")], os.environ["PATH"])
    assert (done.returncode, done.stdout, done.stderr) == (0, expected + "\n", "")


def test_ci_script_without_r_fails_with_one_line(fake_path: Path) -> None:
    done = _script([str(REPO / ".ci" / "rpy2-requirement")], os.environ["PATH"])
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "no working R on PATH" in done.stderr


@pytest.mark.parametrize(("args", "expected"),
                         [(["requirement", "4.4"], OLD), (["requirement", "4.5.0"], NEW),
                          (["pip-fix", "4.2"], FIX_OLD), (["pip-fix", "4.6"], FIX_NEW)])
def test_module_as_script_with_an_explicit_r(
    fake_path: Path, args: list[str], expected: str
) -> None:
    done = _script([sys.executable, "-I", _rcompat.__file__, *args], os.environ["PATH"])
    assert (done.returncode, done.stdout) == (0, expected + "\n")


@pytest.mark.parametrize(
    ("r", "expected_status"), [("4.2", 0), ("4.4", 0), ("4.5", 1), ("4.6", 1)]
)
def test_check_says_whether_this_pythons_rpy2_fits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], r: str,
    expected_status: int
) -> None:
    # A fixed rpy2 version stands in for the one installed where the script runs.
    monkeypatch.setattr(_rcompat, "rpy2_version", lambda: "3.5.17")
    assert _rcompat._main(["check", r]) == expected_status
    if expected_status:
        assert capsys.readouterr().err == (
            f"rpy2 3.5.17 does not fit R {r}: run `{FIX_NEW}`\n"
        )


def test_check_without_rpy2_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_rcompat, "rpy2_version", lambda: None)
    assert _rcompat._main(["check", "4.2"]) == 1


@pytest.mark.parametrize("args", [[], ["install"], ["requirement", "four"], ["pip-fix", "4", "5"]])
def test_module_as_script_refuses_bad_arguments(fake_path: Path, args: list[str]) -> None:
    done = _script([sys.executable, "-I", _rcompat.__file__, *args], os.environ["PATH"])
    assert done.returncode == 2
    assert "usage" in done.stderr


def test_module_uses_only_the_standard_library() -> None:
    # .ci/rpy2-requirement runs it before pyseg or rpy2 is installed.
    tree = ast.parse(Path(_rcompat.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
