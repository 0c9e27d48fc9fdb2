"""The report directories of ``pyseg gap`` and ``pyseg stability``: one "choosing k" page.

Like :mod:`pyseg._report` (whose figure record, template and writer this reuses), it
draws and writes results computed beforehand; ``report.json`` differs between two runs on the
same inputs only in ``generated_at``. The gap page also shows the elbow and silhouettes, so that
the elbow and the gap statistic are read side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyseg._plots import elbow_figure, figure_to_png_bytes
from pyseg._report import _data_dict, _Figure, _finish, _ReportParts
from pyseg._stability_plots import gap_figure, jaccard_figure, wcss_per_seed_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from pyseg._data import Dataset
    from pyseg._gap import GapResult
    from pyseg._stability import BootstrapStability, SeedSweep
    from pyseg.methods.kmeans._elbow import ElbowResult

def write_page(outdir: Path, record: dict[str, Any], figures: list[_Figure]) -> Path:
    parts = _ReportParts(figures=list(figures), notes=list(record.get("notes", [])))
    return _finish(outdir, record, parts, lenient=True)


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
    record: dict[str, Any] = {
        "kind": "gap", "title": "pyseg: choosing k - gap statistic, elbow and silhouettes",
              "data": _data_dict(dataset), "result": result.to_dict(),
              "elbow": None if elbow is None else elbow.to_dict(), "provenance": provenance}
    if elbow is None:
        record["notes"] = ["The elbow was not computed (R's cluster package or k values)."]
    return write_page(outdir, record, figures)


def write_stability_report(result: SeedSweep | BootstrapStability, dataset: Dataset,
                           provenance: dict[str, Any], outdir: Path) -> Path:
    """Write the seed-sweep or bootstrap page into ``outdir``."""
    record: dict[str, Any] = {"data": _data_dict(dataset), "result": result.to_dict(),
                              "provenance": provenance}
    kind = record["result"]["kind"]
    name, caption, text, draw, title = _STABILITY_PAGES[kind]
    figure = _Figure(name, caption, text, figure_to_png_bytes(draw(result)))
    record.update({"kind": kind, "title": title})
    return write_page(outdir, record, [figure])


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
