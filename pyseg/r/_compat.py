"""Which rpy2 fits which R, and what to tell a user whose rpy2 does not load against their R.

pip cannot choose a package by the version of a system library, so pyseg does: this module is the
one place that holds the rule. It uses only the standard library and imports nothing from pyseg,
so it also runs as a script, without pyseg or its dependencies installed
(``.ci/rpy2-requirement`` runs ``python3 -I pyseg/r/_compat.py requirement``)::

    python3 -I pyseg/r/_compat.py requirement      # for the R on PATH (or in $R_HOME)
    python3 -I pyseg/r/_compat.py requirement 4.6  # for a given R
    python3 -I pyseg/r/_compat.py pip-fix [X.Y]    # the pip command that installs it
    .venv/bin/python -I pyseg/r/_compat.py check   # exit 1 unless its rpy2 fits

The rule, measured by installing and importing each rpy2 against R 4.2.2 (Debian 12), R 4.5.0
(Debian 13) and R 4.6.1 (Debian forky) in chroots (see ``.ci/r-matrix``):

* R < 4.5: rpy2 3.5 (3.5.17 or a later 3.5). Every rpy2 3.6 release pulls the newest
  ``rpy2-rinterface``, which binds ``R_ParentEnv`` and ``R_getVar``: R 4.5 added them, so on older
  R it fails to load ("undefined symbol: R_ParentEnv" in API mode, "symbol 'R_getVar' not found"
  in ABI mode).
* R >= 4.5: rpy2 3.6.7 or newer, which requires ``rpy2-rinterface`` >= 3.6.6. rpy2 3.5 loads
  there only through its slower ABI fallback: its compiled (API mode) module needs
  ``initStdinHandler``, gone from R 4.5, and ``STDVEC_DATAPTR``, gone from R 4.6.
  ``rpy2-rinterface`` 3.6.5 still works in API mode on R 4.5.0 but falls back to ABI mode on
  R 4.6.1 (``STDVEC_DATAPTR``); 3.6.6 and 3.6.7 work in API mode on both.

rpy2 3.6 is split into ``rpy2-rinterface`` and ``rpy2-robjects``, which write into the same
``rpy2/`` package as the single 3.5 distribution, so changing series in place breaks rpy2 both
ways: 3.5 installed over 3.6 fails with "cannot import name 'SexpVectorCCompatibleAbstract'", and
``pip install 'rpy2>=3.6.7'`` over 3.5 deletes files the new rpy2-rinterface had just written
("cannot import name 'default_converter' from 'rpy2.robjects' (unknown location)"). The fix
therefore always uninstalls all three distributions first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

#: The first R version whose API rpy2 3.6 needs (R_ParentEnv, R_getVar) and that lacks
#: initStdinHandler, which rpy2 3.5's API mode needs.
NEW_R = (4, 5)
#: The pip requirement of rpy2 for R older than :data:`NEW_R`.
RPY2_FOR_OLD_R = "rpy2>=3.5.17,<3.6"
#: The pip requirement of rpy2 for R :data:`NEW_R` and newer.
RPY2_FOR_NEW_R = "rpy2>=3.6.7"
#: The distributions an rpy2 installation may consist of (3.6 splits it in three).
RPY2_DISTRIBUTIONS = ("rpy2", "rpy2-rinterface", "rpy2-robjects")
#: Seconds to wait for ``R --version`` before giving up on finding R's version.
R_TIMEOUT = 20.0

#: R C-API symbols that only exist from R 4.5 on; rpy2 >= 3.6 needs them.
_SYMBOLS_FROM_R_4_5 = ("R_ParentEnv", "R_getVar", "R_getVarEx", "R_ClosureFormals",
                       "R_ClosureBody", "R_ClosureEnv", "R_existsVarInFrame")
#: R C-API symbols that newer R removed from its library (with the first R without them); rpy2
#: 3.5's compiled module needs them, and rpy2-rinterface < 3.6.6 needs STDVEC_DATAPTR.
_SYMBOLS_GONE = {"initStdinHandler": (4, 5), "STDVEC_DATAPTR": (4, 6)}


def _check_r_version(r_version: tuple[int, int]) -> tuple[int, int]:
    if (
        not isinstance(r_version, tuple)
        or len(r_version) != 2
        or not all(isinstance(part, int) and part >= 0 for part in r_version)
    ):
        raise ValueError(f"an R version is a (major, minor) pair of integers, not {r_version!r}")
    return r_version


def _format_r(r_version: tuple[int, int] | None) -> str:
    return "R (version unknown)" if r_version is None else f"R {r_version[0]}.{r_version[1]}"


def rpy2_requirement(r_version: tuple[int, int]) -> str:
    """The pip requirement of rpy2 that works with R ``r_version`` (``(major, minor)``); a
    ValueError if that is not a pair of non-negative integers.

    Examples
    --------
    >>> rpy2_requirement((4, 2))
    'rpy2>=3.5.17,<3.6'
    >>> rpy2_requirement((4, 6))
    'rpy2>=3.6.7'
    """
    return RPY2_FOR_OLD_R if _check_r_version(r_version) < NEW_R else RPY2_FOR_NEW_R


def pip_fix(r_version: tuple[int, int]) -> str:
    """The one-line shell command that installs the rpy2 fitting R ``r_version`` (as for
    :func:`rpy2_requirement`). It first uninstalls every rpy2 distribution, since 3.5 and the
    split 3.6 share files; pip only warns when uninstalling what is not installed.

    Examples
    --------
    >>> pip_fix((4, 6))
    "pip uninstall -y rpy2 rpy2-rinterface rpy2-robjects && pip install 'rpy2>=3.6.7'"
    """
    requirement = rpy2_requirement(r_version)
    return f"pip uninstall -y {' '.join(RPY2_DISTRIBUTIONS)} && pip install '{requirement}'"


def _version_tuple(version: str) -> tuple[int, ...] | None:
    match = re.match(r"\s*(\d+(?:\.\d+)*)", version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def rpy2_fits(r_version: tuple[int, int], rpy2_version: str) -> bool | None:
    """Whether ``rpy2_version`` (as its metadata gives it, e.g. ``"3.6.9"``) satisfies
    :func:`rpy2_requirement` for ``r_version``; None when it does not start with a number.

    Examples
    --------
    >>> rpy2_fits((4, 2), "3.6.9"), rpy2_fits((4, 6), "3.6.9")
    (False, True)
    """
    found = _version_tuple(rpy2_version)
    if found is None:
        return None
    if rpy2_requirement(r_version) == RPY2_FOR_OLD_R:
        return (3, 5, 17) <= found < (3, 6)
    return found >= (3, 6, 7)


def diagnose_rpy2_failure(
    error_text: str, r_version: tuple[int, int] | None, rpy2_version: str | None
) -> str | None:
    """Explain, in one line naming both versions, what went wrong and the command that fixes
    it, an rpy2 load failure caused by an rpy2/R mismatch.

    ``error_text`` is what ``import rpy2.robjects`` raised or logged (the exception's text, or a
    whole traceback with the log lines before it); ``r_version`` (:func:`installed_r_version`)
    and ``rpy2_version`` may be None (unknown). None when the text shows no rpy2/R mismatch (R
    missing, a broken ``R_HOME`` and so on are for the caller to explain).

    Examples
    --------
    >>> diagnose_rpy2_failure("undefined symbol: R_ParentEnv", (4, 2), "3.6.9")
    "rpy2 3.6.9 needs R >= 4.5 (R_ParentEnv is missing from R 4.2): run `pip uninstall -y rpy2 \
rpy2-rinterface rpy2-robjects && pip install 'rpy2>=3.5.17,<3.6'`"
    """
    text = " ".join(error_text.split())
    rpy2 = f"rpy2 {rpy2_version}" if rpy2_version else "the installed rpy2"
    r_name = _format_r(r_version)
    missing = re.findall(r"undefined symbol: (\w+)", text)
    missing += re.findall(r"symbol '(\w+)' not found", text)

    def fix(default_r: tuple[int, int]) -> str:
        return pip_fix(r_version if r_version is not None else default_r)

    new_symbol = next((s for s in missing if s in _SYMBOLS_FROM_R_4_5), None)
    if new_symbol is not None and (r_version is None or r_version < NEW_R):
        return (f"{rpy2} needs R >= 4.5 ({new_symbol} is missing from {r_name}): "
                f"run `{fix((4, 4))}`")
    gone_symbol = next((s for s in missing if s in _SYMBOLS_GONE), None)
    if gone_symbol is not None and (r_version is None or r_version >= _SYMBOLS_GONE[gone_symbol]):
        gone_from = _SYMBOLS_GONE[gone_symbol]
        fell_back = " (it fell back to it)" if "Trying to import in ABI mode" in text else ""
        return (f"{rpy2} is too old for {r_name}: {gone_symbol} is missing from R >= "
                f"{gone_from[0]}.{gone_from[1]}, so only rpy2's slower ABI mode can load R"
                f"{fell_back}: run `{fix(gone_from)}`")
    if "cannot import name" in text and "rpy2" in text:
        if r_version is None:
            how = f"`{pip_fix((4, 4))}` (R < 4.5) or `{pip_fix(NEW_R)}` (R >= 4.5)"
        else:
            how = f"`{pip_fix(r_version)}`"
        return (f"{rpy2} is mixed with files of another rpy2 release on {r_name} "
                f"({_first_error(text)}): run {how}")
    if (missing and r_version is not None and rpy2_version is not None
            and rpy2_fits(r_version, rpy2_version) is False):
        return (f"{rpy2} does not fit {r_name} (undefined symbol {missing[0]}): "
                f"run `{pip_fix(r_version)}`")
    return None


def _first_error(text: str) -> str:
    match = re.search(r"(ImportError: .*?)(?: File |$)", text)
    found = match.group(1) if match else text
    return re.sub(r" \(/[^)]*\)", "", found).strip()[:200]


def parse_r_version(text: str) -> tuple[int, int] | None:
    """``(major, minor)`` from what ``R --version`` or ``Rscript --version`` prints; None when
    it names no R version (an R-devel build says "R Under development").

    Examples
    --------
    >>> parse_r_version("R version 4.6.1 (2026-06-13) -- ...")
    (4, 6)
    """
    match = re.search(r"\bversion (\d+)\.(\d+)\.\d+", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _parse_major_minor(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d+) (\d+)\.\d+\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _r_executable() -> str | None:
    # The R that rpy2 would load: $R_HOME's when R_HOME is set, else the one on PATH.
    r_home = os.environ.get("R_HOME")
    if r_home:
        candidate = os.path.join(r_home, "bin", "R")
        return candidate if os.access(candidate, os.X_OK) else None
    return shutil.which("R")


def installed_r_version(timeout: float = R_TIMEOUT) -> tuple[int, int] | None:
    """``(major, minor)`` of the R that rpy2 would load, asked from R itself (``timeout``
    seconds per command), without importing rpy2; None when R is missing, fails, times out or
    its answer cannot be read.

    Runs ``$R_HOME/bin/R --version`` when ``R_HOME`` is set, else ``R --version`` from ``PATH``;
    when that names no version (an R-devel build), asks ``R.version`` through ``Rscript``.
    """
    r_executable = _r_executable()
    if r_executable is None:
        return None
    rscript = os.path.join(os.path.dirname(r_executable), "Rscript")
    # R.version$minor is "2.2" for R 4.2.2; an R-devel build's --version names no number.
    asks = [
        ([r_executable, "--version"], parse_r_version),
        ([rscript, "-e", "cat(R.version$major, R.version$minor)"], _parse_major_minor),
    ]
    env = {**os.environ, "LANG": "C", "LC_ALL": "C"}
    for command, parse in asks:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env=env, stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        found = parse(done.stdout) if done.returncode == 0 else None
        if found is not None:
            return found
    return None


def rpy2_version() -> str | None:
    """The installed rpy2's version, from its metadata (rpy2 itself is not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rpy2")
    except PackageNotFoundError:
        return None


