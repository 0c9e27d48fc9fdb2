"""The Gaussian mixture's section of the method report, its ``compare`` summary and its
choosing-k page, and their figures (matplotlib's ``Figure`` API on the helpers of
:mod:`pyseg._plots`).

Figures: both languages' clusters with each component's 2-sigma ellipse, each row's highest
membership probability per language ("how sure is this assignment"), and the BIC per k of both
languages, its "elbow" (a :class:`pyseg.methods.gmm._compare.BicCurve` computed in ``_material``
or by :func:`pyseg.methods.gmm._compare.gmm_bic_curve`; nothing here fits a model). The BIC is
mclust's convention for both sides, ``2 logL - p log n``: higher is better, and the best k is the
highest point (scikit-learn's ``bic()`` is minus this; its lowest point is the same k).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._choosing_k_report import write_page
from pyseg._io import json_ready
from pyseg._plots import (
    MAX_K_TICKS,
    PYTHON_COLOR,
    R_COLOR,
    _grow_for_legends,
    _legend_below,
    _new_figure,
    _palette,
    figure_to_png_bytes,
)
from pyseg._report import _Figure, cluster_sizes
from pyseg.methods._base import summary_head
from pyseg.methods.gmm._base import MCLUST_MODELS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from pyseg._pipeline import MethodRun
    from pyseg.methods.gmm._compare import BicCurve

#: BIC values closer than this (relative) are "the same" and not shaded.
SAME_BIC = 1e-9
DIFFER_COLOR = "#ffd8a8"
#: The best-k line when both languages have the same best k.
BOTH_COLOR = "#444444"
HEIGHT = 4.6
#: A Gaussian component's ellipse: this many standard deviations (Mahalanobis distance) from its
#: mean; in two dimensions it holds 1 - exp(-2) = 86.5 % of the component.
ELLIPSE_SIGMAS = 2.0
#: Lower edges of the bands of the highest membership probability counted in the report.
CERTAINTY_BANDS = (0.0, 0.9, 0.99)
#: The certainty strip's logit axis ends at 1 - CERTAIN_GAP (probabilities above are drawn there).
CERTAIN_GAP = 1e-6
TITLE = "Gaussian mixture"
#: The clusters scatter's panel titles: Python's, R's.
PANELS = ("Python (scikit-learn GaussianMixture)",
          "R (mclust::Mclust), relabelled to Python's numbering")
#: What the scatter marks besides the clusters, for its caption.
MARKS = (f"; dashed: each component's {ELLIPSE_SIGMAS:g}-standard-deviation ellipse (86.5 % of a "
         "two-dimensional Gaussian lies inside), black plus: its mean, from each language's own "
         "fitted means and covariances")
#: The packages it runs on: (language, package, what for).
PACKAGES = (("R", "mclust", "Mclust(), and hc() for exact mode's start"),)
#: How each mode starts EM.
START = {"course": "each library starts its own way",
         "exact": "both start from mclust's partition, tolerance 1e-12"}


def _model(c: Any) -> str:
    return MCLUST_MODELS.get(c.covariance, "?")


def page_title(c: Any) -> str:
    return (f"pyseg parity report: Gaussian mixture (k = {c.k}, {c.covariance} = mclust "
            f"{_model(c)}, {c.mode} mode) in Python and R")


def measures(c: Any, material: Any) -> list[list[str]]:
    """The section's rows beyond agreement, ARI and NMI."""
    return [["k, covariance (mclust model)", f"{c.k}, {c.covariance} ({_model(c)})"],
            ["Mode", f"{c.mode}: {START.get(c.mode, '')}"],
            ["Log-likelihood (Python / R)", f"{c.python.loglik:.6f} / {c.r.loglik:.6f}"],
            ["|dlogL|", f"{abs(c.loglik_diff):.3g}"],
            ["BIC, mclust's convention 2 logL - p log n, higher is better (Python / R)",
             f"{c.python.bic:.4f} / {c.r.bic:.4f}"],
            ["Largest difference of a membership probability", f"{c.max_probability_diff:.3g}"],
            ["EM iterations (Python / R)",
             " / ".join("not reported" if n is None else str(n)
                        for n in (c.python.n_iter, c.r.n_iter))]]


def decorate(c: Any, axes: Axes, side: int, shown: list[int], colors: list[Any]) -> None:
    """Draws each language's components (ellipses and means) on its panel of the scatter."""
    fit = (c.python, c.r)[side]
    ellipses(axes, fit.means, fit.covariances, shown, colors)


