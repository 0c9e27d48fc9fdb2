"""R's results recorded once (``pyseg record-r``) and replayed on machines without R.

``pyseg record-r`` runs the R side once and writes its numbers, with the R version,
``sessionInfo()`` and the SHA-256 of the R code that made them, the way statsmodels and SciPy keep
R reference results (``r_reference/results/``); ``compare --r-results FILE`` replays them. A
recording file is one of two formats:

- :data:`FORMAT`: the default method's own record (``"fits"``, ``"elbows"``: what ``compare`` and
  ``elbow`` ask of R, written by its ``_record.record_r_results``), which may hold entries too;
- :data:`METHODS_FORMAT`: entries only.

The other methods' fits are entries under ``"methods"``, one per set of arguments::

    {"method": "<name>", "arguments": {"k": 5, "linkage": "ward"},
     "features_sha256": "...", "describe": "...", "recorded_by": "pyseg record-r ...",
     "r_code": {"bridge.R": "<sha256>", "<name>.R": "<sha256>"},
     "fit": {"type": "<its FIT_TYPE>", "fields": {"labels": {"ndarray": {"dtype": "int64",
             "shape": [200], "data": [0, 1, ...]}}, "warnings": {"tuple": []}, ...}}}

Arrays keep their dtype and shape, floats their exact value (JSON numbers are written by
``repr``, which round-trips float64), non-finite floats are the strings ``"nan"``, ``"inf"``,
``"-inf"``; tuples and dicts are tagged, so that the replayed fit equals the live one field for
field. Records are keyed by the SHA-256 of the feature matrix (float64, C order), so they match
the same numbers whatever the file's formatting; the file's own SHA-256 is stored too, for people.

What differs between methods is data in each method's ``pyseg/methods/<name>/_record.py``:
``READY`` (optional: the keywords of its R engine's ``check_ready`` that load every R package it
uses). A method recorded as entries also gives ``ARGUMENTS`` (the names of its R engine's ``fit``
arguments after ``X``, also the ``record-r`` flags), ``R_FILES``, ``FIT_TYPE``, ``live_engine()``
and ``runs(dataset, settings, k_values)`` (the arguments ``record-r --method`` records), and
optionally ``recorder(dataset)`` (the live engine to record, default ``live_engine()``); the
default method records its own :data:`FORMAT` with ``record_r_results``. This module is the rest,
once: the file (reading, checking the data and the R version, merging, writing), the entries,
loading R's packages, recording any method, and :class:`RecordedMethodEngine`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import shlex
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError, RUnavailableError
from pyseg._io import check_writable, write_atomic
from pyseg.engines import REngine, r_code_sha256
from pyseg.methods import NAMES, info, part, trait

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg._data import Dataset

FORMAT = "pyseg-recorded-r/1"
#: The format of a recording file that holds other methods' fits only.
METHODS_FORMAT = "pyseg-recorded-r-methods/1"
#: Words of the error messages about writing a recording.
WHAT = "recorded R results to "
#: A JSON list of plain numbers, booleans or nulls, to be kept on one line.
_FLAT_LIST = re.compile(r"\[\n\s*((?:-?[0-9][0-9.eE+-]*|null|true|false|\"-?(?:nan|inf)\"),?"
                        r"(?:\n\s*(?:-?[0-9][0-9.eE+-]*|null|true|false|\"-?(?:nan|inf)\"),?)*)"
                        r"\n\s*\]")


def features_sha256(X: NDArray[np.float64]) -> str:
    """SHA-256 of the feature matrix as float64 in C order (the key of every record)."""
    return hashlib.sha256(np.ascontiguousarray(X, dtype=np.float64).tobytes()).hexdigest()


def load_recording(path: Path, formats: Sequence[str] = (FORMAT, METHODS_FORMAT)) -> dict[str, Any]:
    """Read a recording file of one of ``formats``; anything else is a one-line
    :class:`~pyseg.InputError` (missing, not JSON, not a pyseg recording)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read recorded R results {path}: {exc.strerror}") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"recorded R results {path} are not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg})") from None
    if not isinstance(record, dict) or record.get("format") not in formats:
        raise InputError(f"{path} is not a file of recorded R results (expected format "
                         f"{' or '.join(map(repr, formats))}; write one with `pyseg record-r`)")
    return record


def json_text(record: dict[str, Any]) -> str:
    """Sorted, indented JSON with lists of plain values on one line (readable, small, stable)."""
    text = json.dumps(record, sort_keys=True, indent=1, allow_nan=False)
    return _FLAT_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n"