def _main(argv: list[str]) -> int:
    usage = "usage: _rcompat.py {requirement|pip-fix|check} [R_MAJOR.R_MINOR]"
    if not argv or argv[0] not in ("requirement", "pip-fix", "check") or len(argv) > 2:
        print(usage, file=sys.stderr)
        return 2
    if len(argv) == 2:
        match = re.fullmatch(r"(\d+)\.(\d+)(?:\.\d+)?", argv[1])
        if match is None:
            print(f"{argv[1]!r} is not an R version such as 4.5\n{usage}", file=sys.stderr)
            return 2
        r_version: tuple[int, int] | None = (int(match.group(1)), int(match.group(2)))
    else:
        r_version = installed_r_version()
        if r_version is None:
            where = "in $R_HOME/bin" if os.environ.get("R_HOME") else "on PATH"
            print(f"rpy2-requirement: no working R {where} (install it: sudo apt-get install -y "
                  "r-base-core r-cran-cluster)", file=sys.stderr)
            return 1
    assert r_version is not None
    if argv[0] == "check":
        installed = rpy2_version()
        if installed is not None and rpy2_fits(r_version, installed):
            return 0
        print(f"rpy2 {installed or '(not installed)'} does not fit {_format_r(r_version)}: "
              f"run `{pip_fix(r_version)}`", file=sys.stderr)
        return 1
    print(rpy2_requirement(r_version) if argv[0] == "requirement" else pip_fix(r_version))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