def figure_rows(c: Any, material: Any, prefix: str, clusters: _Figure) -> list[list[_Figure]]:
    """The clusters, how sure each assignment is, and the BIC per k (when computed)."""
    rows = [[clusters], [_Figure(
        f"{prefix}certainty.png", "How sure is each assignment? Python and R",
        "Every row's highest membership probability (scikit-learn's predict_proba, mclust's z): "
        "the probability that it belongs to the segment it was given. One dot per row, "
        "coloured by its cluster, jittered up and down within its language's strip; beside "
        "each language, how many rows fall below 0.9, from 0.9 to 0.99, and at 0.99 or above.",
        figure_to_png_bytes(certainty_figure(c.python.probabilities, c.r.probabilities,
                                             c.python.labels, c.r.labels)))]]
    curve = getattr(material, "bic", None)
    if curve is not None:
        rows.append([_Figure(
            f"{prefix}bic.png", "BIC per number of components, Python and R",
            f"Both languages' mixtures at k = {curve.ks[0]}..{curve.ks[-1]} ({curve.mode} mode: "
            f"{START[curve.mode]}), BIC in mclust's convention 2 logL - p log n: higher is "
            "better; scikit-learn's bic() is its negative. Each side's best k is marked; shaded "
            f"k are where the two BICs differ. This comparison used k = {c.k}.",
            figure_to_png_bytes(bic_figure(curve)))])
    return rows


def section(c: Any, material: Any) -> dict[str, Any]:
    """The section's record beyond the common keys: the certainty bands and the BIC per k."""
    extra: dict[str, Any] = {"certainty": {"python": certainty_bands(c.python.probabilities),
                                           "r": certainty_bands(c.r.probabilities)}}
    curve = getattr(material, "bic", None)
    if curve is not None:
        extra["bic"] = json_ready({**curve.to_dict(),
                                   "best_k_python": best_k(curve.ks, curve.python_bic),
                                   "best_k_r": best_k(curve.ks, curve.r_bic)})
    return extra


def summary_lines(run: MethodRun) -> list[str]:
    """What ``compare --method gmm`` prints about the comparison."""
    c = run.comparison
    from_start = ("both start from mclust's partition hclass(hc(X), k)" if c.mode == "exact"
                  else "each starts its own way")
    py_sizes, r_sizes = cluster_sizes(c.python.labels, c.k), cluster_sizes(c.r.labels, c.k)
    return [
        *summary_head(c, f"Gaussian mixture, k={c.k}, covariance {c.covariance} (mclust "
                      f"{_model(c)}), mode {c.mode}: {from_start}"),
        f"logL      Python {c.python.loglik:.6f}   R {c.r.loglik:.6f}   "
        f"|d| {abs(c.loglik_diff):.3g}",
        "",
        f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}  {'weight Py':>9}  {'weight R':>8}",
        *(f"{i:>7}  {py_sizes[i]:>7}  {r_sizes[i]:>6}  {float(c.python.weights[i]):>9.4f}  "
          f"{float(c.r.weights[i]):>8.4f}" for i in range(c.k)),
    ]


def choose_k_text(run: Any, args: Any) -> str:
    """The text of ``elbow --method gmm``: BIC and log-likelihood per k of both languages."""
    curve = run.curve
    lines = [f"data    {run.dataset.source} ({run.dataset.n_rows} rows); covariance "
             f"{curve.covariance}; mode {args.mode}",
             "BIC     mclust's convention: 2 logL - p log n, higher is better", "",
             f"{'k':>3}  {'BIC Python':>14}  {'BIC R':>14}  {'logL Python':>14}  "
             f"{'logL R':>14}"]
    lines += [f"{k:>3}  {pb:>14.4f}  {rb:>14.4f}  {pl:>14.4f}  {rl:>14.4f}"
              for k, pb, rb, pl, rl in zip(curve.ks, curve.python_bic, curve.r_bic,
                                            curve.python_loglik, curve.r_loglik, strict=True)]
    lines += ["", *(f"- {line}" for line in run.summary)]
    return "\n".join(lines) + "\n"