def default_results_path(dataset: Dataset) -> Path:
    """``<data file stem>-r-results.json`` in the current directory (generated data: ``generated``).

    Never inside the package or a checkout: a recording is the user's file, written where they
    run the command, like any other output.
    """
    stem = dataset.path.stem if dataset.path is not None else "generated"
    return Path(f"{stem}-r-results.json")


def new_recording(format: str, note: str, live_r: Any, dataset: Dataset,
                  X: NDArray[np.float64]) -> dict[str, Any]:
    """A recording's head: format, note, the R that ran (version, provenance) and the data."""
    return {
        "format": format, "note": note, "r_version": live_r.version(), **live_r.provenance(),
        "data": {
            "source": dataset.path.name if dataset.path is not None else str(dataset.source),
            "sha256": dataset.sha256,
            "n_rows": int(dataset.n_rows),
            "features": list(dataset.feature_names),
            "features_sha256": features_sha256(X),
        },
    }


def write_recording(record: dict[str, Any], target: Path, make_parent: bool = False) -> Path:
    """Write ``record`` to ``target`` atomically (``make_parent``: its directory first)."""
    if make_parent:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot write {WHAT}{target}: {exc.strerror or exc}") from None
    write_atomic(json_text(record).encode("utf-8"), target, what=WHAT)
    return target


class Recorded:
    """What every replayed R engine shares: the file (at ``path``, of one of ``formats``), the
    recorded R, the data check."""

    name = "r"
    formats: tuple[str, ...] = (FORMAT, METHODS_FORMAT)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record = load_recording(path, self.formats)

    def version(self) -> str:
        """The version of the R that produced the recorded results."""
        return str(self.record["r_version"])

    def check_ready(self, *_: Any, **__: Any) -> None:
        """Recorded results need no R."""
        return None

    def provenance(self) -> dict[str, Any]:
        """The recorded ``r_components`` and ``r_session_info``."""
        return {key: self.record.get(key) for key in ("r_components", "r_session_info")}

    def summary(self) -> dict[str, Any]:
        """Where the results came from: R version and code hashes, data, the recording command,
        the file."""
        summary = {key: self.record.get(key) for key in ("r_version", "r_components", "r_code",
                                                         "data", "recorded_by")}
        summary["file"] = str(self.path)
        return summary

    def check_data(self, X: NDArray[np.float64]) -> str:
        """The features' SHA-256, if they are the recorded data's; else one error line."""
        key, data = features_sha256(X), self.record["data"]
        if key != data["features_sha256"]:
            raise InputError(
                f"{self.path} records R results for {data['source']} (file SHA-256 "
                f"{data['sha256'][:12]}..., {data['n_rows']} rows), not for this data: run R "
                "itself (drop --r-results) or record this data with `pyseg record-r --data FILE`")
        return key


def recordable(method: str) -> ModuleType:
    """The ``_record`` part of ``method``, if its fits are recorded as entries; else one line."""
    names = [name for name in NAMES if hasattr(part(name, "record"), "ARGUMENTS")]
    if method not in names:
        raise InputError(f"--method {method!r}: R's fits can be recorded for {', '.join(names)}")
    return part(method, "record")


def settle_r_session() -> None:
    """Load the R packages of every method (its R engine's ``check_ready(**READY)``), so that
    ``sessionInfo()`` lists the same packages whatever this process ran before: a method whose
    package is missing loads nothing, except the course's method, whose R every recording needs."""
    for name in NAMES:
        engine = getattr(part(name, "r"), info(name).R_ENGINE)()
        try:
            engine.check_ready(**getattr(part(name, "record"), "READY", {}))
        except RUnavailableError:
            if trait(name, "COURSE_MODEL", False):
                raise


def arguments_dict(method: str, arguments: tuple[Any, ...]) -> dict[str, Any]:
    """``fit``'s arguments after ``X`` by name, as plain JSON values (numpy scalars unwrapped)."""
    names = recordable(method).ARGUMENTS
    if len(arguments) != len(names):
        raise TypeError(f"{method} takes {len(names)} arguments ({', '.join(names)}), "
                        f"got {len(arguments)}")
    return {name: value.item() if isinstance(value, np.generic) else value
            for name, value in zip(names, arguments, strict=True)}


def describe_arguments(method: str, arguments: dict[str, Any]) -> str:
    """``<method> k=5 linkage=ward``: one entry, as error messages list it."""
    return " ".join([method, *(f"{name}={value}" for name, value in arguments.items())])


