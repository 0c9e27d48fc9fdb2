"""Hierarchical clustering's R fits recorded (``record-r --method hierarchical``): one entry per
``(k, linkage)``, replayed by :class:`~pyseg.engines.RecordedMethodEngine`."""

from __future__ import annotations

from typing import Any

from pyseg._data import Dataset
from pyseg.methods.hierarchical._base import HierarchicalFit
from pyseg.methods.hierarchical._r import RHierarchicalEngine

ARGUMENTS = ("k", "linkage")
R_FILES = ("bridge.R", "hierarchical.R")
FIT_TYPE = HierarchicalFit
live_engine = RHierarchicalEngine
READY = {"vector": True}


def runs(dataset: Dataset, settings: Any, k_values: list[int]) -> list[tuple[Any, ...]]:
    return [(k, settings.linkage) for k in k_values]
