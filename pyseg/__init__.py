"""pyseg: the course's mall-customer K-Means in Python and R, and proof that they agree.

The public API is re-exported here. Names load lazily (PEP 562) so that ``pyseg --help`` and
``pyseg predict --model`` do not pay for importing scikit-learn, pandas or rpy2.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from pyseg import methods

__version__ = "0.1.0"

#: Public name -> private module that defines it.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("ExitCode", "PysegError", "InputError", "RUnavailableError",
                     "REvaluationError"), "pyseg._errors"),
    **dict.fromkeys(("CourseSettings", "PYTHON_COURSE", "R_COURSE"), "pyseg._course"),
    **dict.fromkeys(("FitResult", "KMeansEngine", "Engine", "SklearnEngine", "REngine",
                     "RWorkerEngine", "RecordedREngine", "initial_centers_kmeanspp"),
                    "pyseg.engines"),
    **dict.fromkeys(("contingency_table", "align_labels", "agreement", "Alignment", "Agreement"),
                    "pyseg._align"),
    **dict.fromkeys(("Dataset", "load_dataset", "check_clusterable", "validate_customer",
                     "resolve_data_path", "COURSE_COLUMNS"), "pyseg._data"),
    **dict.fromkeys(("generate_mall_like", "write_csv_atomic"), "pyseg._synth"),
    **dict.fromkeys(("compare", "Comparison"), "pyseg.methods.kmeans._compare"),
    **dict.fromkeys(("compare_data", "CompareRun", "elbow_data", "compare_report"),
                    "pyseg._pipeline"),
    "versions": "pyseg._provenance",
    **dict.fromkeys(("elbow", "ElbowResult", "ElbowRow"), "pyseg.methods.kmeans._elbow"),
    **dict.fromkeys(("CompareReport", "ElbowReport", "write_compare_report",
                     "write_elbow_report"), "pyseg._report"),
    **dict.fromkeys(("check", "CheckResult"), "pyseg._check"),  # a learner's own answer
    "record_r_results": "pyseg.methods.kmeans._record",
    # prediction of new customers
    **dict.fromkeys(("SegmentModel", "Prediction", "Predictions", "classify"), "pyseg._model"),
    **dict.fromkeys(("Segment", "segment_names"), "pyseg._segments"),
    # and each method's own public names (its package's PUBLIC)
    **{public: f"pyseg.methods.{name}.{module}" for name in methods.NAMES
       for module, names in methods.trait(name, "PUBLIC", {}).items() for public in names},
}

__all__ = sorted([*_EXPORTS, "__version__"])


def _lazy_exports(module: str, exports: dict[str, str], names: list[str],
                 aliases: dict[str, str] | None = None) -> tuple[Any, Any]:
    """PEP 562 ``__getattr__`` and ``__dir__`` for ``module`` (this package and
    :mod:`pyseg.engines`): a public name is imported from its module in ``exports`` on first use
    (an alias, under the name it stands for), then kept in ``module``'s namespace."""

    def __getattr__(name: str) -> Any:
        real = (aliases or {}).get(name, name)
        if real not in exports:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[real]), real)
        setattr(sys.modules[module], name, value)
        return value

    return __getattr__, lambda: names


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__)


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