def record_command(method: str, arguments: dict[str, Any], data: str | None = None,
                   extra: tuple[str, ...] = ()) -> str:
    """The ``pyseg record-r`` command recording ``method`` with ``arguments``: every argument is
    a flag of its name (``min_points`` -> ``--min-points 5``)."""
    words = ["pyseg", "record-r"]
    if data:
        words += ["--data", data]
    words += [*extra, "--method", method]
    for name, value in arguments.items():
        words += [f"--{name.replace('_', '-')}", repr(value) if isinstance(value, float)
                  else str(value)]
    return shlex.join(words)


def data_flags(dataset: Dataset) -> list[str]:
    """``--data <file name>`` and, unless they are the course's, ``--columns``: the data as a
    canonical ``record-r`` command names it (never its directory)."""
    words = ["--data", dataset.path.name] if dataset.path is not None else []
    if not dataset.is_course_schema:
        words += ["--columns", ",".join(dataset.feature_names)]
    return words


def _float_json(value: float) -> float | str:
    return value if math.isfinite(value) else ("nan" if math.isnan(value)
                                               else "inf" if value > 0 else "-inf")


def encode_value(value: Any) -> Any:
    """A fit field as JSON: arrays with dtype and shape, tagged tuples and dicts, exact floats."""
    if isinstance(value, np.ndarray):
        data = value.ravel().tolist()
        if value.dtype.kind == "f":
            data = [_float_json(x) for x in data]
        elif value.dtype.kind not in "biu":
            raise TypeError(f"cannot record an array of dtype {value.dtype}")
        return {"ndarray": {"dtype": str(value.dtype), "shape": list(value.shape), "data": data}}
    if isinstance(value, np.generic):
        return encode_value(value.item())
    if isinstance(value, tuple):
        return {"tuple": [encode_value(item) for item in value]}
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        return {"dict": {str(key): encode_value(item) for key, item in value.items()}}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": _float_json(value)}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    (tag, inner), = value.items()
    if tag == "ndarray":
        data = inner["data"]
        if np.dtype(inner["dtype"]).kind == "f":
            data = [float(x) for x in data]
        return np.asarray(data, dtype=inner["dtype"]).reshape(inner["shape"])
    if tag == "tuple":
        return tuple(decode_value(item) for item in inner)
    if tag == "dict":
        return {key: decode_value(item) for key, item in inner.items()}
    if tag == "float":
        return float(inner)
    raise ValueError(f"unknown tag {tag!r} in a recorded fit")


def encode_fit(fit: Any) -> dict[str, Any]:
    """A fit dataclass as ``{"type": name, "fields": {field: encoded value}}``."""
    return {"type": type(fit).__name__,
            "fields": {f.name: encode_value(getattr(fit, f.name))
                       for f in dataclasses.fields(fit)}}


def decode_fit(method: str, record: dict[str, Any]) -> Any:
    """The fit dataclass of ``method`` rebuilt from :func:`encode_fit`'s record."""
    cls = recordable(method).FIT_TYPE
    if record.get("type") != cls.__name__:
        raise ValueError(f"a recorded {method} fit should be a {cls.__name__}, "
                         f"not {record.get('type')}")
    return cls(**{name: decode_value(value) for name, value in record["fields"].items()})


def base_fit(fit: Any, cls: type) -> Any:
    """The fields of ``cls`` (a base fit dataclass) taken from ``fit`` (a recorded subclass)."""
    return cls(**{f.name: getattr(fit, f.name) for f in dataclasses.fields(cls)})


