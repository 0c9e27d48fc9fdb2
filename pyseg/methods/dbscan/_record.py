"""DBSCAN's R fit recorded (``record-r --method dbscan``): one entry per ``(eps, min_points)``,
replayed by :class:`~pyseg.engines.RecordedMethodEngine`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyseg._data import Dataset
from pyseg.engines._recorded import load_r_packages_if_installed, record_method_results
from pyseg.methods.dbscan._base import DbscanFit
from pyseg.methods.dbscan._compare import dbscan_eps
from pyseg.methods.dbscan._r import RDbscanEngine

ARGUMENTS = ("eps", "min_points")
R_FILES = ("bridge.R", "dbscan.R")
FIT_TYPE = DbscanFit
live_engine = RDbscanEngine


def load_r_packages() -> None:
    load_r_packages_if_installed(RDbscanEngine())


def record(dataset: Dataset, settings: Any, k_values: list[int], path: Path | None, *,
           scale: str, elbow_starts: int) -> Path:
    return record_method_results(dataset, "dbscan",
                                 [(dbscan_eps(dataset, settings), settings.min_points)], path,
                                 scale=scale)
