"""Hierarchical clustering in both languages: the partitions, the merge heights, and why they
differ where they do.

On the course file (income, score) ward and single linkage give identical partitions and merge
heights in scipy and R (max |dh| < 1e-13); complete and average do not always, because the data
has many tied distances (2,763 distinct values among 19,900 pairs) and the two libraries merge
equally close pairs in different orders, after which the heights of later merges differ. scipy's
``fcluster(maxclust=k)`` also returns fewer than k clusters where heights tie at the cut
(single, k = 9: 8), while R's ``cutree`` and pyseg's cut always give k. :func:`compare_hierarchical`
says which of these happened, with the tied heights it found.

Prediction: a hierarchical clustering has no rule for new rows (adding a row would change the
tree), so pyseg does not predict with it; see ``pyseg.methods.hierarchical.PREDICTION``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import RUnavailableError
from pyseg._io import json_ready
from pyseg._report import ReportMaterial
from pyseg.engines import (
    HierarchicalEngine,
    HierarchicalFit,
    RecordedMethodEngine,
    RHierarchicalEngine,
    ScipyHierarchicalEngine,
    check_linkage,
)
from pyseg.engines._stability_python import Resampler
from pyseg.methods._agreement import PartitionAgreement, check_k
from pyseg.methods._base import (
    MethodComparison,
    MethodSettings,
    aligned_pair,
    check_min_agreement,
    r_engine_for,
)
from pyseg.methods.hierarchical import R_ENGINE
from pyseg.methods.hierarchical._base import R_HCLUST_METHOD, check_matrix_size
from pyseg.methods.hierarchical._python import cut_tree_exactly, linkage_matrix

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Largest difference of sorted merge heights called "the same".
HEIGHT_TOLERANCE = 1e-9
#: Two merge heights closer than this (relative) are a tie.
TIE_TOLERANCE = 1e-12
#: Pairwise distances are counted (for the diagnosis) up to this many rows.
MAX_ROWS_FOR_DISTANCE_COUNT = 3000


@dataclass(frozen=True)
class TieReport:
    """Ties behind a height or partition difference.

    Attributes
    ----------
    first_divergence : int or None
        Index (0-based, in sorted order) of the first merge height that differs by more than
        :data:`HEIGHT_TOLERANCE`; None if none does.
    tied_heights : tuple of (float, int)
        Heights shared by several merges of Python's tree, with how many, up to the divergence
        (at most the last five before it), or all ties when the heights agree.
    n_tied_heights : int
        How many distinct heights are tied in Python's tree in all.
    cut_height : float
        Height of the last merge kept for k clusters.
    tie_at_cut : bool
        The last merge kept and the first undone have the same height: which of them to undo is a
        tie the two libraries may break differently (and ``fcluster`` undoes both).
    distinct_distances, n_pairs : int or None
        Distinct values among the pairwise distances, and the number of pairs (None above
        :data:`MAX_ROWS_FOR_DISTANCE_COUNT` rows).
    """

    first_divergence: int | None
    tied_heights: tuple[tuple[float, int], ...]
    n_tied_heights: int
    cut_height: float
    tie_at_cut: bool
    distinct_distances: int | None
    n_pairs: int | None


@dataclass(frozen=True)
class HierarchicalComparison(MethodComparison):
    """The outcome of :func:`compare_hierarchical`.

    Attributes
    ----------
    (The shared ones are :class:`~pyseg.methods._base.MethodComparison`'s.)
    k : int
    linkage : str
    r : HierarchicalFit
        R's fit with its labels in Python's numbering.
    max_height_diff : float
        Largest absolute difference of the sorted merge heights.
    ties : TieReport
    findings : tuple of str
        Which of ``identical``, ``heights_differ_after_ties``, ``fcluster_fewer_clusters``,
        ``tie_at_cut``, ``partitions_differ`` happened.
    passed : bool
        Agreement reached ``min_agreement`` and the heights are equal, or differ only after ties.
    """

    k: int
    linkage: str
    python: HierarchicalFit
    r: HierarchicalFit
    max_height_diff: float
    ties: TieReport
    findings: tuple[str, ...]

    METHOD = "hierarchical"

    def calls(self) -> tuple[str, str]:
        if self.python.route == "vector":
            return (f"cut_tree(fastcluster.linkage_vector(X, method='ward'), n_clusters={self.k})",
                    f'cutree(fastcluster::hclust.vector(X, method = "ward"), k = {self.k})')
        return (f"cut_tree(linkage(X, method={self.linkage!r}), n_clusters={self.k})",
                f'cutree(hclust(dist(X), method = "{R_HCLUST_METHOD[self.linkage]}"), '
                f"k = {self.k})")

    def own_dict(self) -> dict[str, Any]:
        return {"linkage": self.linkage, "k": self.k,
                "max_height_diff": json_ready(self.max_height_diff),
                "findings": list(self.findings), "ties": json_ready(self.ties.__dict__)}


def compare_hierarchical(dataset: Dataset, k: int = 5, linkage: str = "ward", *,
                         min_agreement: float = 1.0,
                         python_engine: HierarchicalEngine | None = None,
                         r_engine: HierarchicalEngine | None = None) -> HierarchicalComparison:
    """Hierarchical clustering in Python and in R, compared.

    Python: ``scipy.cluster.hierarchy.linkage(X, linkage)`` cut to exactly k clusters; R:
    ``cutree(hclust(dist(X), method = "ward.D2"), k)`` (or the linkage asked). For ward from
    ``VECTOR_WARD_ROWS`` (5,000) rows on both sides use fastcluster's O(n)-memory route.

    Parameters
    ----------
    dataset : Dataset
        Any object with ``X``, ``feature_names``, ``source`` and ``sha256``.
    k : int, default=5
        1 <= k <= the number of distinct rows.
    linkage : {"ward", "complete", "average", "single"}, default="ward"
    min_agreement : float, default=1.0
    python_engine, r_engine : HierarchicalEngine, optional

    Returns
    -------
    HierarchicalComparison

    Raises
    ------
    InputError
        Unknown linkage, bad k, too many rows for a pairwise-distance linkage.
    """
    check_linkage(linkage)
    check_min_agreement(min_agreement)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    k = check_k(X, k, dataset.source)
    python_engine = python_engine or ScipyHierarchicalEngine()
    r_engine = r_engine or RHierarchicalEngine()
    py_fit, r_fit, measured, timings = aligned_pair(lambda: python_engine.fit(X, k, linkage),
                                                    lambda: r_engine.fit(X, k, linkage))
    max_diff = float(np.max(np.abs(py_fit.sorted_heights - r_fit.sorted_heights)))
    ties = find_ties(X, py_fit, r_fit, k)
    findings = _findings(measured, max_diff, ties, py_fit, k)
    passed = measured.accuracy >= min_agreement and (
        max_diff <= HEIGHT_TOLERANCE or "heights_differ_after_ties" in findings)
    diagnosis = _diagnose(py_fit, r_fit, measured, max_diff, ties, findings, k)
    return HierarchicalComparison(dataset=dataset, k=k, linkage=linkage, python=py_fit, r=r_fit,
                                  r_label_mapping=measured.mapping, agreement=measured,
                                  max_height_diff=max_diff, ties=ties, findings=findings,
                                  min_agreement=min_agreement, passed=passed, diagnosis=diagnosis,
                                  timings=timings)


def tied_height_groups(heights: NDArray[np.float64]) -> list[tuple[float, int]]:
    """Heights (sorted) that several merges share, with how many share each."""
    values = np.sort(np.asarray(heights, dtype=np.float64))
    if values.size == 0:
        return []
    gaps = np.diff(values) > TIE_TOLERANCE * np.maximum(1.0, np.abs(values[1:]))
    starts = np.concatenate([[0], np.flatnonzero(gaps) + 1])
    counts = np.diff(np.concatenate([starts, [values.size]]))
    return [(float(values[s]), int(c)) for s, c in zip(starts, counts, strict=True) if c > 1]


def find_ties(X: NDArray[np.float64], py_fit: HierarchicalFit, r_fit: HierarchicalFit,
              k: int) -> TieReport:
    """The ties in Python's tree that explain a difference (see :class:`TieReport`)."""
    py_sorted, r_sorted = py_fit.sorted_heights, r_fit.sorted_heights
    apart = np.flatnonzero(np.abs(py_sorted - r_sorted) > HEIGHT_TOLERANCE)
    first = int(apart[0]) if apart.size else None
    groups = tied_height_groups(py_sorted)
    before = [g for g in groups if first is None or g[0] <= py_sorted[first] + TIE_TOLERANCE]
    n = py_sorted.size + 1
    kept = n - k  # merges kept for k clusters; py_sorted[kept - 1] is the last one kept
    cut = float(py_sorted[kept - 1]) if kept >= 1 else 0.0
    tie_at_cut = 1 <= kept < py_sorted.size and abs(
        py_sorted[kept] - py_sorted[kept - 1]) <= TIE_TOLERANCE * max(1.0, abs(cut))
    distinct = pairs = None
    if X.shape[0] <= MAX_ROWS_FOR_DISTANCE_COUNT:
        from scipy.spatial.distance import pdist

        distances = pdist(X)
        distinct, pairs = int(np.unique(distances).size), int(distances.size)
    return TieReport(first_divergence=first, tied_heights=tuple(before[-5:]),
                     n_tied_heights=len(groups), cut_height=cut, tie_at_cut=bool(tie_at_cut),
                     distinct_distances=distinct, n_pairs=pairs)


def _findings(measured: PartitionAgreement, max_diff: float, ties: TieReport,
              py_fit: HierarchicalFit, k: int) -> tuple[str, ...]:
    found = []
    if measured.accuracy == 1.0 and max_diff <= HEIGHT_TOLERANCE:
        found.append("identical")
    if max_diff > HEIGHT_TOLERANCE and ties.tied_heights:
        found.append("heights_differ_after_ties")
    if py_fit.fcluster_clusters is not None and py_fit.fcluster_clusters != k:
        found.append("fcluster_fewer_clusters")
    if ties.tie_at_cut:
        found.append("tie_at_cut")
    if measured.accuracy < 1.0:
        found.append("partitions_differ")
    return tuple(found)


def _tie_text(ties: TieReport) -> str:
    listed = ", ".join(f"{height:.6g} (x{count})" for height, count in ties.tied_heights)
    text = f"tied merge heights {listed}; {ties.n_tied_heights} heights are tied in all"
    if ties.distinct_distances is not None:
        text += (f"; the data have {ties.distinct_distances:,} distinct distances among "
                 f"{ties.n_pairs:,} pairs")
    return text


def _diagnose(py_fit: HierarchicalFit, r_fit: HierarchicalFit, measured: PartitionAgreement,
              max_diff: float, ties: TieReport, findings: tuple[str, ...], k: int) -> list[str]:
    notes = []
    if measured.accuracy == 1.0:
        notes.append(f"The partitions into {k} clusters are identical after relabelling "
                     f"(ARI {measured.ari:.4f}).")
    else:
        moved = measured.confusion.sum() - measured.matched
        notes.append(f"The partitions differ: {moved} of {py_fit.labels.size} rows fall in "
                     f"different clusters after relabelling (ARI {measured.ari:.4f}).")
    if max_diff <= HEIGHT_TOLERANCE:
        notes.append(f"The sorted merge heights agree to {max_diff:.3g}.")
    elif "heights_differ_after_ties" in findings and ties.first_divergence is not None:
        notes.append(
            f"The merge heights differ by up to {max_diff:.6g}, from merge "
            f"{ties.first_divergence + 1} on: equally close pairs were merged in a different "
            f"order ({_tie_text(ties)}), and with {py_fit.linkage} linkage the order of tied "
            "merges changes the heights of later ones. Neither library is wrong.")
    else:
        notes.append(f"The merge heights differ by up to {max_diff:.6g} with no tie to explain "
                     "it: a numerical difference between the libraries.")
    if "fcluster_fewer_clusters" in findings:
        notes.append(
            f"scipy's fcluster(Z, {k}, 'maxclust') would give {py_fit.fcluster_clusters} "
            f"clusters here, because merges tie at height {ties.cut_height:.6g}; pyseg cuts to "
            f"exactly {k} as R's cutree does.")
    if "partitions_differ" in findings and ties.first_divergence is not None and (
            ties.first_divergence < py_fit.heights.size + 1 - k):
        notes.append(
            f"The trees part at merge {ties.first_divergence + 1}, before the cut at merge "
            f"{py_fit.heights.size + 1 - k}: the {k} clusters are made of different merges, "
            "so the partitions differ because of the ties above.")
    if ties.tie_at_cut:
        notes.append(
            f"The last merge kept and the first undone tie at height {ties.cut_height:.6g}: "
            "which of them to undo is a tie the two libraries may break differently.")
    notes.extend(f"R warned: {warning}." for warning in r_fit.warnings)
    return notes


# -- the method contract (pyseg.methods._base) -----------------------------------------------

MEASURE_NAME = "max |d merge height|"


def measure(comparison: HierarchicalComparison) -> float:
    return float(comparison.max_height_diff)


def run(dataset: Dataset, settings: MethodSettings) -> HierarchicalComparison:
    return compare_hierarchical(dataset, settings.k, settings.linkage,
                                min_agreement=settings.min_agreement,
                                r_engine=r_engine_for(settings, "hierarchical",
                                                        RecordedMethodEngine))


def r_fit_request(dataset: Dataset, settings: MethodSettings) -> tuple[Any, ...] | None:
    """R's fit as the R worker is asked for it, to send before the comparison needs it."""
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    check_linkage(settings.linkage)
    k = check_k(X, settings.k, dataset.source)
    check_matrix_size(X.shape[0], settings.linkage, dataset.source)
    return ("engine_call", R_ENGINE, "fit", (X, k, settings.linkage), {})


# -- the report's material ------------------------------------------------------------------------
# What hierarchical clustering's report shows beyond the comparison: R's own dendrogram, drawn by R
# (``plot(hclust)`` with ``rect.hclust``), computed here with R's engine.

#: R draws its own dendrogram up to this many rows (plot.hclust of every leaf: 2.5 s at 10,000
#: rows, unreadable long before); beyond, the report says so and shows the truncated matplotlib
#: trees of both languages.
MAX_R_DENDROGRAM_ROWS = 10_000


def material(comparison: Any, r_results: Path | None) -> ReportMaterial:
    """R's dendrogram, or a note on why it is not drawn."""
    X = np.ascontiguousarray(comparison.dataset.X, dtype=np.float64)
    if r_results is not None:
        return ReportMaterial(notes=(
            f"R's own dendrogram is not shown: R's side was replayed from {r_results}, "
            "which holds R's numbers, not its plots (drop --r-results to draw it).",))
    if X.shape[0] > MAX_R_DENDROGRAM_ROWS:
        return ReportMaterial(notes=(
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
        return ReportMaterial(notes=(f"R's own dendrogram is not shown: {exc}",))
    return ReportMaterial(r_dendrogram_png=png)


# -- resampling (stability --bootstrap, gap) ------------------------------------------------------
# Hierarchical clustering in ``pyseg stability --bootstrap`` and ``pyseg gap``.  No draws beyond
# the rows: the tree of each resample or data set, cut to exactly k clusters, is deterministic
# given the data (Python: scipy's linkage and a ``cutree``-style cut; R: ``hclust`` + ``cutree``).
# On data with tied merge heights the two may break ties differently. clusterboot's check is
# hclustCBI (``scaling = FALSE``); clusGap's own FUNcluster cuts ``hclust(dist(x))``.

class Resample(Resampler):
    """The hierarchical tree (``linkage``) cut at k."""

    method_words = "hierarchical ({self.linkage}) cut at k = {k}"
    clusterboot_method = "hclustCBI, k = {k}, method = '{self.linkage}', scaling = FALSE"
    clusgap_code = "function(x, k) list(cluster = cutree(hclust(dist(x), '{self.linkage}'), k))"
    gap_shared = "no other draws: hierarchical clustering is deterministic given the data"

    def check_settings(self) -> None:
        check_linkage(self.linkage)

    def labels(self, X: NDArray[np.float64], k: int, draw: Any) -> NDArray[np.int64]:
        return ScipyHierarchicalEngine().fit(X, k, self.linkage).labels

    def gap_labels(self, X: NDArray[np.float64], k_max: int,
                   draw: Any) -> Iterator[NDArray[np.int64]]:
        tree = linkage_matrix(X, self.linkage)
        for k in range(2, k_max + 1):
            yield cut_tree_exactly(tree, k)

    def r_options(self) -> dict[str, Any]:
        return {**super().r_options(), "linkage": R_HCLUST_METHOD[self.linkage]}
