"""What a method's report (hierarchical, DBSCAN, PAM, GMM or ``--method all``) needs beyond the
comparison itself: R's own dendrogram (drawn by R), both languages' k-nearest-neighbour distance
curves, the mixture's BIC per k, the versions of the R packages the methods ran on, and what was
left out. Computed here, with the engines; :mod:`pyseg._method_report` only draws and writes.

    material = method_report_material(comparison)            # R's plot, kNN curves, BIC, ...
    write_method_report(comparison, outdir, provenance=..., extra=material)
"""

from __future__ import annotations

import contextlib
import importlib.metadata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from pyseg._errors import InputError, REvaluationError, RUnavailableError
from pyseg.engines import RecordedMethodEngine, REngine, RHierarchicalEngine
from pyseg.methods.dbscan._compare import KnnDistances, knn_distance_curves
from pyseg.methods.gmm._compare import BicCurve, gmm_bic_curve
from pyseg.methods.hierarchical._base import R_HCLUST_METHOD, VECTOR_WARD_ROWS

#: R draws its own dendrogram up to this many rows (plot.hclust of every leaf: 2.5 s at 10,000
#: rows, unreadable long before); beyond, the report says so and shows the truncated matplotlib
#: trees of both languages.
MAX_R_DENDROGRAM_ROWS = 10_000
#: The GMM report's BIC chart covers k = 1..min(BIC_MAX_K, distinct rows), in the comparison's
#: mode. Its 10 refits of both languages run with one BLAS thread: on the course file 0.9 s
#: (course mode) and 1.2 s (exact), against 6 s and 8.5 s with OpenBLAS's threads on two busy
#: cores (a 200 x 2 matrix gains nothing from threads; the numbers are the same bits).
BIC_MAX_K = 10
#: The packages each method runs on besides R's stats and Python's numpy/scipy/scikit-learn (the
#: provenance lists those for every run): (language, package, what for).
METHOD_PACKAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "hierarchical": (
        ("R", "fastcluster", f"hclust.vector for ward from {VECTOR_WARD_ROWS:,} rows"),
        ("Python", "fastcluster", f"linkage_vector for ward from {VECTOR_WARD_ROWS:,} rows")),
    "dbscan": (("R", "dbscan", "dbscan() and kNNdist()"),
               ("Python", "kneed", "the knee of the k-NN distance curve")),
    "pam": (("R", "cluster", "pam() and daisy(metric = \"gower\")"),
            ("Python", "kmedoids", "pam(), BUILD + SWAP")),
    "gmm": (("R", "mclust", "Mclust(), and hc() for exact mode's start"),),
}


@dataclass(frozen=True)
class MethodReportMaterial:
    """What :func:`pyseg._method_report.write_method_report` shows besides the comparison.

    Attributes
    ----------
    r_dendrogram_png : bytes or None
        Hierarchical: R's ``plot(hclust)`` with ``rect.hclust(tree, k)``, drawn by R.
    knn : KnnDistances or None
        DBSCAN: both languages' sorted k-NN distances (k = min_points - 1) and the knee.
    bic : BicCurve or None
        GMM: BIC per k of both languages (the comparison's mode), k = 1..min(10, distinct
        rows).
    packages : list of dict or None
        ``{"language", "package", "version", "method", "use"}`` for each package of
        :data:`METHOD_PACKAGES` the methods ran on (R's omitted when R's side was replayed: the
        recording does not hold them).
    notes : tuple of str
        What was left out, and why.
    recorded_r_results : dict or None
        :meth:`RecordedMethodEngine.summary` when R's side was replayed.
    sections : dict of str to MethodReportMaterial
        ``--method all``: the material of each method's section.
    """

    r_dendrogram_png: bytes | None = field(default=None, repr=False)
    knn: KnnDistances | None = None
    bic: BicCurve | None = None
    packages: list[dict[str, Any]] | None = None
    notes: tuple[str, ...] = ()
    recorded_r_results: dict[str, Any] | None = None
    sections: dict[str, MethodReportMaterial] = field(default_factory=dict)


def _method_of(comparison: Any) -> str:
    return str(comparison.to_dict().get("method", "kmeans")) if hasattr(
        comparison, "to_dict") else "kmeans"