def write_choose_k_report(run: Any, outdir: Path) -> Path:
    """``elbow --method gmm --report``: the choosing-k page of BIC per k of both languages."""
    figure = _Figure(
        "bic.png", "BIC per k, scikit-learn GaussianMixture and mclust::Mclust",
        "BIC in mclust's convention (2 logL - p log n, higher is better) per number of "
        "components; each side's best k is marked and the k where the two differ are shaded.",
        bic_png(run.curve))
    return write_page(outdir, "bic", "pyseg: choosing k - Gaussian mixtures' BIC", run.dataset,
                      {**run.curve.to_dict(), "summary": run.summary}, run.report_provenance,
                      [figure])


def best_k(ks: tuple[int, ...], bic: tuple[float, ...]) -> int | None:
    """The k of the highest (best) finite BIC, the first one on a tie; None if none is finite."""
    values = np.asarray(bic, dtype=np.float64)
    if not np.isfinite(values).any():
        return None
    return int(ks[int(np.nanargmax(np.where(np.isfinite(values), values, np.nan)))])


def differing_k(curve: BicCurve) -> list[int]:
    """The k where Python's and R's BIC are not the same (relative difference > SAME_BIC)."""
    return [k for k, p, r in zip(curve.ks, curve.python_bic, curve.r_bic, strict=True)
            if not abs(p - r) <= SAME_BIC * max(abs(p), abs(r), 1.0)]


def bic_figure(curve: BicCurve) -> Figure:
    """BIC per k of scikit-learn's and mclust's mixtures on one chart.

    Each side's best k (highest BIC) is marked; the k where the two sides' BIC differ are
    shaded. The y axis says the convention: mclust's, higher is better.
    """
    figure = _new_figure(8, HEIGHT)
    axes = figure.subplots()
    ks = list(curve.ks)
    for k in differing_k(curve):
        axes.axvspan(k - 0.4, k + 0.4, color=DIFFER_COLOR, alpha=0.6, lw=0)
    axes.plot(ks, curve.python_bic, "o-", color=PYTHON_COLOR,
              label="Python (scikit-learn GaussianMixture)")
    axes.plot(ks, curve.r_bic, "s--", color=R_COLOR, label="R (mclust)", markerfacecolor="none")
    python_best, r_best = best_k(curve.ks, curve.python_bic), best_k(curve.ks, curve.r_bic)
    marks = ([(python_best, BOTH_COLOR, "Python and R")] if python_best == r_best else
             [(python_best, PYTHON_COLOR, "Python"), (r_best, R_COLOR, "R")])
    for best, color, side in marks:  # one line when both agree: the other would hide under it
        if best is not None:
            axes.axvline(best, color=color, lw=1, ls=":",
                         label=f"{side} best (highest): k = {best}")
    handles, labels = axes.get_legend_handles_labels()
    if differing_k(curve):
        from matplotlib.patches import Patch

        handles.append(Patch(color=DIFFER_COLOR, alpha=0.6))
        labels.append("k where Python's and R's BIC differ")
    model = MCLUST_MODELS.get(curve.covariance, curve.covariance)
    axes.set_title(f"Gaussian mixtures: BIC per k ({curve.covariance} covariances = mclust "
                   f"{model}, {curve.mode} mode)")
    axes.set_xlabel("Number of components k")
    axes.set_ylabel("BIC = 2 logL - p log n (mclust's; higher is better)")
    axes.grid(alpha=0.3)
    if len(ks) <= MAX_K_TICKS:
        axes.set_xticks(ks)
    else:
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    _grow_for_legends(figure, [_legend_below(figure, handles, labels, "center", 2)], HEIGHT)
    return figure


def bic_png(curve: BicCurve) -> bytes:
    """:func:`bic_figure` as PNG bytes (the same curve always gives the same bytes)."""
    return figure_to_png_bytes(bic_figure(curve))


def ellipse_axes(covariance: NDArray[np.float64], sigmas: float = ELLIPSE_SIGMAS
                 ) -> tuple[float, float, float]:
    """Width, height and angle (degrees) of the ``sigmas``-standard-deviation ellipse of a 2 x 2
    covariance: its axes lie along the eigenvectors, ``2 * sigmas * sqrt(eigenvalue)`` long."""
    values, vectors = np.linalg.eigh(np.asarray(covariance, dtype=np.float64))
    values = np.clip(values, 0.0, None)
    angle = float(np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1])))
    return (float(2 * sigmas * np.sqrt(values[1])), float(2 * sigmas * np.sqrt(values[0])),
            angle)


