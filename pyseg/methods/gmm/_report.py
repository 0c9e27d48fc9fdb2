"""The Gaussian mixture's section of the method report and its ``compare`` summary.

Figures: both languages' clusters with each component's 2-sigma ellipse, each row's highest
membership probability per language ("how sure is this assignment"), and the BIC per k of both
languages (computed in ``_material``); the drawings are :mod:`pyseg.methods.gmm._plots`'.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyseg._choosing_k_report import write_page
from pyseg._io import json_ready
from pyseg._plots import figure_to_png_bytes
from pyseg._report import _Figure, cluster_sizes
from pyseg.methods._base import summary_head
from pyseg.methods.gmm._base import MCLUST_MODELS
from pyseg.methods.gmm._plots import (
    ELLIPSE_SIGMAS,
    best_k,
    bic_figure,
    bic_png,
    certainty_bands,
    certainty_figure,
    ellipses,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyseg._pipeline import MethodRun

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
