"""Hierarchical clustering in Python: scipy's ``linkage``, cut into exactly k clusters.

scipy's ``fcluster(Z, k, criterion="maxclust")`` cuts at a height, so when merge heights tie at
the cut it returns fewer than ``k`` clusters (course file, single linkage, k = 9: 8 clusters).
R's ``cutree(tree, k)`` undoes the last k - 1 merges instead and always gives k; pyseg cuts the
same way (:func:`cut_tree_exactly`) and records what ``fcluster`` would have given.

For ward on :data:`~pyseg.methods.hierarchical._base.VECTOR_WARD_ROWS` rows or more, the tree comes
from ``fastcluster.linkage_vector(X, method="ward")``, which works on the data itself in O(n)
memory instead of the n(n - 1)/2 pairwise distances; it is the same algorithm as R's
``fastcluster::hclust.vector`` (tests prove the same partition as scipy where both fit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from pyseg._errors import RUnavailableError
from pyseg.methods._base import PythonEngine
from pyseg.methods.hierarchical._base import HierarchicalFit, check_linkage, choose_route

if TYPE_CHECKING:
    from numpy.typing import NDArray

FASTCLUSTER_FIX = "pip install fastcluster"


class ScipyHierarchicalEngine(PythonEngine):
    """scipy ``linkage(X, linkage)`` (or fastcluster for large ward) + a ``cutree``-style cut.

    Parameters
    ----------
    route : {"auto", "matrix", "vector"}, default="auto"
        ``"auto"``: the vector route for ward from ``VECTOR_WARD_ROWS`` rows on. ``"vector"``
        forces ``fastcluster.linkage_vector`` (ward only), ``"matrix"`` scipy's ``linkage``.
    """

    LIBRARY = "scipy"

    def __init__(self, route: str = "auto") -> None:
        self.route = route

    def fit(self, X: NDArray[np.float64], k: int, linkage: str = "ward") -> HierarchicalFit:
        from scipy.cluster.hierarchy import fcluster

        check_linkage(linkage)
        X = np.ascontiguousarray(X, dtype=np.float64)
        route = choose_route(self.route, X.shape[0], linkage)
        Z = linkage_matrix(X, linkage, route)
        labels = cut_tree_exactly(Z, k)
        found = int(np.unique(fcluster(Z, k, criterion="maxclust")).size)
        return HierarchicalFit(engine=self.name, labels=labels, heights=Z[:, 2].copy(),
                               linkage_matrix=Z, linkage=linkage, route=route,
                               fcluster_clusters=found)


def linkage_matrix(X: NDArray[np.float64], linkage: str, route: str = "matrix") -> NDArray[
        np.float64]:
    """scipy's linkage matrix of ``X``: ``scipy.cluster.hierarchy.linkage(X, linkage)``, or
    ``fastcluster.linkage_vector(X, "ward")`` on the ``"vector"`` route."""
    if route == "vector":
        if linkage != "ward":
            raise ValueError("the vector route is for ward only")
        try:
            import fastcluster
        except ModuleNotFoundError:
            raise RUnavailableError(
                f"fastcluster is not installed (needed for ward on many rows): run "
                f"`{FASTCLUSTER_FIX}`") from None
        return np.asarray(fastcluster.linkage_vector(X, method="ward"), dtype=np.float64)
    from scipy.cluster.hierarchy import linkage as scipy_linkage

    return np.asarray(scipy_linkage(X, method=_SCIPY_METHOD[linkage]), dtype=np.float64)


#: pyseg's linkage names (:data:`LINKAGES`, checked by ``check_linkage``) as scipy spells them.
_SCIPY_METHOD: dict[str, Literal["ward", "complete", "average", "single"]] = {
    "ward": "ward", "complete": "complete", "average": "average", "single": "single"}


def cut_tree_exactly(Z: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Cut a linkage matrix into exactly ``k`` clusters, as R's ``cutree(tree, k)`` does.

    The first ``n - k`` merges (in the tree's merge order) are kept and the rest undone, so ties
    in height cannot change the number of clusters. Clusters are numbered 0.. in order of their
    first row, which is ``cutree``'s numbering minus one.

    Parameters
    ----------
    Z : ndarray of shape (n - 1, 4)
    k : int
        1 <= k <= n.

    Returns
    -------
    labels : ndarray of shape (n,), dtype int64
    """
    n = Z.shape[0] + 1
    if not 1 <= k <= n:
        raise ValueError(f"k={k} should be within 1..{n}")
    kept = n - k
    root = np.arange(2 * n - 1, dtype=np.int64)
    children = Z[:kept, :2].astype(np.int64)
    # A merge's id is larger than its children's, so walking the kept merges from the last one
    # down hands every node the root of its parent before the node's own children are visited.
    for j in range(kept - 1, -1, -1):
        root[children[j]] = root[n + j]
    leaf_roots = root[:n]
    _, first, inverse = np.unique(leaf_roots, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.reshape(-1)]
