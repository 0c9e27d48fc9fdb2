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
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
KERNEL_NAME = "pyseg-notebook-test"
MAX_SECONDS = 120.0


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

    assert f"Data: {course_csv.resolve()} (the course file)" in _cell_text(
        _cell_with(cells, "REPO_URL ="))
    # Issue 22, defect 17: %load_ext rpy2.ipython made R warn, unexplained, on the first R cell.
    assert "contains no packages" not in everything
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
    assert len(pngs) == 5, "expected the elbow, clusters, dendrogram, k-NN and mixture figures"

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
    assert "PASS: parity holds" in _cell_text(_cell_with(cells, "-m pyseg compare --data"))

    # Step 7 (issue 22, defect 17): the course's other methods, each in Python and then in both
    # languages through pyseg, and how sure the segments are.
    assert "customers per group:" in _cell_text(_cell_with(cells, "fcluster(tree"))
    assert "customers as noise" in _cell_text(_cell_with(cells, "NearestNeighbors("))
    pam = _cell_text(_cell_with(cells, "--columns income,score,age,gender"))
    assert "Genre" in pam and "PASS" in pam, pam
    assert "probability below 0.9" in _cell_text(_cell_with(cells, "GaussianMixture("))
    every = _cell_text(_cell_with(cells, "--method all"))
    for method in ("kmeans", "hierarchical", "dbscan", "pam", "gmm"):
        assert method in every, every
    assert "Jaccard" in _cell_text(_cell_with(cells, "stability --data"))
    assert "clusGap" in _cell_text(_cell_with(cells, "gap --data"))

    # Step 8 (issue 19): the learner's own fitted KMeans, checked in both languages.
    checked = _cell_text(_cell_with(cells, "pyseg.check(mine"))
    assert checked.startswith("match"), checked
    assert "local-optimum" in checked, checked

    assert seconds < MAX_SECONDS, f"the notebook took {seconds:.1f} s (budget {MAX_SECONDS:.0f} s)"


@pytest.mark.parametrize("start", ["notebooks", "."], ids=["from-notebooks", "from-root"])
def test_setup_finds_the_course_file_as_the_cli_does(start: str, notebook_path: Path,
                                                     course_csv: Path, tmp_path: Path) -> None:
    """Issue 22, defect 17: without ``$PYSEG_DATA`` the set-up cell fell back to generated data
    unless Jupyter ran it from notebooks/ with the course file two folders up, while the text
    quotes the course file's numbers. Now it looks where the CLI does, from the repository's
    root (``data/``, ``../shared/data/``), wherever Jupyter starts, and says which data it used."""
    root = tmp_path / "clone"
    (root / "notebooks").mkdir(parents=True)
    shared = tmp_path / "shared" / "data"
    shared.mkdir(parents=True)
    shutil.copy(course_csv, shared / "Mall_Customers.csv")
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    setup = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])
    env = {name: value for name, value in os.environ.items() if name != "PYSEG_DATA"}
    run = subprocess.run([sys.executable, "-c", setup], cwd=root / start, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    expected = shared.resolve() / "Mall_Customers.csv"
    assert run.stdout.splitlines() == [f"Data: {expected} (the course file)"], run.stdout


def test_readme_runs_the_notebook_with_what_the_test_extra_installs(repo: Path) -> None:
    """Issue 22, defect 17: ``jupyter nbconvert --execute`` failed, nbconvert being in no extra.
    The README's command is ``jupyter execute`` (nbclient's, which the ``test`` extra installs and
    ``test_notebook_runs`` uses), and it is installed beside this interpreter."""
    readme = (repo / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^jupyter (\S+) .*notebooks/customer_segmentation\.ipynb$", readme,
                          re.MULTILINE)
    assert commands == ["execute"], commands
    pyproject = (repo / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = pyproject.split("test = [", 1)[1].split("]", 1)[0]
    assert '"nbclient' in test_extra
    assert shutil.which("jupyter-execute", path=str(Path(sys.executable).parent))
