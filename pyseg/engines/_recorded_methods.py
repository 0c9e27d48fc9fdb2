"""R's fits of the other methods (hierarchical, DBSCAN, ...), recorded and replayed.

``pyseg record-r --method M`` (:func:`pyseg._method_recorder.record_method_results`) runs R's
engine of method ``M`` once per set of arguments and keeps every fit, field by field, under the
``"methods"`` key of a recording file: a K-Means recording (``pyseg-recorded-r/1``, whose own
content stays as it was) or a file of its own (:data:`METHODS_FORMAT`). One entry is::

    {"method": "hierarchical", "arguments": {"k": 5, "linkage": "ward"},
     "features_sha256": "...", "describe": "...", "recorded_by": "pyseg record-r ...",
     "r_code": {"bridge.R": "<sha256>", "hierarchical.R": "<sha256>"},
     "fit": {"type": "HierarchicalFit", "fields": {"labels": {"ndarray": {"dtype": "int64",
             "shape": [200], "data": [0, 1, ...]}}, "warnings": {"tuple": []}, ...}}}

Arrays keep their dtype and shape, floats their exact value (JSON numbers are written by
``repr``, which round-trips float64), non-finite floats are the strings ``"nan"``, ``"inf"``,
``"-inf"``; tuples and dicts are tagged, so that the replayed fit equals the live one field for
field. :class:`RecordedMethodEngine` stands in for a method's R engine: ``fit(X, *arguments)``
returns the entry recorded for the same features and arguments, or one error line that names
the command recording it.

A new method joins with one line in :data:`RECORDABLE`: its fit dataclass, its live R engine and
the names of ``fit``'s arguments after ``X`` (both exported by :mod:`pyseg.engines`), and its
R files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError, RUnavailableError
from pyseg.methods.kmeans._recorded import FORMAT, features_sha256, load_recorded

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: The format of a recording file that holds other methods' fits only.
METHODS_FORMAT = "pyseg-recorded-r-methods/1"


@dataclass(frozen=True)
class RecordableMethod:
    """What recording and replaying one method needs.

    Attributes
    ----------
    fit_type : str
        Name (in :mod:`pyseg.engines`) of the frozen dataclass its engines' ``fit`` returns.
    r_engine : str
        Name (in :mod:`pyseg.engines`) of its live R engine.
    arguments : tuple of str
        Names of ``fit``'s arguments after ``X``, in order; also the ``record-r`` flags
        (``min_points`` -> ``--min-points``).
    r_files : tuple of str
        The files of ``r_reference/`` whose code produces the fit.
    ready : tuple of (str, object)
        Keyword arguments of the R engine's ``check_ready`` that load all its R packages.
    """

    fit_type: str
    r_engine: str
    arguments: tuple[str, ...]
    r_files: tuple[str, ...]
    ready: tuple[tuple[str, Any], ...] = ()


#: Every method whose R fits can be recorded, by ``--method`` name.
RECORDABLE: dict[str, RecordableMethod] = {
    "hierarchical": RecordableMethod("HierarchicalFit", "RHierarchicalEngine", ("k", "linkage"),
                                     ("bridge.R", "hierarchical.R"), (("vector", True),)),
    "dbscan": RecordableMethod("DbscanFit", "RDbscanEngine", ("eps", "min_points"),
                               ("bridge.R", "dbscan.R")),
    # PAM and GMM record through adapters of _pam_gmm_recorded (columns, starting partition)
    "pam": RecordableMethod("RecordedPamFit", "RPamRecorder", ("k", "distance"),
                            ("bridge.R", "pam.R")),
    "gmm": RecordableMethod("RecordedGmmFit", "RGmmRecorder", ("k", "covariance", "mode"),
                            ("bridge.R", "gmm.R")),
}


def recordable(method: str) -> RecordableMethod:
    """The :data:`RECORDABLE` entry of ``method``, or a one-line :class:`~pyseg.InputError`."""
    if method not in RECORDABLE:
        raise InputError(f"--method {method!r}: R's fits can be recorded for "
                         f"{', '.join(RECORDABLE)}")
    return RECORDABLE[method]


def settle_r_session() -> None:
    """Load the R packages of K-Means and of every recordable method that is installed, so that
    ``sessionInfo()`` lists the same packages whatever this process ran before."""
    _engines_attribute("REngine")().check_ready(silhouette=True)
    for spec in RECORDABLE.values():
        with contextlib.suppress(RUnavailableError):
            _engines_attribute(spec.r_engine)().check_ready(**dict(spec.ready))


def _engines_attribute(name: str) -> Any:
    import pyseg.engines

    return getattr(pyseg.engines, name)


def arguments_dict(method: str, arguments: tuple[Any, ...]) -> dict[str, Any]:
    """``fit``'s arguments after ``X`` by name, as plain JSON values (numpy scalars unwrapped)."""
    names = recordable(method).arguments
    if len(arguments) != len(names):
        raise TypeError(f"{method} takes {len(names)} arguments ({', '.join(names)}), "
                        f"got {len(arguments)}")
    return {name: value.item() if isinstance(value, np.generic) else value
            for name, value in zip(names, arguments, strict=True)}


