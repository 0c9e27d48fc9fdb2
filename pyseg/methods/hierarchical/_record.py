"""Hierarchical clustering's R fits recorded (``record-r --method hierarchical``): one entry per
``(k, linkage)``, replayed by :class:`~pyseg.engines.RecordedMethodEngine`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyseg._data import Dataset
from pyseg.engines._recorded import load_r_packages_if_installed, record_method_results
from pyseg.methods.hierarchical._base import HierarchicalFit
from pyseg.methods.hierarchical._r import RHierarchicalEngine

ARGUMENTS = ("k", "linkage")
R_FILES = ("bridge.R", "hierarchical.R")
FIT_TYPE = HierarchicalFit
live_engine = RHierarchicalEngine


def load_r_packages() -> None:
    load_r_packages_if_installed(RHierarchicalEngine(), vector=True)


def record(dataset: Dataset, settings: Any, k_values: list[int], path: Path | None, *,
           scale: str, elbow_starts: int) -> Path:
    return record_method_results(dataset, "hierarchical",
                                 [(k, settings.linkage) for k in k_values], path, scale=scale)
