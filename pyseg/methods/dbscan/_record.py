"""DBSCAN's R fit recorded (``record-r --method dbscan``): one entry per ``(eps, min_points)``,
replayed by :class:`~pyseg.engines.RecordedMethodEngine`."""

from __future__ import annotations

from typing import Any

from pyseg._data import Dataset
from pyseg.methods.dbscan._base import DbscanFit
from pyseg.methods.dbscan._compare import dbscan_eps
from pyseg.methods.dbscan._r import RDbscanEngine

ARGUMENTS = ("eps", "min_points")
R_FILES = ("bridge.R", "dbscan.R")
FIT_TYPE = DbscanFit
live_engine = RDbscanEngine


def runs(dataset: Dataset, settings: Any, k_values: list[int]) -> list[tuple[Any, ...]]:
    return [(dbscan_eps(dataset, settings), settings.min_points)]
