"""Hierarchical clustering in ``pyseg stability --bootstrap`` and ``pyseg gap``.

No draws beyond the rows: the tree of each resample or data set, cut to exactly k clusters, is
deterministic given the data (Python: scipy's linkage and a ``cutree``-style cut; R: ``hclust``
+ ``cutree``). On data with tied merge heights the two may break ties differently. clusterboot's
check is hclustCBI (``scaling = FALSE``); clusGap's own FUNcluster cuts ``hclust(dist(x))``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pyseg.engines._stability_python import Resampler
from pyseg.methods.hierarchical._base import R_HCLUST_METHOD, check_linkage
from pyseg.methods.hierarchical._python import (
    ScipyHierarchicalEngine,
    cut_tree_exactly,
    linkage_matrix,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class Resample(Resampler):
    """The hierarchical tree (``linkage``) cut at k."""

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
        return {"linkage": R_HCLUST_METHOD[self.linkage]}

    def method_text(self, k: int) -> str:
        return f"hierarchical ({self.linkage}) cut at k = {k}"

    def clusterboot_call(self, k: int, B: int, seed: int) -> str:
        return (f"fpc::clusterboot(X, B = {B}, bootmethod = 'boot', clustermethod = hclustCBI, "
                f"k = {k}, method = '{self.linkage}', scaling = FALSE, seed = {seed})")

    def clusgap_function(self) -> str:
        return f"function(x, k) list(cluster = cutree(hclust(dist(x), '{self.linkage}'), k))"

    def gap_draws_text(self) -> str:
        return "no other draws: hierarchical clustering is deterministic given the data"
