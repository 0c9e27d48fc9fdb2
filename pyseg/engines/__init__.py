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
                     "silhouette_defined"), "_base"),
    **dict.fromkeys(("SklearnEngine", "initial_centers_kmeanspp", "nearest_center",
                     "one_thread"), "_kmeans_python"),
    **dict.fromkeys(("REngine", "r_code_sha256"), "_kmeans_r"),
    **dict.fromkeys(("r_reference_dir", "rpy2_version"), "_rbridge"),
    "RecordedREngine": "_recorded",
    "RecordedMethodEngine": "_recorded_methods",
    **dict.fromkeys(("ColdStart", "RWorkerEngine", "cold_start"), "_rworker"),
    # hierarchical clustering and DBSCAN, with their interfaces in _methods_base
    "SklearnDbscanEngine": "_dbscan_python",
    "RDbscanEngine": "_dbscan_r",
    "ScipyHierarchicalEngine": "_hierarchical_python",
    "RHierarchicalEngine": "_hierarchical_r",
    # seed sweeps, bootstrap stability and the gap statistic (pyseg stability, pyseg gap)
    "PythonResampleEngine": "_stability_python",
    "RResampleEngine": "_stability_r",
    "RFeaturesEngine": "_features_r",
    **dict.fromkeys(("LINKAGES", "NOISE", "DbscanEngine", "DbscanFit", "HierarchicalEngine",
                     "HierarchicalFit", "check_dbscan_parameters", "check_linkage"),
                    "_methods_base"),
    # PAM and Gaussian mixtures, with their interfaces in _pam_gmm_base
    "KmedoidsPamEngine": "_pam_python",
    "RPamEngine": "_pam_r",
    "SklearnGmmEngine": "_gmm_python",
    "RGmmEngine": "_gmm_r",
    **dict.fromkeys(("COVARIANCES", "DISTANCES", "MCLUST_MODELS", "GmmEngine", "GmmFit",
                     "PamData", "PamEngine", "PamFit", "check_covariance", "check_distance"),
                    "_pam_gmm_base"),
    **dict.fromkeys(("RGmmRecorder", "RPamRecorder", "RecordedGmmEngine", "RecordedGmmFit",
                     "RecordedPamEngine", "RecordedPamFit"), "_pam_gmm_recorded"),
    #: The interface's former name, kept for code written against pyseg 0.1.
    "Engine": "_base",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pyseg.engines' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pyseg.engines.{module}"),
                    "KMeansEngine" if name == "Engine" else name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pyseg.engines._base import (
        ELBOW_MODES,
        ElbowFits,
        FitResult,
        KMeansEngine,
        Silhouette,
        silhouette_defined,
    )
    from pyseg.engines._base import KMeansEngine as Engine
    from pyseg.engines._dbscan_python import SklearnDbscanEngine
    from pyseg.engines._dbscan_r import RDbscanEngine
    from pyseg.engines._features_r import RFeaturesEngine
    from pyseg.engines._gmm_python import SklearnGmmEngine
    from pyseg.engines._gmm_r import RGmmEngine
    from pyseg.engines._hierarchical_python import ScipyHierarchicalEngine
    from pyseg.engines._hierarchical_r import RHierarchicalEngine
    from pyseg.engines._kmeans_python import (
        SklearnEngine,
        initial_centers_kmeanspp,
        nearest_center,
        one_thread,
    )
    from pyseg.engines._kmeans_r import REngine, r_code_sha256
    from pyseg.engines._methods_base import (
        LINKAGES,
        NOISE,
        DbscanEngine,
        DbscanFit,
        HierarchicalEngine,
        HierarchicalFit,
        check_dbscan_parameters,
        check_linkage,
    )
    from pyseg.engines._pam_gmm_base import (
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
    from pyseg.engines._pam_gmm_recorded import (
        RecordedGmmEngine,
        RecordedGmmFit,
        RecordedPamEngine,
        RecordedPamFit,
        RGmmRecorder,
        RPamRecorder,
    )
    from pyseg.engines._pam_python import KmedoidsPamEngine
    from pyseg.engines._pam_r import RPamEngine
    from pyseg.engines._rbridge import r_reference_dir, rpy2_version
    from pyseg.engines._recorded import RecordedREngine
    from pyseg.engines._recorded_methods import RecordedMethodEngine
    from pyseg.engines._rworker import ColdStart, RWorkerEngine, cold_start
    from pyseg.engines._stability_python import PythonResampleEngine
    from pyseg.engines._stability_r import RResampleEngine
