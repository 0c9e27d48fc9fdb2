"""Recording R's fits of the other methods (``pyseg record-r --method hierarchical|dbscan``).

:func:`record_method_results` runs a method's live R engine once per set of arguments and keeps
every fit (see :mod:`pyseg.engines._recorded_methods` for the entry format) under the
``"methods"`` key of a recording file, so that ``compare --method M --r-results FILE`` replays
them on machines without R. A K-Means recording written by :func:`pyseg.methods.kmeans._recorder.
record_r_results` (``pyseg record-r``, unchanged) can take them too: the default path is the
same ``<data file stem>-r-results.json``, so one file serves ``compare --method all``. Entries
recorded again replace the earlier ones; entries are sorted, so the same recordings give the
same bytes whatever their order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._io import check_writable, write_atomic
from pyseg.engines import REngine, r_code_sha256
from pyseg.engines._recorded_methods import (
    METHODS_FORMAT,
    _engines_attribute,
    arguments_dict,
    describe_arguments,
    encode_fit,
    load_method_record,
    record_command,
    recordable,
    settle_r_session,
)
from pyseg.methods.kmeans._recorded import features_sha256
from pyseg.methods.kmeans._recorder import default_results_path

#: A JSON list of plain numbers, booleans or nulls, to be kept on one line.
_FLAT_LIST = re.compile(r"\[\n\s*((?:-?[0-9][0-9.eE+-]*|null|true|false|\"-?(?:nan|inf)\"),?"
                        r"(?:\n\s*(?:-?[0-9][0-9.eE+-]*|null|true|false|\"-?(?:nan|inf)\"),?)*)"
                        r"\n\s*\]")


def methods_json_text(record: dict[str, Any]) -> str:
    """Sorted, indented JSON with lists of plain values on one line (readable, small, stable)."""
    text = json.dumps(record, sort_keys=True, indent=1, allow_nan=False)
    return _FLAT_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n"


def _data_record(dataset: Dataset, X: np.ndarray) -> dict[str, Any]:
    return {
        "source": dataset.path.name if getattr(dataset, "path", None) else str(dataset.source),
        "sha256": dataset.sha256,
        "n_rows": int(dataset.n_rows),
        "features": list(dataset.feature_names),
        "features_sha256": features_sha256(X),
    }


def _existing(target: Path, X: np.ndarray, r_version: str) -> dict[str, Any] | None:
    """The recording already at ``target`` that new entries join, checked; None if absent."""
    if not target.exists():
        return None
    record = load_method_record(target)
    if record["data"]["features_sha256"] != features_sha256(X):
        raise InputError(f"{target} holds R results for {record['data']['source']}, not for this "
                         "data: give another --output")
    if record.get("r_version") != r_version:
        raise InputError(f"{target} was recorded with {record.get('r_version')}, this is "
                         f"{r_version}: give another --output")
    return record


def _canonical(dataset: Dataset, method: str, arguments: dict[str, Any], scale: str) -> str:
    extra: tuple[str, ...] = ()
    if not dataset.is_course_schema:
        extra += ("--columns", ",".join(dataset.feature_names))
    if scale != "none":
        extra += ("--scale", scale)
    name = dataset.path.name if getattr(dataset, "path", None) else None
    return record_command(method, arguments, name, extra)


def record_method_results(
    dataset: Dataset,
    method: str,
    runs: Iterable[Sequence[Any]],
    path: Path | None = None,
    *,
    scale: str = "none",
    command_line: str | None = None,
    engine: Any = None,
) -> Path:
    """Run R's ``method`` on ``dataset`` once per arguments in ``runs`` and record the fits.

    Parameters
    ----------
    dataset : Dataset
        The features as compared (already scaled with ``--scale z``).
    method : str
        A key of :data:`pyseg.engines._recorded_methods.RECORDABLE`: ``"hierarchical"``
        (arguments ``(k, linkage)``) or ``"dbscan"`` (``(eps, min_points)``).
    runs : iterable of tuple
        The arguments of each fit, e.g. ``[(k, "ward") for k in range(2, 11)]``.
    path : Path, optional
        Default :func:`pyseg.methods.kmeans._recorder.default_results_path`. An existing recording
        of the same data and R version there keeps its content; these entries join (or replace) its
        own.
    scale : str, default="none"
        Recorded in the entries' ``recorded_by`` command.
    command_line : str, optional
        ``recorded_by`` of every entry; default the canonical ``pyseg record-r`` command of
        that entry (data file name, columns, scale, method and its arguments).
    engine : optional
        The live R engine (default: the method's R engine in this process).

    Returns
    -------
    Path
        The file written (atomically).

    Raises
    ------
    InputError
        Unknown method, bad arguments (the comparison's own checks), a file of other data or
        another R version at ``path``, or ``path`` cannot be written.
    RUnavailableError
        R, rpy2 or the method's R package is missing.
    """
    spec = recordable(method)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    wanted = [arguments_dict(method, tuple(run)) for run in runs]
    if not wanted:
        raise InputError(f"record-r --method {method}: nothing to record")
    target = Path(path) if path is not None else default_results_path(dataset)
    check_writable(target, "recorded R results to ")
    engine = engine if engine is not None else _engines_attribute(spec.r_engine)()
    live_r = REngine()
    settle_r_session()  # before any fit: the same sessionInfo() whatever ran before
    record = _existing(target, X, live_r.version())
    entries = {}
    for arguments in wanted:
        fit = engine.fit(X, *arguments.values())
        entries[json.dumps(arguments, sort_keys=True)] = {
            "method": method, "arguments": arguments, "features_sha256": features_sha256(X),
            "describe": describe_arguments(method, arguments),
            "recorded_by": command_line or _canonical(dataset, method, arguments, scale),
            "r_code": r_code_sha256(spec.r_files), "fit": encode_fit(fit)}
    if record is None:
        record = {"format": METHODS_FORMAT, "note": "Fits computed by R from the data below; "
                  "the data itself is not stored here.", "r_version": live_r.version(),
                  **live_r.provenance(), "data": _data_record(dataset, X)}
    kept = [e for e in record.get("methods", [])
            if e["method"] != method or json.dumps(e["arguments"], sort_keys=True) not in entries]
    record["methods"] = sorted([*kept, *entries.values()], key=lambda e: (
        e["method"], [e["arguments"][name] for name in sorted(e["arguments"])]))
    write_atomic(methods_json_text(record).encode("utf-8"), target,
                 what="recorded R results to ")
    return target
