"""The one place where pyseg talks to R (through rpy2); only :mod:`pyseg.engines` imports it.

R code lives only in ``r_reference/*.R``, shipped inside the package and found with
:mod:`importlib.resources`. Each file is evaluated once into its own environment
(rpy2's ``SignatureTranslatedAnonymousPackage``) and cached. Data goes to R as R objects, converted
inside ``localconverter(default_converter + numpy2ri.converter)``; no R source is ever built from
Python strings or user data.

R warnings are collected in R (``pyseg_call`` in ``r_reference/bridge.R``) and returned with the
value; anything R prints on its console is captured too, so nothing reaches the terminal raw.

The R session's own facts, whichever method ran, are asked here too: R's version, ``sessionInfo()``
and the versions of R's components, the installed versions of R packages, and the SHA-256 of
pyseg's R code (recorded results are pinned to it).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.resources
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pyseg._errors import REvaluationError, RUnavailableError
from pyseg.r._compat import (
    diagnose_rpy2_failure,
    installed_r_version,
    parse_r_version,
    pip_fix,
    rpy2_fits,
    rpy2_version,
)

#: What a new user runs to get R, as Debian/Ubuntu packages.
APT_FIX = "sudo apt-get install -y r-base-core r-cran-cluster"
_PROVENANCE = "provenance.R"

_lock = threading.RLock()
_depth = 0
_console: list[str] = []


@contextlib.contextmanager
def _r_turn() -> Iterator[None]:
    """Hold embedded R for one call, with Python's cyclic garbage collector off meanwhile.

    rpy2's vectors sit in reference cycles (a vector and its ``.rx``/``.ro`` delegators), so
    they are freed by the cyclic collector, whose ``__del__`` calls R's ``R_ReleaseObject``
    without any lock. The collector runs in whichever thread happens to allocate: while R
    evaluates here, that can be the scikit-learn fit that ``run_both`` runs beside it, and R
    touched from two threads at once crashed a CI run (``elbow --method gmm``, SIGSEGV). So no
    automatic collection happens while R runs, and the call's own garbage is collected right
    after, on R's thread (it is all still in the youngest generation: 0.1 ms).
    """
    global _depth
    with _lock:
        enabled = gc.isenabled() if _depth == 0 else False
        gc.disable()
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                gc.collect(0)
                if enabled:
                    gc.enable()


def r_reference_dir() -> Path:
    """Directory holding pyseg's ``.R`` files (``pyseg/r_reference``, a package resource): in a
    checkout a link to the repository's ``r_reference/``, in a wheel the files themselves."""
    folder = importlib.resources.files("pyseg") / "r_reference"
    path = Path(str(folder))
    if not (path / "bridge.R").is_file():
        raise RUnavailableError(f"pyseg's R code is missing from {path}: reinstall pyseg")
    return path


def _diagnose_load_failure(exc: BaseException, logged: str = "") -> RUnavailableError:
    """One line with the fix for rpy2 failing to load R (``logged``: what rpy2 logged first)."""
    text = " ".join(str(exc).split())
    r_home = os.environ.get("R_HOME")
    if r_home and not (Path(r_home) / "bin" / "R").exists():
        return RUnavailableError(
            f"R_HOME={r_home!r} is not an R installation: run `unset R_HOME` (or set it to the "
            f"output of `R RHOME`); if R is not installed, run `{APT_FIX}`"
        )
    if shutil.which("R") is None and not r_home:
        return RUnavailableError(f"R is not installed: run `{APT_FIX}`")
    r_version = installed_r_version()
    fix = pip_fix(r_version) if r_version is not None else "pip install rpy2"
    if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.startswith("rpy2"):
        return RUnavailableError(f"rpy2 is not installed: run `{fix}`")
    mismatch = diagnose_rpy2_failure(f"{logged} {text}", r_version, rpy2_version())
    if mismatch is not None:
        return RUnavailableError(mismatch)
    return RUnavailableError(f"R could not be loaded through rpy2 ({text}): run `{APT_FIX}` "
                             f"and `{fix}`")


def _check_rpy2_fits_r(robjects: Any) -> None:
    """Refuse an rpy2 that loaded only through its ABI fallback (or any rpy2 not made for
    this R), with the one pip command that fixes it for this R."""
    version = robjects.baseenv["R.version.string"][0]
    r_version = parse_r_version(str(version))
    installed = rpy2_version()
    if r_version is not None and installed is not None and rpy2_fits(r_version, installed) is False:
        raise RUnavailableError(
            f"rpy2 {installed} does not fit {version.split(' (')[0]}: run `{pip_fix(r_version)}`"
        )


