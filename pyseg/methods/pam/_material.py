"""The medoids' report needs nothing beyond the comparison; this part says that R's side of it
can be replayed, so the report summarises the recording (see :mod:`pyseg._method_pipeline`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyseg._method_pipeline import MethodReportMaterial


def material(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    return MethodReportMaterial()
