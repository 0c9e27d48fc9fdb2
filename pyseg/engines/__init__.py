"""The engines: one clustering method in one language each, behind one small interface.

Each method's engines live in its package (``pyseg/methods/<name>/_python.py`` and ``_r.py``, its
fit types and interface in ``_base.py``); R's bridge, rpy2 check and worker process in
:mod:`pyseg.r`. This package re-exports their public names, as pyseg 0.1 did, and holds the
engines every method shares (replayed R results, the resampling engines of ``stability`` and
``gap``).

Names load lazily (PEP 562), like the package's own: the R worker process imports only the
modules it runs, so R starts sooner.
"""

from __future__ import annotations

from pyseg import _lazy_exports
from pyseg.methods import NAMES, info

#: Public name -> the module that defines it (besides the methods' own, read from each method's
#: ``ENGINE_EXPORTS``).
_SHARED: dict[str, str] = {
    **dict.fromkeys(("r_code_sha256", "r_reference_dir", "rpy2_version"), "pyseg.r._bridge"),
    **dict.fromkeys(("ColdStart", "RWorkerEngine", "cold_start"), "pyseg.r._worker"),
    "RFeaturesEngine": "pyseg.r._features",
    "RecordedMethodEngine": "pyseg.engines._recorded",
    # seed sweeps, bootstrap stability and the gap statistic (pyseg stability, pyseg gap)
    "PythonResampleEngine": "pyseg.engines._stability_python",
    "RResampleEngine": "pyseg.engines._stability_r",
}
#: Former names, kept for code written against pyseg 0.1.
_ALIASES = {"Engine": "KMeansEngine"}


def _exports() -> dict[str, str]:
    found = dict(_SHARED)
    for method in NAMES:
        for module, names in info(method).ENGINE_EXPORTS.items():
            found.update(dict.fromkeys(names, f"pyseg.methods.{method}.{module}"))
    return found


_EXPORTS = _exports()
__all__ = sorted([*_EXPORTS, *_ALIASES])


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, _ALIASES)
