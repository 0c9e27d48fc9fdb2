"""The gap statistic (Tibshirani, Walther and Hastie 2001) as ``cluster::clusGap`` computes it,
in Python and in R, on reference data sets (and the method's draws: its
:class:`~pyseg.engines._stability_python.Resampler`) pyseg draws once for both languages.

``W_k`` is clusGap's ``W.k`` on each side's partition: 0.5 * sum over clusters of (sum of pairwise
distances^d_power) / cluster size; ``gap_k`` = mean log W_k of the references - log W_k of the
data; ``SE_k`` = sqrt(1 + 1/B) * sd of the references' log W_k. ``cluster::clusGap`` itself, with
its own draws, is the independent check; ``cluster::maxSE``'s five rules choose k from each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg._parallel import Task
from pyseg._stability import check_resample_arguments, resample_both
from pyseg.engines import PythonResampleEngine
from pyseg.engines._stability_r import MAXSE_RULES

if TYPE_CHECKING:
    from numpy.typing import NDArray


#: clusGap's reference spaces (``spaceH0``), its default first.
REFERENCES: tuple[str, ...] = ("scaledPCA", "original")


def max_se_rules(f: NDArray[np.float64], se: NDArray[np.float64],
                 se_factor: float = 1.0) -> dict[str, int]:
    """``cluster::maxSE``, ported: the k (1-based) each of its rules (:data:`MAXSE_RULES`, in
    its order) picks from gap values ``f``."""
    f, se = np.asarray(f, dtype=np.float64), se_factor * np.asarray(se, dtype=np.float64)

    def first(holds: NDArray[np.bool_], otherwise: int) -> int:
        """The first k where ``holds``, else ``otherwise``."""
        return int(np.argmax(holds)) + 1 if holds.any() else otherwise

    def first_within(nc: int) -> int:
        return first(f[:nc - 1] >= f[nc - 1] - se[nc - 1], nc)

    first_max, global_max = first(np.diff(f) <= 0, f.size), int(np.argmax(f)) + 1
    picked = {"firstSEmax": first_within(first_max),
              "Tibs2001SEmax": first(f[:-1] >= (f - se)[1:], f.size),
              "globalSEmax": first_within(global_max), "firstmax": first_max,
              "globalmax": global_max}
    return {rule: picked[rule] for rule in MAXSE_RULES}


def max_se(f: NDArray[np.float64], se: NDArray[np.float64], rule: str,
           se_factor: float = 1.0) -> int:
    """The k (1-based) that ``cluster::maxSE``'s ``rule`` picks (:func:`max_se_rules`)."""
    rules = max_se_rules(f, se, se_factor)
    if rule not in rules:
        raise ValueError(f"unknown maxSE rule {rule!r}")
    return rules[rule]


def reference_sets(X: NDArray[np.float64], B: int, reference: str,
                   rng: np.random.Generator) -> NDArray[np.float64]:
    """B reference data sets as clusGap draws them (each column uniform in its range, in the
    data's box or its PCA-rotated box): shape (B, n, d)."""
    n, d = X.shape
    means = X.mean(axis=0)
    centred = X - means
    rotation = np.linalg.svd(centred, full_matrices=False)[2].T if reference == "scaledPCA" \
        else np.eye(d)
    rotated = centred @ rotation
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    sets = np.empty((B, n, d), dtype=np.float64)
    for b in range(B):
        z1 = np.column_stack([rng.uniform(low[j], high[j], n) for j in range(d)])
        sets[b] = (z1 @ rotation.T if reference == "scaledPCA" else z1) + means
    return sets


@dataclass(frozen=True)
class GapSide:
    """One language's gap: log W per k of the data, the references' mean, gap and SE."""

    logw: NDArray[np.float64]
    e_logw: NDArray[np.float64]
    gap: NDArray[np.float64]
    se: NDArray[np.float64]

    @classmethod
    def from_logw(cls, logw: NDArray[np.float64]) -> GapSide:
        """From log W of the data (row 0) and of the B references (rows 1..B)."""
        references = logw[1:]
        B = references.shape[0]
        e_logw = references.mean(axis=0)
        se = math.sqrt(1 + 1 / B) * references.std(axis=0, ddof=1)
        return cls(logw[0], e_logw, e_logw - logw[0], se)

    def to_dict(self) -> dict[str, Any]:
        return {"gap": self.gap, "se": self.se, "logw": self.logw, "e_logw": self.e_logw,
                "rules": max_se_rules(self.gap, self.se)}


