"""What a method's report needs beyond the comparison itself - each method's own material
(``material(comparison, r_results)`` in ``pyseg/methods/<name>/_compare.py``, e.g. R's own
dendrogram, the k-NN distance curves, the BIC per k), the versions of the packages the methods
ran on, the summary of R's recording - computed here, with the engines;
:mod:`pyseg._report` only draws and writes.

    material = method_report_material(comparison)            # R's plots, curves, packages
    write_report(comparison, outdir, provenance=..., extra=material)

A method without ``material`` shows nothing beyond its comparison, and its R side is
not summarised from a recording.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from pyseg import methods
from pyseg._errors import REvaluationError, RUnavailableError
from pyseg._provenance import dist_version
from pyseg._report import ReportMaterial
from pyseg.engines import RecordedMethodEngine, REngine


def _method_of(comparison: Any) -> str:
    return str(comparison.to_dict().get("method", "kmeans")) if hasattr(
        comparison, "to_dict") else "kmeans"


def _packages(names: list[str], with_r: bool) -> list[dict[str, Any]] | None:
    """The packages of the methods ``names`` with their installed versions (R's: asked of R)."""
    used = [(language, package, name, use) for name in names
            for language, package, use in getattr(methods.part(name, "report"), "PACKAGES", ())
            if with_r or language == "Python"]
    if not used:
        return None
    found = {("Python", package): dist_version(package)
             for language, package, _, _ in used if language == "Python"}
    wanted = sorted({package for language, package, _, _ in used if language == "R"})
    if wanted:
        with contextlib.suppress(RUnavailableError, REvaluationError):  # "not available"
            found.update((("R", package), version) for package, version
                         in REngine().package_versions(wanted).items())
    return [{"language": language, "package": package, "version": found.get((language, package)),
             "method": name, "use": use} for language, package, name, use in used]


def method_report_material(comparison: Any, *, r_results: Path | str | None = None
                           ) -> ReportMaterial:
    """What the report of ``comparison`` (a method's, or an AllComparison with one section per
    method and ``packages`` on the top one) shows besides the comparison itself. With
    ``r_results`` (the file R's side was replayed from), R's own plots and curves are left out
    (with a note) and the recording is summarised."""
    path = None if r_results is None else Path(r_results)
    method = _method_of(comparison)
    names = list(comparison.comparisons) if method == "all" else [method]
    packages = _packages(names, with_r=path is None)
    if method == "all":
        return ReportMaterial(packages=packages, sections={
            name: _material(_method_of(c), c, path) for name, c in comparison.comparisons.items()})
    return replace(_material(method, comparison, path), packages=packages)


def _material(method: str, comparison: Any, path: Path | None) -> ReportMaterial:
    """The method's own material, and the summary of R's recording when it was replayed."""
    own = getattr(methods.part(method, "compare"), "material", None)
    if own is None:
        return ReportMaterial()
    material = own(comparison, path)
    if path is None:
        return material
    return replace(material, recorded_r_results=RecordedMethodEngine(path, method).summary())