def _hierarchical(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    X = np.ascontiguousarray(comparison.dataset.X, dtype=np.float64)
    if r_results is not None:
        return MethodReportMaterial(
            notes=(f"R's own dendrogram is not shown: R's side was replayed from {r_results}, "
                   "which holds R's numbers, not its plots (drop --r-results to draw it).",),
            recorded_r_results=RecordedMethodEngine(r_results, "hierarchical").summary())
    if X.shape[0] > MAX_R_DENDROGRAM_ROWS:
        return MethodReportMaterial(notes=(
            f"R's own plot(hclust) is not drawn for {X.shape[0]:,} rows (more than "
            f"{MAX_R_DENDROGRAM_ROWS:,} leaves cannot be told apart); both languages' trees "
            "are shown truncated to their last merges instead.",))
    tree = ("fastcluster::hclust.vector(X, \"ward\")" if comparison.r.route == "vector"
            else f"hclust(dist(X), \"{R_HCLUST_METHOD[comparison.linkage]}\")")
    title = f"R: plot({tree}); rect.hclust(tree, k = {comparison.k})"
    try:
        png = RHierarchicalEngine().dendrogram_png(X, comparison.linkage, title=title,
                                                   width=750, height=620, k=comparison.k)
    except RUnavailableError as exc:
        return MethodReportMaterial(notes=(f"R's own dendrogram is not shown: {exc}",))
    return MethodReportMaterial(r_dendrogram_png=png)


def _dbscan(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    k = max(1, comparison.min_points - 1)
    notes: list[str] = []
    recorded = None
    if r_results is not None:
        notes.append(f"R's k-nearest-neighbour distances are not shown: R's side was replayed "
                     f"from {r_results}, which holds R's fits only (drop --r-results to add "
                     "them).")
        recorded = RecordedMethodEngine(r_results, "dbscan").summary()
    if k >= comparison.dataset.X.shape[0]:
        notes.append(f"No k-nearest-neighbour plot: k = {k} needs more rows.")
        return MethodReportMaterial(notes=tuple(notes), recorded_r_results=recorded)
    knn = knn_distance_curves(comparison.dataset, k, with_r=r_results is None)
    return MethodReportMaterial(knn=knn, notes=tuple(notes), recorded_r_results=recorded)


def _gmm(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    from threadpoolctl import threadpool_limits

    if r_results is not None:
        return MethodReportMaterial(
            notes=(f"No BIC-per-k chart: R's side was replayed from {r_results}, which holds "
                   "the fit at this k only (drop --r-results to draw it).",),
            recorded_r_results=RecordedMethodEngine(r_results, "gmm").summary())
    distinct = int(np.unique(np.asarray(comparison.dataset.X), axis=0).shape[0])
    ks = tuple(range(1, min(BIC_MAX_K, distinct) + 1))
    try:
        with threadpool_limits(1, user_api="blas"):
            curve = gmm_bic_curve(comparison.dataset, ks, comparison.covariance,
                                  mode=comparison.mode)
    except (InputError, REvaluationError, RUnavailableError) as exc:
        return MethodReportMaterial(notes=(f"No BIC-per-k chart: {exc}",))
    return MethodReportMaterial(bic=curve)


def _packages(methods: list[str], with_r: bool) -> list[dict[str, Any]] | None:
    """The packages of ``methods`` with their installed versions (R's: asked of R)."""
    used = [(language, package, method, use) for method in methods
            for language, package, use in METHOD_PACKAGES.get(method, ())
            if with_r or language == "Python"]
    if not used:
        return None
    found = {("Python", package): _python_version(package)
             for language, package, _, _ in used if language == "Python"}
    wanted = sorted({package for language, package, _, _ in used if language == "R"})
    if wanted:
        with contextlib.suppress(RUnavailableError, REvaluationError):  # "not available"
            found.update((("R", package), version) for package, version
                         in REngine().package_versions(wanted).items())
    return [{"language": language, "package": package, "version": found.get((language, package)),
             "method": method, "use": use} for language, package, method, use in used]


def _python_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def method_report_material(comparison: Any, *, r_results: Path | str | None = None
                           ) -> MethodReportMaterial:
    """Compute what the report of ``comparison`` shows besides the comparison itself.

    Parameters
    ----------
    comparison : object
        A HierarchicalComparison, DbscanComparison, PamComparison, GmmComparison,
        AllComparison or Comparison, from :func:`pyseg.methods._registry.compare_method` or
        :func:`pyseg.methods._registry.compare_all`.
    r_results : path-like, optional
        The ``--r-results`` file R's side was replayed from: R's own plots and curves are then
        left out (with a note) and the recording is summarised.

    Returns
    -------
    MethodReportMaterial
        For ``--method all``, one section per method that ran; ``packages`` on the top one.
    """
    path = None if r_results is None else Path(r_results)
    method = _method_of(comparison)
    methods = list(comparison.comparisons) if method == "all" else [method]
    packages = _packages(methods, with_r=path is None)
    if method == "all":
        return MethodReportMaterial(packages=packages, sections={
            name: _material(_method_of(c), c, path if name != "kmeans" else None)
            for name, c in comparison.comparisons.items()})
    return replace(_material(method, comparison, path), packages=packages)


def _pam(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    """PAM's report needs nothing beyond the comparison, but says where R's side came from."""
    if r_results is None:
        return MethodReportMaterial()
    return MethodReportMaterial(recorded_r_results=RecordedMethodEngine(r_results,
                                                                        "pam").summary())


def _material(method: str, comparison: Any, path: Path | None) -> MethodReportMaterial:
    build = {"hierarchical": _hierarchical, "dbscan": _dbscan, "pam": _pam,
             "gmm": _gmm}.get(method)
    return MethodReportMaterial() if build is None else build(comparison, path)
