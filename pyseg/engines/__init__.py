"""The engines: one clustering method in one language each, behind one small interface.

==========================  =================================================================
``_base``                   :class:`KMeansEngine` (the interface) and the result types
``_kmeans_python``          :class:`SklearnEngine`: scikit-learn's ``KMeans`` (+ numpy)
``_kmeans_r``               :class:`REngine`: R's ``kmeans`` in this process
``_rbridge``                rpy2: loading R, calling a function of ``r_reference/*.R``
``_rworker``                :class:`RWorkerEngine`: ``REngine`` in a child process, and
                            :func:`cold_start`, the cold ``compare`` pipeline
``_recorded``               :class:`RecordedREngine`: R's answers recorded earlier, replayed
==========================  =================================================================

Names load lazily (PEP 562), like the package's own: the R worker process imports only the
modules it runs, so R starts sooner. No module outside this package talks to R. A new method
(hierarchical clustering, DBSCAN...) is one module per language here, with its own small
interface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("ELBOW_MODES", "ElbowFits", "FitResult", "KMeansEngine", "Silhouette",
                     "silhouette_defined"), "pyseg.methods.kmeans._base"),
    **dict.fromkeys(("SklearnEngine", "initial_centers_kmeanspp", "nearest_center",
                     "one_thread"), "pyseg.methods.kmeans._python"),
    **dict.fromkeys(("REngine", "r_code_sha256"), "pyseg.methods.kmeans._r"),
    **dict.fromkeys(("r_reference_dir", "rpy2_version"), "pyseg.r._bridge"),
    "RecordedREngine": "pyseg.methods.kmeans._recorded",
    "RecordedMethodEngine": "pyseg.engines._recorded_methods",
    **dict.fromkeys(("ColdStart", "RWorkerEngine", "cold_start"), "pyseg.r._worker"),
    # hierarchical clustering and DBSCAN, with their interfaces in _methods_base
    "SklearnDbscanEngine": "pyseg.methods.dbscan._python",
    "RDbscanEngine": "pyseg.methods.dbscan._r",
    "ScipyHierarchicalEngine": "pyseg.methods.hierarchical._python",
    "RHierarchicalEngine": "pyseg.methods.hierarchical._r",
    # seed sweeps, bootstrap stability and the gap statistic (pyseg stability, pyseg gap)
    "PythonResampleEngine": "pyseg.engines._stability_python",
    "RResampleEngine": "pyseg.engines._stability_r",
    "RFeaturesEngine": "pyseg.r._features",
    **dict.fromkeys(("LINKAGES", "NOISE", "DbscanEngine", "DbscanFit", "HierarchicalEngine",
                     "HierarchicalFit", "check_dbscan_parameters", "check_linkage"),
                    "pyseg.methods.hierarchical._base"),
    # PAM and Gaussian mixtures, with their interfaces in _pam_gmm_base
    "KmedoidsPamEngine": "pyseg.methods.pam._python",
    "RPamEngine": "pyseg.methods.pam._r",
    "SklearnGmmEngine": "pyseg.methods.gmm._python",
    "RGmmEngine": "pyseg.methods.gmm._r",
    **dict.fromkeys(("COVARIANCES", "DISTANCES", "MCLUST_MODELS", "GmmEngine", "GmmFit",
                     "PamData", "PamEngine", "PamFit", "check_covariance", "check_distance"),
                    "pyseg.methods.pam._base"),
    **dict.fromkeys(("RGmmRecorder", "RPamRecorder", "RecordedGmmEngine", "RecordedGmmFit",
                     "RecordedPamEngine", "RecordedPamFit"), "pyseg.engines._pam_gmm_recorded"),
    #: The interface's former name, kept for code written against pyseg 0.1.
    "Engine": "pyseg.methods.kmeans._base",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pyseg.engines' has no attribute {name!r}")
    value = getattr(importlib.import_module(module),
                    "KMeansEngine" if name == "Engine" else name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pyseg.engines._pam_gmm_recorded import (
        RecordedGmmEngine,
        RecordedGmmFit,
        RecordedPamEngine,
        RecordedPamFit,
        RGmmRecorder,
        RPamRecorder,
    )
    from pyseg.engines._recorded_methods import RecordedMethodEngine
    from pyseg.engines._stability_python import PythonResampleEngine
    from pyseg.engines._stability_r import RResampleEngine
    from pyseg.methods.dbscan._python import SklearnDbscanEngine
    from pyseg.methods.dbscan._r import RDbscanEngine
    from pyseg.methods.gmm._python import SklearnGmmEngine
    from pyseg.methods.gmm._r import RGmmEngine
    from pyseg.methods.hierarchical._base import (
        LINKAGES,
        NOISE,
        DbscanEngine,
        DbscanFit,
        HierarchicalEngine,
        HierarchicalFit,
        check_dbscan_parameters,
        check_linkage,
    )
    from pyseg.methods.hierarchical._python import ScipyHierarchicalEngine
    from pyseg.methods.hierarchical._r import RHierarchicalEngine
    from pyseg.methods.kmeans._base import (
        ELBOW_MODES,
        ElbowFits,
        FitResult,
        KMeansEngine,
        Silhouette,
        silhouette_defined,
    )
    from pyseg.methods.kmeans._base import KMeansEngine as Engine
    from pyseg.methods.kmeans._python import (
        SklearnEngine,
        initial_centers_kmeanspp,
        nearest_center,
        one_thread,
    )
    from pyseg.methods.kmeans._r import REngine, r_code_sha256
    from pyseg.methods.kmeans._recorded import RecordedREngine
    from pyseg.methods.pam._base import (
        COVARIANCES,
        DISTANCES,
        MCLUST_MODELS,
        GmmEngine,
        GmmFit,
        PamData,
        PamEngine,
        PamFit,
        check_covariance,
        check_distance,
    )
    from pyseg.methods.pam._python import KmedoidsPamEngine
    from pyseg.methods.pam._r import RPamEngine
    from pyseg.r._bridge import r_reference_dir, rpy2_version
    from pyseg.r._features import RFeaturesEngine
    from pyseg.r._worker import ColdStart, RWorkerEngine, cold_start