class _Collect(logging.Handler):
    """Keeps what rpy2 logs while it loads (e.g. why its API mode failed), for the diagnosis."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _capture_console(text: str) -> None:
    _console.append(text)


@functools.cache
def _rpy2() -> Any:
    """Import and initialise rpy2 once, routing R's console into pyseg."""
    r_home = os.environ.get("R_HOME")
    if r_home and not (Path(r_home) / "bin" / "R").exists():
        # rpy2 would otherwise fail later with a less helpful message, or abort the process.
        raise _diagnose_load_failure(RuntimeError("invalid R_HOME"))
    # rpy2 logs its failures to find R at ERROR level; with no logging configured Python would
    # print them raw on stderr, before the one-line message pyseg gives with the fix. The lines
    # are kept for that message instead.
    logger = logging.getLogger("rpy2")
    collected = _Collect()
    logger.addHandler(collected)
    logger.propagate = False
    try:
        import rpy2.rinterface_lib.callbacks as callbacks
        import rpy2.robjects as robjects
        from rpy2.rinterface_lib.embedded import RRuntimeError
        from rpy2.robjects import default_converter, numpy2ri
        from rpy2.robjects.conversion import localconverter
        from rpy2.robjects.packages import SignatureTranslatedAnonymousPackage
    except Exception as exc:  # rpy2 raises ImportError, OSError, RuntimeError or its own types
        raise _diagnose_load_failure(exc, " ".join(collected.lines)) from exc
    finally:
        logger.removeHandler(collected)
        logger.addHandler(logging.NullHandler())
    _check_rpy2_fits_r(robjects)
    callbacks.consolewrite_print = _capture_console
    callbacks.consolewrite_warnerror = _capture_console
    return {
        "robjects": robjects,
        "converter": default_converter + numpy2ri.converter,
        "localconverter": localconverter,
        "STAP": SignatureTranslatedAnonymousPackage,
        "RRuntimeError": RRuntimeError,
    }


@functools.cache
def _script(name: str) -> Any:
    rpy2 = _rpy2()
    path = r_reference_dir() / name
    if not path.is_file():
        raise RUnavailableError(f"pyseg's R file {path} is missing: reinstall pyseg")
    # Evaluating the file's own text (not text built here) defines its functions in a private env.
    with rpy2["localconverter"](rpy2["converter"]):
        try:
            package = rpy2["STAP"](path.read_text(encoding="utf-8"), name=path.stem)
        except Exception as exc:
            raise REvaluationError(f"{path}: {_one_line(exc)}") from exc
    # PYSEG_NEEDS names other pyseg R files whose functions the file uses (under Rscript it
    # sys.sources them): their functions join its environment.
    if "PYSEG_NEEDS" in package._env:
        for needed in package._env["PYSEG_NEEDS"]:
            shared = _script(str(needed))._env
            for symbol in shared:
                package._env[symbol] = shared[symbol]
    return package


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    text = re.sub(r"^Error( in [^:]*)?:\s*", "", text)
    return " ".join(text.split())


def _to_python(value: Any) -> Any:
    """R objects (already through numpy2ri) to plain Python: dicts, lists, numpy arrays."""
    import numpy as np
    from rpy2.rinterface_lib.sexp import NULLType
    from rpy2.rlike.container import OrdDict

    if isinstance(value, NULLType) or value is None:
        return None
    if isinstance(value, OrdDict):
        return {str(key): _to_python(item) for key, item in value.items()}
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return [str(item) for item in value]
    if hasattr(value, "names") and hasattr(value, "__iter__") and not isinstance(value, np.ndarray):
        items = [_to_python(item) for item in value]
        # rpy2 3.5 gives R vectors a names property; rpy2 3.6's NamedList, a names() method.
        raw_names = value.names() if callable(value.names) else value.names
        names = list(raw_names) if raw_names is not None else []
        return dict(zip(map(str, names), items, strict=True)) if names and all(names) else items
    return value


