"""pyseg: the course's mall-customer K-Means in Python and R, and proof that they agree.

The public API is re-exported here. Names load lazily (PEP 562) so that ``pyseg --help`` and
``pyseg predict --model`` do not pay for importing scikit-learn, pandas or rpy2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pyseg import methods

__version__ = "0.1.0"

#: Public name -> private module that defines it.
_EXPORTS: dict[str, str] = {
    # errors and exit codes
    "ExitCode": "pyseg._errors",
    "PysegError": "pyseg._errors",
    "InputError": "pyseg._errors",
    "RUnavailableError": "pyseg._errors",
    "REvaluationError": "pyseg._errors",
    # the course's settings
    "CourseSettings": "pyseg._course",
    "PYTHON_COURSE": "pyseg._course",
    "R_COURSE": "pyseg._course",
    # engines
    "FitResult": "pyseg.engines",
    "KMeansEngine": "pyseg.engines",
    "Engine": "pyseg.engines",
    "SklearnEngine": "pyseg.engines",
    "REngine": "pyseg.engines",
    "RWorkerEngine": "pyseg.engines",
    "RecordedREngine": "pyseg.engines",
    "initial_centers_kmeanspp": "pyseg.engines",
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
    "compare": "pyseg.methods.kmeans._compare",
    "Comparison": "pyseg.methods.kmeans._compare",
    "compare_data": "pyseg._pipeline",
    "CompareRun": "pyseg._pipeline",
    "versions": "pyseg._provenance",
    # a learner's own answer
    "check": "pyseg._check",
    "CheckResult": "pyseg._check",
    # elbow, report, recorded R results
    "elbow": "pyseg.methods.kmeans._elbow",
    "ElbowResult": "pyseg.methods.kmeans._elbow",
    "ElbowRow": "pyseg.methods.kmeans._elbow",
    "elbow_data": "pyseg._pipeline",
    "compare_report": "pyseg._pipeline",
    "CompareReport": "pyseg._report",
    "ElbowReport": "pyseg._report",
    "write_compare_report": "pyseg._report",
    "write_elbow_report": "pyseg._report",
    "record_r_results": "pyseg.methods.kmeans._record",
    # prediction of new customers
    "SegmentModel": "pyseg._model",
    "Prediction": "pyseg._model",
    "Predictions": "pyseg._model",
    "classify": "pyseg._model",
    "Segment": "pyseg._segments",
    "segment_names": "pyseg._segments",
    # and each method's own public names (its package's PUBLIC)
    **{public: f"pyseg.methods.{name}.{module}" for name in methods.NAMES
       for module, names in methods.trait(name, "PUBLIC", {}).items() for public in names},
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
    from pyseg._check import CheckResult, check
    from pyseg._course import PYTHON_COURSE, R_COURSE, CourseSettings
    from pyseg._data import (
        COURSE_COLUMNS,
        Dataset,
        check_clusterable,
        load_dataset,
        resolve_data_path,
        validate_customer,
    )
    from pyseg._errors import (
        ExitCode,
        InputError,
        PysegError,
        REvaluationError,
        RUnavailableError,
    )
    from pyseg._model import Prediction, Predictions, SegmentModel, classify
    from pyseg._pipeline import CompareRun, compare_data, compare_report, elbow_data
    from pyseg._provenance import versions
    from pyseg._report import CompareReport, ElbowReport, write_compare_report, write_elbow_report
    from pyseg._segments import Segment, segment_names
    from pyseg._synth import generate_mall_like, write_csv_atomic
    from pyseg.engines import (
        Engine,
        FitResult,
        KMeansEngine,
        RecordedREngine,
        REngine,
        RWorkerEngine,
        SklearnEngine,
        initial_centers_kmeanspp,
    )
    from pyseg.methods.kmeans._compare import Comparison, compare
    from pyseg.methods.kmeans._elbow import ElbowResult, ElbowRow, elbow
    from pyseg.methods.kmeans._record import record_r_results
