"""The report directories of ``pyseg gap`` and ``pyseg stability``: one "choosing k" page, and
its figures (matplotlib's ``Figure`` API, no pyplot).

Like :mod:`pyseg._report` (whose figure record, template and writer this reuses), it
draws and writes results computed beforehand (:mod:`pyseg._gap`, :mod:`pyseg._stability`);
``report.json`` differs between two runs on the same inputs only in ``generated_at``. The gap
page also shows the elbow and silhouettes, so that the elbow and the gap statistic are read side
by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._plots import (
    PYTHON_COLOR,
    R_COLOR,
    _legend_below,
    _new_figure,
    elbow_figure,
    figure_to_png_bytes,
    numbered_names,
)
from pyseg._report import _data_dict, _Figure, _finish, _ReportParts
from pyseg._stability import JACCARD_BANDS, row_se

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from pyseg._data import Dataset
    from pyseg._gap import GapResult
    from pyseg._stability import BootstrapStability, SeedSweep
    from pyseg.methods.kmeans._elbow import ElbowResult

CHECK_COLOR = "#2ca02c"


def write_page(outdir: Path, kind: str, title: str, dataset: Dataset, result: dict[str, Any],
               provenance: dict[str, Any] | None, figures: list[_Figure], notes: Sequence[str] = (),
               **more: Any) -> Path:
    """Write a choosing-k page into ``outdir``: its ``kind`` and ``title``, ``dataset``'s summary,
    the ``result`` its text reads, ``provenance``, ``figures``, ``notes`` on what was left out and
    ``more`` of its record."""
    record = {"kind": kind, "title": title, "data": _data_dict(dataset), "result": result,
              "provenance": provenance, **more}
    return _finish(outdir, record, _ReportParts(list(figures), list(notes)), lenient=True)


def write_gap_report(result: GapResult, elbow: ElbowResult | None, dataset: Dataset,
                     provenance: dict[str, Any], outdir: Path) -> Path:
    """Write the gap page (gap per k, rules, clusGap, and the elbow beside it) into ``outdir``."""
    figures = [_Figure(
        "gap.png", "Gap statistic per k, Python, R and cluster::clusGap",
        "Gap per k with one standard error either side. Python and R ran on the same "
        "reference data sets and starts (their points coincide); clusGap drew its own. The "
        "dotted lines mark the k each maxSE rule picks from pyseg's values.",
        figure_to_png_bytes(gap_figure(result)))]
    if elbow is not None:
        figures.append(_Figure(
            "elbow.png", "Elbow method and silhouettes, Python and R",
            f"WCSS per k of both languages ({elbow.mode} settings) with each curve's knee, and "
            "the mean silhouette width per k: the other two ways of choosing k.",
            figure_to_png_bytes(elbow_figure(elbow))))
    return write_page(
        outdir, "gap", "pyseg: choosing k - gap statistic, elbow and silhouettes", dataset,
        result.to_dict(), provenance, figures, elbow=None if elbow is None else elbow.to_dict(),
        notes=[] if elbow is not None
        else ["The elbow was not computed (R's cluster package or k values)."])


def write_stability_report(result: SeedSweep | BootstrapStability, dataset: Dataset,
                           provenance: dict[str, Any], outdir: Path) -> Path:
    """Write the seed-sweep or bootstrap page into ``outdir``."""
    shown = result.to_dict()
    name, caption, text, draw, title = _STABILITY_PAGES[shown["kind"]]
    figure = _Figure(name, caption, text, figure_to_png_bytes(draw(result)))
    return write_page(outdir, shown["kind"], title, dataset, shown, provenance, [figure])


def gap_figure(result: GapResult) -> Figure:
    """Gap per k with +-1 SE error bars: Python and R on pyseg's references, and clusGap's own;
    each maxSE rule's k of pyseg's values marked under the axis."""
    figure = _new_figure(12, 5.0)
    axes = figure.subplots()
    ks = np.asarray(result.k_values, dtype=np.float64)
    axes.errorbar(ks - 0.08, result.python.gap, yerr=result.python.se, fmt="o-", capsize=4,
                  color=PYTHON_COLOR, label="Python (pyseg, shared references)")
    axes.errorbar(ks + 0.0, result.r.gap, yerr=result.r.se, fmt="s--", capsize=4,
                  color=R_COLOR, markerfacecolor="none", label="R (pyseg, shared references)")
    if result.clusgap is not None:
        axes.errorbar(ks + 0.08, result.clusgap["gap"], yerr=result.clusgap["se"], fmt="^:",
                      capsize=4, color=CHECK_COLOR, markerfacecolor="none",
                      label="cluster::clusGap (its own references)")
    rules = result.to_dict()["python"]["rules"]
    by_k: dict[int, list[str]] = {}
    for rule, k in rules.items():
        by_k.setdefault(k, []).append(rule)
    for k, names in sorted(by_k.items()):
        axes.axvline(k, color="#999999", lw=0.8, ls=":")
        axes.annotate("\n".join(names), (k, 0), xycoords=("data", "axes fraction"),
                      xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                      fontsize=8, color="#555555")
    s = result.settings
    axes.set_title(f"Gap statistic, {s['reference']} references, B = {s['B']}, "
                   f"d.power = {s['d_power']} (error bars: 1 SE)")
    axes.set_xlabel("Number of clusters k")
    axes.set_ylabel("Gap = E[log W_k] - log W_k")
    axes.set_xticks(result.k_values)
    axes.grid(alpha=0.3)
    _legend_below(figure, *axes.get_legend_handles_labels(), "center", max_columns=3)
    return figure


def wcss_per_seed_figure(sweep: SeedSweep) -> Figure:
    """WCSS of the course fit per seed, both languages; seeds where the partitions differ are
    shaded."""
    figure = _new_figure(12, 4.8)
    axes = figure.subplots()
    seeds = np.asarray(sweep.seeds)
    for seed, same in zip(seeds, sweep.identical, strict=True):
        if not same:
            axes.axvspan(seed - 0.5, seed + 0.5, color="#ffd8a8", alpha=0.6, lw=0)
    axes.plot(seeds, sweep.python_wcss, "o", color=PYTHON_COLOR, ms=5,
              label="Python (scikit-learn KMeans)")
    axes.plot(seeds, sweep.r_wcss, "s", color=R_COLOR, ms=7, markerfacecolor="none",
              label="R (kmeans)")
    axes.axhline(sweep.best_wcss, color="#555555", lw=0.8, ls=":",
                 label=f"best WCSS found ({sweep.best_wcss:.1f})")
    handles, labels = axes.get_legend_handles_labels()
    if not all(sweep.identical):
        from matplotlib.patches import Patch

        handles.append(Patch(color="#ffd8a8", alpha=0.6))
        labels.append("seeds where the partitions differ")
    axes.set_title(f"WCSS per seed, k = {sweep.k}, {sweep.starts} start"
                   f"{'s' if sweep.starts != 1 else ''} per fit")
    axes.set_xlabel("Seed (Python random_state, R set.seed)")
    axes.set_ylabel("WCSS")
    axes.grid(alpha=0.3)
    _legend_below(figure, handles, labels, "center", max_columns=4)
    return figure


def jaccard_figure(result: BootstrapStability) -> Figure:
    """Mean Jaccard per segment (+-1 SE): Python, R and clusterboot, with clusterboot's bands."""
    figure = _new_figure(12, 4.8)
    axes = figure.subplots()
    names = numbered_names(result.segments, result.k)
    x = np.arange(result.k, dtype=np.float64)
    series = [("Python (pyseg draws)", result.python_jaccard, PYTHON_COLOR),
              ("R (pyseg draws)", result.r_jaccard, R_COLOR)]
    if result.clusterboot is not None:
        series.append(("fpc::clusterboot (its own draws)", result.clusterboot["bootresult"],
                       CHECK_COLOR))
    width = 0.8 / len(series)
    for i, (label, matrix, color) in enumerate(series):
        axes.bar(x + (i - (len(series) - 1) / 2) * width, matrix.mean(axis=1), width,
                 yerr=row_se(matrix), capsize=3, color=color, alpha=0.8, label=label)
    for (bound, _), style in zip(JACCARD_BANDS, ("--", ":", "-."), strict=False):
        axes.axhline(bound, color="#555555", lw=0.8, ls=style)
        axes.annotate(f"{bound}", (1.0, bound), xycoords=("axes fraction", "data"),
                      xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    axes.set_xticks(x, names, parse_math=False)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("Mean Jaccard over resamples")
    axes.set_title(f"Bootstrap stability per segment, B = {result.B} (lines: clusterboot's "
                   "0.6 / 0.75 / 0.85 guidelines)")
    axes.grid(alpha=0.3, axis="y")
    _legend_below(figure, *axes.get_legend_handles_labels(), "center", max_columns=3)
    return figure


#: Each stability result's ``kind`` -> its figure (file, caption, text, drawing) and page title.
_STABILITY_PAGES: dict[str, tuple[str, str, str, Callable[[Any], Figure], str]] = {
    "seeds": (
        "wcss_per_seed.png", "WCSS of the course fit per seed, Python and R",
        "Each seed's WCSS in both languages; seeds where the two partitions differ are "
        "shaded. Points above the dotted line stopped in a local optimum.",
        wcss_per_seed_figure, "pyseg: how sure are the segments? Seed sweep in Python and R"),
    "bootstrap": (
        "jaccard.png", "Bootstrap stability per segment",
        "Mean Jaccard per segment with one standard error: Python and R on pyseg's shared "
        "resamples, fpc::clusterboot on its own; the lines are clusterboot's guidelines.",
        jaccard_figure, "pyseg: how sure are the segments? Bootstrap stability in Python and R"),
}
