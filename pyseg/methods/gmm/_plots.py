"""The Gaussian mixture's "elbow": BIC per number of components in both languages, drawn with
matplotlib's ``Figure`` API (no pyplot) on the helpers of :mod:`pyseg._plots`.

The BIC is mclust's convention for both sides, ``2 logL - p log n``: higher is better, and the
best k is the highest point (scikit-learn's ``bic()`` is minus this; its lowest point is the
same k). The figure draws a :class:`pyseg.methods.gmm._compare.BicCurve` computed elsewhere
(:func:`pyseg.methods.gmm._compare.gmm_bic_curve`); nothing here fits a model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyseg._plots import (
    MAX_K_TICKS,
    PYTHON_COLOR,
    R_COLOR,
    _grow_for_legends,
    _legend_below,
    _new_figure,
    figure_to_png_bytes,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from pyseg.methods.gmm._compare import BicCurve

#: mclust's model name for each covariance type (as pyseg.engines.MCLUST_MODELS).
MCLUST_NAMES = {"full": "VVV", "diag": "VVI", "spherical": "VII", "tied": "EEE"}
#: BIC values closer than this (relative) are "the same" and not shaded.
SAME_BIC = 1e-9
DIFFER_COLOR = "#ffd8a8"
#: The best-k line when both languages have the same best k.
BOTH_COLOR = "#444444"
HEIGHT = 4.6


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
    for k, color, side in marks:  # one line when both agree: the other would hide under it
        if k is not None:
            axes.axvline(k, color=color, lw=1, ls=":", label=f"{side} best (highest): k = {k}")
    handles, labels = axes.get_legend_handles_labels()
    if differing_k(curve):
        from matplotlib.patches import Patch

        handles.append(Patch(color=DIFFER_COLOR, alpha=0.6))
        labels.append("k where Python's and R's BIC differ")
    model = MCLUST_NAMES.get(curve.covariance, curve.covariance)
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
