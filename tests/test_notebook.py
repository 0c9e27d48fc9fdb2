"""The course notebook, notebooks/customer_segmentation.ipynb.

``test_notebook_runs`` executes it top to bottom in a fresh Jupyter kernel (nbclient) with the
course file, as a learner would, and checks the outputs a learner relies on; it needs R for the
``%%R`` cells. The kernel is declared here, in a temporary Jupyter path, to run this very
interpreter (``sys.executable``), so an unrelated ``python3`` kernel installed on the machine
cannot be picked up instead. The executed copy is written to tests/artifacts/ (git-ignored); the
committed notebook is never modified.

``test_committed_notebook_has_no_outputs`` needs neither R nor Jupyter: the notebook is kept
without outputs or execution counts, so that it never carries the course data or stale numbers.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
KERNEL_NAME = "pyseg-notebook-test"
MAX_SECONDS = 60.0


@pytest.fixture(scope="module")
def notebook_path(repo: Path) -> Path:
    return repo / "notebooks" / "customer_segmentation.ipynb"


def _require(module: str, missing_dependency: Callable[[str], None]) -> ModuleType:
    """Import a Jupyter package; skip without it, fail under CI (which must run every test)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing_dependency(f"{module} is not installed: pip install nbclient nbformat ipykernel")
        raise


def _cell_text(cell: dict) -> str:
    """Everything a code cell showed, as text (rpy2 splits R's printing into many pieces)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "text/plain" in output.get("data", {}):
            parts.append(output["data"]["text/plain"])
        elif output.get("output_type") == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "".join(parts)


def _cell_with(cells: list[dict], marker: str) -> dict:
    found = [cell for cell in cells if marker in "".join(cell["source"])]
    assert len(found) == 1, f"expected one code cell containing {marker!r}, found {len(found)}"
    return found[0]


def test_committed_notebook_has_no_outputs(notebook_path: Path) -> None:
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code_cells
    for cell in code_cells:
        source = "".join(cell["source"])
        assert cell["outputs"] == [], f"cell has outputs: {source[:60]!r}"
        assert cell["execution_count"] is None, f"cell has an execution count: {source[:60]!r}"
    # The Colab set-up cell keeps its placeholder until the public address is known.
    assert 'REPO_URL = "https://github.com/' in "".join(code_cells[0]["source"])


@pytest.mark.r
@pytest.mark.slow
def test_notebook_runs(course_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       notebook_path: Path, missing_dependency) -> None:
    nbformat = _require("nbformat", missing_dependency)
    nbclient = _require("nbclient", missing_dependency)
    _require("ipykernel", missing_dependency)

    # A kernel spec for this interpreter, found first because JUPYTER_PATH comes before every
    # other Jupyter data directory.
    kernel_dir = tmp_path / "jupyter" / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pyseg test (this interpreter)",
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYSEG_DATA", str(course_csv.resolve()))
    # The figures must come out as inline PNGs, whatever backend the calling shell chose.
    monkeypatch.delenv("MPLBACKEND", raising=False)

    notebook = nbformat.read(notebook_path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=300,
        resources={"metadata": {"path": str(notebook_path.parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError on the first cell that fails
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, ARTIFACTS / "customer_segmentation.executed.ipynb")
    seconds = time.perf_counter() - started
    print(f"notebook executed in {seconds:.1f} s")

    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in cells)
    everything = "".join(_cell_text(cell) for cell in cells)
    assert "Traceback" not in everything, everything

    assert f"Data: {course_csv.resolve()}" in _cell_text(_cell_with(cells, "REPO_URL ="))
    assert "200 customers" in _cell_text(_cell_with(cells, "pd.read_csv(DATA)"))
    elbow = _cell_text(_cell_with(cells, "wcss.append"))
    assert "k =  5   WCSS =    44448.5" in elbow
    segments = _cell_text(_cell_with(cells, "SegmentModel().fit"))
    for line in [
        "0  Standard     81  ( 55.30,  49.52)",
        "1  Target       39  ( 86.54,  82.13)",
        "2  Careless     22  ( 25.73,  79.36)",
        "3  Careful      35  ( 88.20,  17.11)",
        "4  Sensible     23  ( 26.30,  20.91)",
    ]:
        assert line in segments, segments
    pngs = [
        output for cell in cells for output in cell.outputs if "image/png" in output.get("data", {})
    ]
    assert len(pngs) == 2, "expected the elbow and the cluster figures"

    form_cell = _cell_with(cells, "income, score = 70, 80")
    form = _cell_text(form_cell)
    assert "Income 70 k$, spending score 80: segment Target" in form
    widget_views = [
        output
        for output in form_cell.outputs
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        assert "install ipywidgets" in form
        assert not widget_views
    else:
        assert len(widget_views) == 1, "expected the ipywidgets form"

    r_fit = _cell_text(_cell_with(cells, "set.seed(29)"))
    for center in ["86.5385", "82.1282", "25.7273", "79.3636", "55.2963", "49.5185"]:
        assert center in r_fit, r_fit
    assert "44448.45545" in r_fit
    r_elbow = _cell_text(_cell_with(cells, "set.seed(6)"))
    assert "66465.1" in r_elbow and "269981.3" in r_elbow, r_elbow

    verdict = _cell_text(_cell_with(cells, "pyseg.compare("))
    assert "Segments: Standard, Target, Careless, Careful, Sensible" in verdict
    assert "Agreement: 100.0% of customers" in verdict
    assert "Verdict: PASS, Python and R agree" in verdict
    assert "PASS: parity holds" in _cell_text(_cell_with(cells, "-m pyseg compare"))

    assert seconds < MAX_SECONDS, f"the notebook took {seconds:.1f} s (budget {MAX_SECONDS:.0f} s)"
