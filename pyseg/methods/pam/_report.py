"""PAM's section of the method report and its ``compare`` summary: the medoid customers of both
languages as a table, and both languages' clusters with the medoids as stars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._report import cluster_sizes
from pyseg.methods._base import summary_head

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyseg._pipeline import MethodRun

TITLE = "PAM (k-medoids)"
#: The clusters scatter's panel titles: Python's, R's.
PANELS = ("Python (kmedoids.pam)", "R (cluster::pam), relabelled to Python's numbering")
#: What the scatter marks besides the clusters, for its caption.
MARKS = ("; stars mark each language's medoid customers (the medoid of a cluster in the "
         "cluster's colour)")
#: The packages it runs on: (language, package, what for).
PACKAGES = (("R", "cluster", "pam() and daisy(metric = \"gower\")"),
            ("Python", "kmedoids", "pam(), BUILD + SWAP"))


def page_title(c: Any) -> str:
    return f"pyseg parity report: PAM (k = {c.k}, {c.distance} distance) in Python and R"


def clustered_columns(c: Any) -> list[str]:
    """The columns clustered, as read (Gower distances take them unencoded)."""
    return list(c.data.columns.names)


def measures(c: Any, material: Any) -> list[list[str]]:
    """The section's rows beyond agreement, ARI and NMI."""
    same = ("yes" if c.same_medoids else
            "as customers: the rows that differ hold identical values" if not c.medoids_differing
            else f"no: {c.medoids_differing} of {c.k} medoids differ")
    return [["k, distance", f"{c.k}, {c.distance}"],
            ["Same medoids in both languages", same],
            ["Objective, the mean distance to the medoid (Python / R)",
             f"{c.python.objective:.12g} / {c.r.objective:.12g}"],
            ["Relative difference of the objectives", f"{c.objective_rel_diff:.3g}"],
            [f"Largest difference of the two sides' {c.distance} distances, max |dD|",
             "not checked (too many rows)" if c.max_distance_diff is None
             else f"{c.max_distance_diff:.3g}"],
            ["Rows equally near two medoids (tied)", str(c.tied_rows)],
            ["Rows in different clusters that are such ties", str(c.moved_ties)]]


def decorate(c: Any, axes: Axes, side: int, shown: list[int], colors: list[Any]) -> None:
    """Draws each language's medoid customers on its panel of the clusters scatter: cluster j's
    as a large star in its colour, edged in black (one legend entry)."""
    medoids = np.asarray(c.dataset.X, dtype=np.float64)[(c.python, c.r)[side].medoids]
    for j, (x, y) in enumerate(medoids[:, shown]):
        axes.scatter([x], [y], s=340, marker="*", color=colors[j], edgecolors="black",
                     linewidths=1.3, zorder=4)
    axes.scatter([], [], s=340, marker="*", color="white", edgecolors="black", linewidths=1.3,
                 label="Medoid customers")  # the legend's star: colourless, every cluster has one


def _id(cell: str) -> str:
    """A customer ID as the customer reads it: ``0095`` is customer 95."""
    return str(int(cell)) if cell.isdigit() else cell


def section(c: Any, material: Any) -> dict[str, Any]:
    """The section's record beyond the common keys: the medoid customers' table."""
    return {"tables": [_medoid_table(c)]}


def _medoid_table(c: Any) -> dict[str, Any]:
    """Both languages' medoid customers, cluster by cluster (Python's numbering)."""
    names = list(c.data.columns.names)
    python, r = c.medoid_customers(c.python), c.medoid_customers(c.r)
    rows = []
    for j, (mine, theirs) in enumerate(zip(python, r, strict=True)):
        same = ("same row" if theirs["row"] == mine["row"] else
                "same values, another row" if theirs["values"] == mine["values"] else "no")
        for side, customer, fit, note in (("Python", mine, c.python, ""),
                                          ("R", theirs, c.r, same)):
            rows.append([str(j), side, customer["id"] or "-", str(customer["row"]),
                         *(_value(customer["values"][name]) for name in names),
                         str(int(np.sum(fit.labels == j))), note])
    return {"id": "medoids", "title": "Medoid customers, Python and R",
            "caption": "Each cluster's medoid: the customer PAM chose to represent it (PAM "
                       "minimises the total distance of every customer to its nearest medoid). "
                       "CustomerID from the data, row counted from 0; each R medoid is listed "
                       "under the Python cluster its cluster matches.",
            "header": ["Cluster", "Language", "CustomerID", "Row (from 0)", *names,
                       "Customers in the cluster", "Same medoid as Python's"],
            "rows": rows}


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def summary_lines(run: MethodRun) -> list[str]:
    """What ``compare --method pam`` prints about the comparison."""
    c = run.comparison
    lines = [
        *summary_head(c, f"PAM, k={c.k}, {c.distance} distance" + (
            " (Python's D: pyseg's Gower distances, daisy's arithmetic)"
            if c.distance == "gower" else "")),
        f"objective Python {c.python.objective:.12g}   R {c.r.objective:.12g}   (mean distance "
        "to the medoid)",
        "",
        f"{'cluster':>7}  {'size':>5}  medoid (Python = R; rows from 0, as in --json)"
        if c.same_medoids else f"{'cluster':>7}  {'size':>5}  medoid Python / medoid R "
        "(rows from 0, as in --json)",
    ]
    python, r = c.medoid_customers(c.python), c.medoid_customers(c.r)
    sizes = cluster_sizes(c.python.labels, c.k)
    for index, (mine, theirs) in enumerate(zip(python, r, strict=True)):
        who = (f"customer {_id(mine['id'])} (row {mine['row']})" if mine["id"]
               else f"row {mine['row']}")
        values = ", ".join(f"{name} {_value(v)}" for name, v in mine["values"].items())
        line = f"{index:>7}  {sizes[index]:>5}  {who}: {values}"
        if theirs["row"] != mine["row"]:
            line += f"  /  R: row {theirs['row']}"
        lines.append(line)
    return lines