def _evaluate(script: str, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]
              ) -> tuple[Any, str]:
    """:func:`r_call`'s work with R held: the converted value and what R printed."""
    rpy2 = _rpy2()
    conversion = rpy2["robjects"].conversion
    if conversion.get_conversion() is conversion.missingconverter:
        # rpy2 keeps its rules in a ContextVar set by the thread that imported it: another
        # thread (a Dask worker's task thread) starts without them
        conversion.set_conversion(rpy2["robjects"].default_converter)
    bridge = _script("bridge.R")
    module = _script(script)
    try:
        func = getattr(module, function.replace(".", "_"))
    except AttributeError:
        raise REvaluationError(f"{script} defines no function {function!r}") from None
    robjects = rpy2["robjects"]
    del _console[:]
    with rpy2["localconverter"](rpy2["converter"]):
        try:
            call_args = robjects.vectors.ListVector.from_length(len(args) + len(kwargs))
            names = [""] * len(args) + list(kwargs)
            for index, arg in enumerate([*args, *kwargs.values()]):
                # rpy2 turns a Python str into nothing a list can hold; R wants a character
                # vector of length 1 (data, never evaluated: file names stay plain strings)
                value = robjects.StrVector([arg]) if isinstance(arg, str) else arg
                call_args[index] = rpy2["converter"].py2rpy(value)
            call_args.names = robjects.StrVector(names)
            result = bridge.pyseg_call(func, call_args)
        except rpy2["RRuntimeError"] as exc:
            raise REvaluationError(f"R error in {function}(): {_one_line(exc)}") from exc
        converted = _to_python(result)
    printed = "".join(_console).strip()
    del _console[:]
    return converted, printed


def r_call(script: str, function: str, *args: Any, **kwargs: Any) -> tuple[Any, tuple[str, ...]]:
    """Call ``function``, defined at the top level of ``r_reference/<script>``, with numpy
    arrays (a 2-D float array becomes a numeric matrix), Python scalars and strings.

    Returns its value (named list -> dict, vector or matrix -> ndarray, character -> list of
    str, NULL -> None) and R's warnings during the call plus anything R printed. Raises
    :class:`RUnavailableError` (with the fix) when R or rpy2 cannot be loaded,
    :class:`REvaluationError` with R's own message on one line when R raised an error.
    """
    # The call's rpy2 objects are garbage once _evaluate has returned: _r_turn collects them.
    with _r_turn():
        converted, printed = _evaluate(script, function, args, kwargs)
    raw_warnings = converted.get("warnings")
    # character(0) arrives as an empty float array, a single warning as a list of one str
    warnings = [str(w) for w in raw_warnings] if isinstance(raw_warnings, list) else []
    if printed:
        warnings.append(f"R printed: {' '.join(printed.split())}")
    # kmeans(nstart = 10) repeats one warning per start; say each distinct warning once
    return converted["value"], tuple(dict.fromkeys(warnings))


@functools.cache
def r_version() -> str:
    """R's version string, e.g. ``"R version 4.2.2 Patched (2022-11-10 r83330)"``."""
    value, _ = r_call("bridge.R", "r_version_string")
    return str(value[0])


def provenance() -> dict[str, Any]:
    """``r_components`` (versions of R, cluster, BLAS, LAPACK) and ``r_session_info``
    (``sessionInfo()`` as printed, without the locale block)."""
    lines, _ = r_call(_PROVENANCE, "session_info_lines")
    value, _ = r_call(_PROVENANCE, "r_component_versions")
    return {"r_components": _versions(value),
            "r_session_info": [str(line).rstrip() for line in lines]}


def package_versions(packages: Sequence[str]) -> dict[str, str | None]:
    """The installed version of each named R package (None where it is not installed)."""
    import numpy as np

    value, _ = r_call(_PROVENANCE, "r_package_versions",
                      np.asarray([str(name) for name in packages], dtype=str))
    return _versions(value)


def _versions(value: dict[str, Any]) -> dict[str, str | None]:
    # character NA arrives as the string "NA"
    return {str(key): (None if not items or items[0] == "NA" else str(items[0]))
            for key, items in value.items()}


def r_code_sha256(names: Sequence[str]) -> dict[str, str]:
    """SHA-256 of each named file of pyseg's R code."""
    folder = r_reference_dir()
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def end_r() -> None:
    """Shut down R if it was started (R removes its session's temporary directory), so that a
    worker process can exit at once afterwards."""
    if _rpy2.cache_info().currsize:
        import rpy2.rinterface as rinterface

        rinterface.endr(0)