def fits_equal(a: Any, b: Any) -> bool:
    """Two fit dataclasses of the same type with equal fields (arrays: same dtype, shape and
    values, NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            x, y = np.asarray(x), np.asarray(y)
            if x.dtype != y.dtype or not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                return False
        elif x != y:
            return False
    return True


def _existing(target: Path, X: NDArray[np.float64], r_version: str) -> dict[str, Any] | None:
    """The recording already at ``target`` that new entries join, checked; None if absent."""
    if not target.exists():
        return None
    record = load_recording(target)
    if record["data"]["features_sha256"] != features_sha256(X):
        raise InputError(f"{target} holds R results for {record['data']['source']}, not for this "
                         "data: give another --output")
    if record.get("r_version") != r_version:
        raise InputError(f"{target} was recorded with {record.get('r_version')}, this is "
                         f"{r_version}: give another --output")
    return record


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
    """Run R's ``method`` on ``dataset`` once per arguments in ``runs`` (tuples in the order of
    its ``_record.ARGUMENTS``) and record the fits in ``path`` (default
    :func:`default_results_path`), atomically.

    A recording of the same data and R version already at ``path`` keeps its content; these
    entries join (or replace) its own, sorted, so the same recordings give the same bytes
    whatever their order. ``dataset`` holds the features as compared (already scaled with
    ``--scale z``; ``scale`` goes into the canonical ``recorded_by`` command unless
    ``command_line`` is given); ``engine`` is the live R engine (default the method's
    ``live_engine()``). Unknown method, bad arguments, a file of other data or another R version
    at ``path``, or a ``path`` that cannot be written are one-line :class:`~pyseg.InputError`.
    """
    spec = recordable(method)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    wanted = [arguments_dict(method, tuple(run)) for run in runs]
    if not wanted:
        raise InputError(f"record-r --method {method}: nothing to record")
    target = Path(path) if path is not None else default_results_path(dataset)
    check_writable(target, WHAT)
    engine = engine if engine is not None else spec.live_engine()
    live_r = REngine()
    settle_r_session()  # before any fit: the same sessionInfo() whatever ran before
    record = _existing(target, X, live_r.version())
    canonical = (*data_flags(dataset), *(("--scale", scale) if scale != "none" else ()))
    entries = {}
    for arguments in wanted:
        fit = engine.fit(X, *arguments.values())
        entries[json.dumps(arguments, sort_keys=True)] = {
            "method": method, "arguments": arguments, "features_sha256": features_sha256(X),
            "describe": describe_arguments(method, arguments),
            "recorded_by": command_line or record_command(method, arguments, extra=canonical),
            "r_code": r_code_sha256(spec.R_FILES), "fit": encode_fit(fit)}
    if record is None:
        record = new_recording(METHODS_FORMAT, "Fits computed by R from the data below; the data "
                               "itself is not stored here.", live_r, dataset, X)
    kept = [e for e in record.get("methods", [])
            if e["method"] != method or json.dumps(e["arguments"], sort_keys=True) not in entries]
    record["methods"] = sorted([*kept, *entries.values()], key=lambda e: (
        e["method"], [e["arguments"][name] for name in sorted(e["arguments"])]))
    return write_recording(record, target)


class RecordedMethodEngine(Recorded):
    """The R engine of ``method`` (recorded as entries, :func:`recordable`) replaced by its fits
    recorded in the file at ``path`` (``pyseg record-r --method``); a subclass may name its
    method once, as ``method``, and adapt ``fit`` to its R engine's interface."""

    method = ""

    def __init__(self, path: Path, method: str | None = None) -> None:
        self.method = method or self.method
        self.spec = recordable(self.method)
        super().__init__(path)

    def _entries(self) -> list[dict[str, Any]]:
        return [e for e in self.record.get("methods", []) if e["method"] == self.method]

    def summary(self) -> dict[str, Any]:
        """As :meth:`Recorded.summary`, with this method's entries' commands (a list) and code."""
        entries = self._entries()
        return {**super().summary(), "recorded_by": sorted({e["recorded_by"] for e in entries}),
                "r_code": entries[0]["r_code"] if entries else None}

    def fit(self, X: NDArray[np.float64], *arguments: Any) -> Any:
        """The fit recorded for these features and ``arguments`` (``fit``'s after ``X``)."""
        wanted = arguments_dict(self.method, arguments)
        key = self.check_data(X)
        entries = self._entries()
        for entry in entries:
            if entry["features_sha256"] == key and entry["arguments"] == wanted:
                return decode_fit(self.method, entry["fit"])
        recorded = "; ".join(sorted(describe_arguments(self.method, e["arguments"])
                                    for e in entries)) or "nothing"
        raise InputError(
            f"{self.path} has no recorded R fit for {describe_arguments(self.method, wanted)}; "
            f"it records: {recorded} (record it with "
            f"`{record_command(self.method, wanted, self.record['data']['source'])}`)")

    def _no(self, what: str) -> RUnavailableError:
        return RUnavailableError(f"{self.path} holds R's {self.method} fits, not {what}: run R "
                                 "itself (drop --r-results)")

    def knn_distances(self, X: NDArray[np.float64], k: int) -> NDArray[np.float64]:
        raise self._no("R's k-nearest-neighbour distances")

    def predict(self, *_: Any) -> Any:
        """Recorded fits hold no predictions: one error line (as ``nearest_medoid``)."""
        raise self._no("R's predictions")

    nearest_medoid = predict

    def dendrogram_png(self, X: NDArray[np.float64], *args: Any, **kwargs: Any) -> bytes:
        raise self._no("R's plots")