def ellipses(axes: Axes, means: NDArray[np.float64], covariances: NDArray[np.float64],
              shown: list[int], colors: list[Any]) -> None:
    """Each component's 2-sigma ellipse in the plotted columns, and its mean as a plus."""
    from matplotlib.patches import Ellipse

    means = np.asarray(means, dtype=np.float64)
    covariances = np.asarray(covariances, dtype=np.float64)
    for j in range(means.shape[0]):
        width, height, angle = ellipse_axes(covariances[j][np.ix_(shown, shown)])
        axes.add_patch(Ellipse((means[j, shown[0]], means[j, shown[1]]), width, height,
                               angle=angle, fill=False, ls="--", lw=1.6, color=colors[j],
                               label=f"{ELLIPSE_SIGMAS:g}-sigma ellipses" if j == 0 else None))
    axes.scatter(means[:, shown[0]], means[:, shown[1]], s=160, marker="P", c="black",
                 edgecolors="white", linewidths=1.2, zorder=4, label="Component means")


def certainty_bands(probabilities: NDArray[np.float64]) -> dict[str, int]:
    """How many rows' highest membership probability lies in each of :data:`CERTAINTY_BANDS`."""
    highest = np.max(np.asarray(probabilities, dtype=np.float64), axis=1)
    edges = [*CERTAINTY_BANDS, np.inf]
    return {f"< {high:g}" if low == 0 else f">= {low:g}" if high == np.inf else
            f"{low:g} to {high:g}":
            int(np.sum((highest >= low) & (highest < high)))
            for low, high in itertools.pairwise(edges)}


def certainty_figure(python_probabilities: NDArray[np.float64],
                     r_probabilities: NDArray[np.float64], python_labels: NDArray[np.int64],
                     r_labels: NDArray[np.int64]) -> Figure:
    """"How sure is this assignment": each row's highest membership probability, one dot per
    row in a strip per language (jittered vertically, coloured by its cluster), with the count
    of rows per band of :data:`CERTAINTY_BANDS` beside each strip.

    The x axis is a logit scale (0.5, 0.9, 0.99, 0.999 equally apart), so that the many rows
    near certainty spread out instead of piling up at 1; probabilities above
    1 - :data:`CERTAIN_GAP` are drawn at that edge.
    """
    from matplotlib.ticker import NullLocator

    k = int(np.asarray(python_probabilities).shape[1])
    colors = _palette(max(k, 1))
    figure = _new_figure(13, 3.8)
    axes = figure.subplots()
    rng = np.random.default_rng(0)  # fixed jitter: the same fit draws the same bytes
    strips = (("Python (scikit-learn)", python_probabilities, python_labels),
              ("R (mclust)", r_probabilities, r_labels))
    names = []
    for row, (side, probabilities, labels) in enumerate(strips):
        highest = np.clip(np.max(np.asarray(probabilities, dtype=np.float64), axis=1),
                          None, 1 - CERTAIN_GAP)
        labels = np.asarray(labels, dtype=np.int64)
        y = 1 - row + rng.uniform(-0.3, 0.3, highest.size)
        for cluster in range(k):
            members = labels == cluster
            axes.scatter(highest[members], y[members], s=16, color=colors[cluster], alpha=0.75,
                         label=f"Cluster {cluster}" if row == 0 else None)
        names.append(f"{side}\n" + ", ".join(
            f"{count} {band}" for band, count in reversed(certainty_bands(probabilities).items())))
    for low in CERTAINTY_BANDS[1:]:
        axes.axvline(low, color="#555555", ls=":", lw=1)
    axes.set_xscale("logit")
    lowest = min(0.5, 1.0 / max(k, 1))  # no row's highest probability is below 1/k
    ticks = sorted({lowest, 0.5, *(1 - 10.0 ** -e for e in range(1, 7))})
    axes.set_xticks(ticks, [f"{t:.6g}" for t in ticks])
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_xlim(lowest * 0.9, 1 - CERTAIN_GAP / 2)
    axes.set_yticks([1, 0], names)
    axes.set_ylim(-0.6, 1.6)
    axes.set_xlabel("Each row's highest membership probability, the probability of its segment "
                    f"(logit scale; at the right edge: above 1 - {CERTAIN_GAP:g})")
    axes.set_title("How sure is each assignment? One dot per row; dotted lines at "
                   + " and ".join(f"{low:g}" for low in CERTAINTY_BANDS[1:]))
    axes.grid(alpha=0.3, axis="x")
    legend = _legend_below(figure, *axes.get_legend_handles_labels(), "center", max_columns=10)
    _grow_for_legends(figure, [legend], 3.8)
    return figure