def describe_arguments(method: str, arguments: dict[str, Any]) -> str:
    """``hierarchical k=5 linkage=ward``: one entry, as error messages list it."""
    return " ".join([method, *(f"{name}={value}" for name, value in arguments.items())])


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
    fit_type = recordable(method).fit_type
    if record.get("type") != fit_type:
        raise ValueError(f"a recorded {method} fit should be a {fit_type}, "
                         f"not {record.get('type')}")
    cls = _engines_attribute(fit_type)
    return cls(**{name: decode_value(value) for name, value in record["fields"].items()})


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


def load_method_record(path: Path) -> dict[str, Any]:
    """A recording file with method entries: a K-Means recording or a :data:`METHODS_FORMAT`
    file; anything else is a one-line :class:`~pyseg.InputError`."""
    try:
        return load_recorded(path)
    except InputError as exc:
        if f"{FORMAT!r}" not in str(exc):
            raise
    record = json.loads(Path(path).read_text(encoding="utf-8"))  # valid JSON: checked above
    if not isinstance(record, dict) or record.get("format") != METHODS_FORMAT:
        raise InputError(f"{path} is not a file of recorded R results (expected format "
                         f"{FORMAT!r} or {METHODS_FORMAT!r}; write one with `pyseg record-r`)")
    return record


class RecordedMethodEngine:
    """One method's R engine replaced by fits recorded with ``pyseg record-r --method``.

    Parameters
    ----------
    path : Path
        A recording file (see the module's docstring).
    method : str
        A key of :data:`RECORDABLE`.
    """

    name = "r"

    def __init__(self, path: Path, method: str) -> None:
        self.spec = recordable(method)
        self.path, self.method = path, method
        self.record = load_method_record(path)

    def version(self) -> str:
        """The version of the R that produced the recorded fits."""
        return str(self.record["r_version"])

    def check_ready(self, **_: Any) -> None:
        """Recorded results need no R."""
        return None

    def provenance(self) -> dict[str, Any]:
        """The recorded ``r_components`` and ``r_session_info``."""
        return {key: self.record.get(key) for key in ("r_components", "r_session_info")}

    def summary(self) -> dict[str, Any]:
        """Where the fits came from: R version, data, file (as RecordedREngine's summary)."""
        summary = {key: self.record.get(key) for key in ("r_version", "r_components", "data")}
        entries = [e for e in self.record.get("methods", []) if e["method"] == self.method]
        summary["recorded_by"] = sorted({e["recorded_by"] for e in entries})
        summary["r_code"] = entries[0]["r_code"] if entries else None
        summary["file"] = str(self.path)
        return summary

    def fit(self, X: NDArray[np.float64], *arguments: Any) -> Any:
        """The fit recorded for these features and ``arguments`` (``fit``'s after ``X``)."""
        wanted = arguments_dict(self.method, arguments)
        key = features_sha256(X)
        data = self.record["data"]
        if key != data["features_sha256"]:
            raise InputError(
                f"{self.path} records R results for {data['source']} (file SHA-256 "
                f"{data['sha256'][:12]}..., {data['n_rows']} rows), not for this data: run R "
                "itself (drop --r-results) or record this data with `pyseg record-r --data FILE`")
        entries = [e for e in self.record.get("methods", []) if e["method"] == self.method]
        for entry in entries:
            if entry["features_sha256"] == key and entry["arguments"] == wanted:
                return decode_fit(self.method, entry["fit"])
        recorded = "; ".join(sorted(describe_arguments(self.method, e["arguments"])
                                    for e in entries)) or "nothing"
        raise InputError(
            f"{self.path} has no recorded R fit for {describe_arguments(self.method, wanted)}; "
            f"it records: {recorded} (record it with "
            f"`{record_command(self.method, wanted, data['source'])}`)")

    def _no(self, what: str) -> RUnavailableError:
        return RUnavailableError(f"{self.path} holds R's {self.method} fits, not {what}: run R "
                                 "itself (drop --r-results)")

    def knn_distances(self, X: NDArray[np.float64], k: int) -> NDArray[np.float64]:
        raise self._no("R's k-nearest-neighbour distances")

    def predict(self, X: NDArray[np.float64], fit: Any, new: NDArray[np.float64]) -> Any:
        raise self._no("R's predictions")

    def dendrogram_png(self, X: NDArray[np.float64], *args: Any, **kwargs: Any) -> bytes:
        raise self._no("R's plots")


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