@dataclass(frozen=True)
class GapResult:
    """The gap statistic of both languages on shared references, and clusGap's own.

    Attributes
    ----------
    settings : dict
        method, linkage, k_max, B, seed, starts, reference, d_power.
    python, r : GapSide
    r_maxse_on_python : dict
        ``cluster::maxSE`` run in R on Python's gap and SE (checks the Python port).
    clusgap : dict or None
        clusGap's table (logw, e_logw, gap, se), its rules and its call; None when not run.
    r_failed_starts, clusgap_unavailable : int, str or None
        As :class:`~pyseg._stability.BootstrapStability`'s ``r_failed_starts`` and
        ``clusterboot_unavailable``, for clusGap.
    shared_draws : str or None
        What both languages were given beside the reference sets, in words (None: left out of
        the JSON; the report then names K-Means' shared starts).
    """

    settings: dict[str, Any]
    python: GapSide
    r: GapSide
    r_maxse_on_python: dict[str, int]
    clusgap: dict[str, Any] | None = field(default=None, repr=False)
    r_failed_starts: int = 0
    clusgap_unavailable: str | None = None
    shared_draws: str | None = None

    @property
    def k_values(self) -> list[int]:
        return list(range(1, self.settings["k_max"] + 1))

    def max_abs_diff(self) -> dict[str, float]:
        return {"gap": float(np.max(np.abs(self.python.gap - self.r.gap))),
                "se": float(np.max(np.abs(self.python.se - self.r.se)))}

    def summary(self) -> list[str]:
        s, diff = self.settings, self.max_abs_diff()
        rules = max_se_rules(self.python.gap, self.python.se)
        lines = [f"Gap statistic, k = 1..{s['k_max']}, B = {s['B']} {s['reference']} references "
                 f"(seed {s['seed']}), d.power = {s['d_power']}: Python and R differ by at most "
                 f"{diff['gap']:.3g} (gap) and {diff['se']:.3g} (SE).",
                 "pyseg's k per maxSE rule: " + _rules_text(rules) + "."]
        if rules != self.r_maxse_on_python:
            lines.append("cluster::maxSE on the same values says " +
                         _rules_text(self.r_maxse_on_python) + ".")
        if self.clusgap is not None:
            lines.append("cluster::clusGap (its own draws): " + _rules_text(self.clusgap["rules"])
                         + ".")
        if self.clusgap_unavailable is not None:
            lines.append(f"cluster::clusGap could not run: {self.clusgap_unavailable}")
        if len(set(rules.values())) > 1:
            lines.append("The rules disagree: the gap statistic gives no single best k here.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, deterministic."""
        document = {
            "kind": "gap", **self.settings, "k": self.k_values,
            "python": self.python.to_dict(), "r": self.r.to_dict(),
            "max_abs_diff": self.max_abs_diff(), "r_maxse_on_python": self.r_maxse_on_python,
            "clusgap": self.clusgap, "r_failed_starts": self.r_failed_starts,
            "summary": self.summary(),
        }
        if self.shared_draws is not None:
            document["shared_draws"] = self.shared_draws
        if self.clusgap_unavailable is not None:
            document["clusgap_unavailable"] = self.clusgap_unavailable
        return json_ready(document)


def _rules_text(rules: dict[str, int]) -> str:
    return ", ".join(f"{rule} {k}" for rule, k in rules.items())


def gap_statistic(dataset: Dataset, k_max: int = 10, B: int = 100, seed: int = 1,
                  starts: int = 10, reference: str = "scaledPCA", d_power: int = 1,
                  method: str = "kmeans", linkage: str = "ward", clusgap: bool = True,
                  workers: int | None = 1, progress: bool = False,
                  covariance: str = "full", dask: str | None = None) -> GapResult:
    """The gap statistic in Python and R on shared references, and ``cluster::clusGap``'s own.

    The draws beyond the reference sets are the method's (its ``Resampler.gap_draws``, for
    k = 2..K; some come from one R call). ``workers`` and ``dask``: where the fits run
    (:func:`~pyseg._stability.resample_both`); the result does not depend on them.

    Raises
    ------
    InputError
        B < 2, K < 2, K not below the number of distinct points, starts < 1, a bad reference,
        d_power, method, linkage or covariance.
    """
    if reference not in REFERENCES:
        raise InputError(f"--reference {reference!r} is not one of {', '.join(REFERENCES)}")
    if d_power not in (1, 2):
        raise InputError(f"--d-power {d_power} should be 1 or 2")
    if k_max < 2:
        raise InputError(f"K = {k_max} should be >= 2 (clusGap's K.max >= 2)")
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    fit, r_engine = check_resample_arguments(X, dataset.source, "--B", B, X.size, k_max, starts,
                                             method, workers, covariance, linkage)
    python_engine = PythonResampleEngine()
    rng = np.random.default_rng(seed)
    sets = np.concatenate([X[None], reference_sets(X, B, reference, rng)])

    def jobs(draws: list[Any] | None, piece: range) -> tuple[Task, Task]:
        options = (sets[piece.start:piece.stop], k_max, fit,
                   None if draws is None else draws[piece.start:piece.stop], d_power)
        return (python_engine.gap_logw, options), (r_engine.gap_logw, options)

    _, python, r, check, unavailable = resample_both(
        B + 1, workers, f"gap: B={B}", progress, lambda: fit.gap_draws(sets, k_max, rng, r_engine),
        jobs, (r_engine.clusgap, (X, k_max, B, seed, fit, d_power, reference)) if clusgap else None,
        dask, fit)
    settings = {"method": method, "linkage": linkage, "k_max": k_max, "B": B, "seed": seed,
                "starts": starts, "reference": reference, "d_power": d_power, **fit.json_keys()}
    python_side = GapSide.from_logw(np.concatenate(python))
    own = None if check is None else _clusgap_dict(check, settings, fit.clusgap_function())
    return GapResult(settings, python_side, GapSide.from_logw(np.concatenate([p[0] for p in r])),
                     r_engine.max_se(python_side.gap, python_side.se), own,
                     int(sum(p[1] for p in r)), unavailable, fit.gap_draws_text())


def _clusgap_dict(check: dict[str, Any], settings: dict[str, Any],
                  function: str) -> dict[str, Any]:
    """clusGap's table, rules and call (``function``: its FUNcluster as R code)."""
    tab = check["tab"]
    call = (f"set.seed({settings['seed']}); cluster::clusGap(X, FUNcluster = {function}, "
            f"K.max = {settings['k_max']}, B = {settings['B']}, "
            f"d.power = {settings['d_power']}, spaceH0 = '{settings['reference']}')")
    return {"logw": tab[:, 0], "e_logw": tab[:, 1], "gap": tab[:, 2], "se": tab[:, 3],
            "rules": check["rules"], "call": call}
