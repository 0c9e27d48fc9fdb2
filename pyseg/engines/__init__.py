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

No module outside this package talks to R. A new method (hierarchical clustering, DBSCAN...) is
one module per language here, with its own small interface in ``_base``.
"""

from __future__ import annotations

from pyseg.engines._base import (
    ELBOW_MODES,
    ElbowFits,
    FitResult,
    KMeansEngine,
    Silhouette,
    silhouette_defined,
)
from pyseg.engines._kmeans_python import (
    SklearnEngine,
    initial_centers_kmeanspp,
    nearest_center,
    one_thread,
)
from pyseg.engines._kmeans_r import REngine, r_code_sha256
from pyseg.engines._rbridge import r_reference_dir, rpy2_version
from pyseg.engines._recorded import RecordedREngine
from pyseg.engines._rworker import ColdStart, RWorkerEngine, cold_start

#: The interface's former name, kept for code written against pyseg 0.1.
Engine = KMeansEngine

__all__ = [
    "ELBOW_MODES",
    "ColdStart",
    "ElbowFits",
    "Engine",
    "FitResult",
    "KMeansEngine",
    "REngine",
    "RWorkerEngine",
    "RecordedREngine",
    "Silhouette",
    "SklearnEngine",
    "cold_start",
    "initial_centers_kmeanspp",
    "nearest_center",
    "one_thread",
    "r_code_sha256",
    "r_reference_dir",
    "rpy2_version",
    "silhouette_defined",
]

# Hierarchical clustering and DBSCAN (issue 10): one module per method and language, with their
# interfaces in _methods_base.
from pyseg.engines._dbscan_python import SklearnDbscanEngine  # noqa: E402
from pyseg.engines._dbscan_r import RDbscanEngine  # noqa: E402
from pyseg.engines._hierarchical_python import ScipyHierarchicalEngine  # noqa: E402
from pyseg.engines._hierarchical_r import RHierarchicalEngine  # noqa: E402
from pyseg.engines._methods_base import (  # noqa: E402
    LINKAGES,
    NOISE,
    DbscanEngine,
    DbscanFit,
    HierarchicalEngine,
    HierarchicalFit,
    check_dbscan_parameters,
    check_linkage,
)

__all__ += [
    "LINKAGES",
    "NOISE",
    "DbscanEngine",
    "DbscanFit",
    "HierarchicalEngine",
    "HierarchicalFit",
    "RDbscanEngine",
    "RHierarchicalEngine",
    "ScipyHierarchicalEngine",
    "SklearnDbscanEngine",
    "check_dbscan_parameters",
    "check_linkage",
]
