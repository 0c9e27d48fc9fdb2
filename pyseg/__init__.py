"""pyseg: the course's mall-customer K-Means in Python and R, and proof that they agree.

The public API is re-exported here. Names load lazily (PEP 562) so that ``pyseg --help`` and
``pyseg predict --model`` do not pay for importing scikit-learn, pandas or rpy2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> private module that defines it.
_EXPORTS: dict[str, str] = {
    # errors and exit codes
    "ExitCode": "pyseg._errors",
    "PysegError": "pyseg._errors",
    "InputError": "pyseg._errors",
    "RUnavailableError": "pyseg._errors",
    "REvaluationError": "pyseg._errors",
    # engines
    "CourseSettings": "pyseg._engines",
    "FitResult": "pyseg._engines",
    "Engine": "pyseg._engines",
    "SklearnEngine": "pyseg._engines",
    "PYTHON_COURSE": "pyseg._engines",
    "R_COURSE": "pyseg._engines",
    "initial_centers_kmeanspp": "pyseg._engines",
    "REngine": "pyseg._rengine",
    # alignment and metrics
    "contingency_table": "pyseg._align",
    "align_labels": "pyseg._align",
    "agreement": "pyseg._align",
    "Alignment": "pyseg._align",
    "Agreement": "pyseg._align",
    # data
    "Dataset": "pyseg._data",
    "load_dataset": "pyseg._data",
    "check_clusterable": "pyseg._data",
    "validate_customer": "pyseg._data",
    "resolve_data_path": "pyseg._data",
    "COURSE_COLUMNS": "pyseg._data",
    "generate_mall_like": "pyseg._synth",
    "write_csv_atomic": "pyseg._synth",
    # comparison
    "compare": "pyseg._compare",
    "Comparison": "pyseg._compare",
    "versions": "pyseg._provenance",
    # elbow, silhouettes, report, recorded R results
    "elbow": "pyseg._elbow",
    "ElbowResult": "pyseg._elbow",
    "ElbowRow": "pyseg._elbow",
    "silhouette_python": "pyseg._silhouette",
    "silhouette_r": "pyseg._silhouette",
    "write_compare_report": "pyseg._report",
    "write_elbow_report": "pyseg._report",
    "RecordedREngine": "pyseg._recorded",
    "record_r_results": "pyseg._recorded",
    # prediction of new customers
    "SegmentModel": "pyseg._model",
    "Prediction": "pyseg._model",
    "Predictions": "pyseg._model",
    "Segment": "pyseg._segments",
    "segment_names": "pyseg._segments",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pyseg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pyseg._align import (
        Agreement,
        Alignment,
        agreement,
        align_labels,
        contingency_table,
    )
    from pyseg._compare import Comparison, compare
    from pyseg._data import (
        COURSE_COLUMNS,
        Dataset,
        check_clusterable,
        load_dataset,
        resolve_data_path,
        validate_customer,
    )
    from pyseg._elbow import ElbowResult, ElbowRow, elbow
    from pyseg._engines import (
        PYTHON_COURSE,
        R_COURSE,
        CourseSettings,
        Engine,
        FitResult,
        SklearnEngine,
        initial_centers_kmeanspp,
    )
    from pyseg._errors import (
        ExitCode,
        InputError,
        PysegError,
        REvaluationError,
        RUnavailableError,
    )
    from pyseg._model import Prediction, Predictions, SegmentModel
    from pyseg._provenance import versions
    from pyseg._recorded import RecordedREngine, record_r_results
    from pyseg._rengine import REngine
    from pyseg._report import write_compare_report, write_elbow_report
    from pyseg._segments import Segment, segment_names
    from pyseg._silhouette import silhouette_python, silhouette_r
    from pyseg._synth import generate_mall_like, write_csv_atomic
