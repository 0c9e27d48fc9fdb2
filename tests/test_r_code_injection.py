"""No R-code injection.

User strings (file names, column names, CSV headers and cells, form fields) reach R only as R
character data through rpy2, never as R source. The dynamic tests feed R code in every such place
to the real command line (R in a worker process and in-process) and to the learners' Rscript
entry point, then prove that nothing ran: the marker files the payloads would create do not exist.
The static tests pin down why: only ``pyseg/r/_bridge.py`` imports rpy2, no module outside
the engines talks to R, and the only R source the bridge evaluates is the text of pyseg's own
``r_reference/*.R`` files.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import subprocess
from pathlib import Path

import pytest


def payloads(marker_dir: Path) -> list[str]:
    """R code that, if ever evaluated, creates a file in ``marker_dir`` (or in the cwd)."""
    absolute = marker_dir / "pwned-absolute"
    return [
        'x"); system("touch pwned"); ("',  # the example; relative to the cwd
        f'x"); system("touch {absolute}"); ("',
        f"x'); system('touch {absolute}'); ('",
        f"`); system(\"touch {absolute}\"); (`",
        f'{{system("touch {absolute}")}}',
    ]


#: Payloads usable as file names (no "/"); they would create "pwned" in the working directory.
NAME_PAYLOADS = ('x"); system("touch pwned"); ("', "x'); system('touch pwned'); ('")


def markers(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("pwned*"))


def injected_csv(path: Path, income_header: str, score_header: str, cell: str) -> Path:
    """Generated mall-like customers whose headers and text cells are R code."""
    from pyseg._synth import mall_like_csv_bytes

    lines = mall_like_csv_bytes(200, 0).decode("utf-8").splitlines()
    rows = []
    for line in lines[1:]:
        customer_id, _genre, age, income, score = line.split(",")
        rows.append([customer_id, cell, age, income, score])
    header = ["CustomerID", "Genre", "Age", income_header, score_header]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    directory = tmp_path / "work"
    directory.mkdir()
    return directory


# --- dynamic: R code everywhere a user string can go -----------------------------------------


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize("in_process", [False, True], ids=["worker", "in-process"])
def test_r_code_in_file_name_headers_cells_and_report_dir_is_data(
    workdir: Path, in_process: bool, run_pyseg
) -> None:
    code = payloads(workdir)
    income_header = "Annual Income (k$)" + code[0]
    score_header = "Spending Score (1-100)" + code[1]
    data = injected_csv(workdir / f"{NAME_PAYLOADS[1]}.csv", income_header, score_header, code[3])
    report = workdir / f"report{NAME_PAYLOADS[0]}"

    result = run_pyseg("compare", "--data", str(data), "--report", str(report), "--json",
                       cwd=workdir, env={"PYSEG_R_IN_PROCESS": "1" if in_process else None})

    assert result.returncode == 0, result.stderr
    assert markers(workdir.parent) == []
    record = json.loads(result.stdout)
    assert record["features"] == [income_header, score_header]  # kept verbatim, as data
    assert record["passed"] is True
    assert (report / "report.json").is_file()  # R drew the clusplot into this directory


@pytest.mark.r
def test_r_code_as_column_names_chosen_with_columns(workdir: Path, run_pyseg) -> None:
    code = payloads(workdir)
    data = injected_csv(workdir / "data.csv", code[1], code[4], code[0])

    result = run_pyseg(
        "compare", "--data", str(data), "--columns", f"{code[1]},{code[4]}", "--mode", "exact",
        "--json", cwd=workdir,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["features"] == [code[1], code[4]]
    assert markers(workdir.parent) == []


def test_r_code_in_a_feature_cell_is_a_bad_value(workdir: Path, run_pyseg) -> None:
    code = payloads(workdir)
    data = injected_csv(workdir / "data.csv", "Annual Income (k$)", "Spending Score (1-100)",
                        "Female")
    lines = data.read_text(encoding="utf-8").splitlines()
    fields = lines[5].split(",")
    fields[3] = code[1]
    lines[5] = ",".join(fields)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_pyseg("compare", "--data", str(data), cwd=workdir)

    assert result.returncode == 2
    error = result.stderr.strip()
    assert error.count("\n") == 0 and error.startswith("pyseg: error:")
    assert "row 6" in error and "'Annual Income (k$)'" in error and "is not a number" in error
    assert markers(workdir.parent) == []


@pytest.mark.r
@pytest.mark.slow
def test_r_code_reaching_the_r_prediction_and_elbow_paths(workdir: Path, run_pyseg) -> None:
    code = payloads(workdir)
    data = injected_csv(workdir / f"{NAME_PAYLOADS[0]}.csv", "Annual Income (k$)",
                        "Spending Score (1-100)", code[1])
    customers = workdir / f"{NAME_PAYLOADS[1]}.csv"
    customers.write_text(
        f"income,score,{code[2]}\n70,80,{code[3]}\n15,20,{code[4]}\n", encoding="utf-8"
    )
    labelled = workdir / "labelled.csv"

    predicted = run_pyseg("predict", "--data", str(data), "--engine", "both", "--input",
                          str(customers), "--output", str(labelled), cwd=workdir)
    assert predicted.returncode == 0, predicted.stderr
    with labelled.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][2] == code[2] and rows[1][2] == code[3]  # passed through as data

    elbow = run_pyseg("elbow", "--data", str(data), "--k-max", "3",
                      "--report", str(workdir / f"elbow{NAME_PAYLOADS[1]}"), cwd=workdir)
    assert elbow.returncode in (0, 1), elbow.stderr
    assert "Traceback" not in elbow.stderr

    assert markers(workdir.parent) == []


@pytest.mark.slow
def test_r_code_typed_into_the_customer_fields_is_refused(workdir: Path, run_pyseg) -> None:
    code = payloads(workdir)
    for payload in code:
        result = run_pyseg("predict", "--engine", "python", "--income", payload,
                           "--score", "50", cwd=workdir)
        assert result.returncode == 2
        errors = [line for line in result.stderr.splitlines() if "error" in line]
        assert len(errors) == 1 and errors[0].startswith("pyseg: error: annual income")
        assert "is not a number" in result.stderr
    assert markers(workdir.parent) == []


def test_r_code_in_the_web_form_is_refused_and_escaped(workdir: Path, mall_like_dataset) -> None:
    from pyseg._model import SegmentModel
    from pyseg._web import create_app

    model = SegmentModel(n_clusters=5).fit(mall_like_dataset)
    client = create_app(model).test_client()
    for payload in payloads(workdir):
        response = client.post("/", data={"income": payload, "score": "50"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "is not a number" in page
        assert 'system("touch' not in page  # echoed only escaped
    assert markers(workdir.parent) == []


@pytest.mark.r
def test_rscript_entry_point_reads_injected_headers_as_data(
    workdir: Path, rscript: str, repo: Path
) -> None:
    code = payloads(workdir)
    data = injected_csv(workdir / f"{code[0]}.csv", code[1], code[2], code[3])

    result = subprocess.run(
        [rscript, str(repo / "r_reference" / "kmeans_course.R"), str(data)],
        capture_output=True, text=True, cwd=workdir, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "tot.withinss" in result.stdout
    assert markers(workdir.parent) == []


# --- static: where R source can come from ----------------------------------------------------


@pytest.fixture(scope="module")
def package(repo: Path) -> Path:
    return repo / "pyseg"


def _python_modules(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def test_only_the_bridge_imports_rpy2(package: Path) -> None:
    importers = set()
    for module in _python_modules(package):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "rpy2" or name.startswith("rpy2.") for name in names):
                importers.add(module.relative_to(package).as_posix())
    assert importers == {"r/_bridge.py"}


def test_no_module_outside_the_engines_talks_to_r(package: Path) -> None:
    talking = set()
    for module in _python_modules(package):
        relative = module.relative_to(package).as_posix()
        if relative.startswith(("engines/", "r/")) or (
                relative.startswith("methods/") and relative.endswith("/_r.py")):
            continue  # the R subpackage and each method's R engine
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute | ast.alias):
                name = getattr(node, "id", None) or getattr(node, "attr", None) or node.name
                if name in ("r_call", "robjects", "rpy2", "_rbridge"):
                    talking.add(relative)
            elif isinstance(node, ast.ImportFrom) and node.module and (
                    "rbridge" in node.module or node.module == "pyseg.r._bridge"
                    or node.module.startswith("rpy2")):
                talking.add(relative)
    assert talking == set()


def test_the_bridge_evaluates_only_pyseg_r_files(package: Path) -> None:
    source = (package / "r" / "_bridge.py").read_text(encoding="utf-8")
    # rpy2's ways of evaluating R source text
    for pattern in (r"robjects\.r\s*[(\[]", r"\.reval\s*\(", r"\bparse\s*\(", r"\brcall\s*\(",
                    r"\.r\s*\(", r"evalr\s*\("):
        assert not re.search(pattern, source), pattern
    tree = ast.parse(source)
    stap_calls = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript)
        and isinstance(node.func.slice, ast.Constant) and node.func.slice.value == "STAP"
    ]
    assert len(stap_calls) == 1
    (text,) = stap_calls[0].args
    # STAP(path.read_text(...)) where path is a file of r_reference_dir()
    assert isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute)
    assert text.func.attr == "read_text" and ast.unparse(text.func.value) == "path"
    assert "path = r_reference_dir() / name" in source


#: The one ``source`` allowed: under Rscript, a script loads a pyseg R file named in its own text
#: from its own folder (``here``), never a name or path from data.
OWN_FILE_SOURCE = re.compile(
    r'sys\.source\(file\.path\(here, "([a-z_]+\.R)"\), envir = globalenv\(\)\)')


def test_pyseg_r_code_never_evaluates_strings(repo: Path) -> None:
    for r_file in sorted((repo / "r_reference").glob("*.R")):
        code = "\n".join(
            line.split("#", 1)[0] for line in r_file.read_text(encoding="utf-8").splitlines()
        )
        for name in OWN_FILE_SOURCE.findall(code):
            assert (repo / "r_reference" / name).is_file(), f"{r_file.name} sources {name}"
        code = OWN_FILE_SOURCE.sub("", code)
        for forbidden in ("parse(", "eval(", "system(", "system2(", "source(", "str2lang(",
                          "str2expression("):
            assert forbidden not in code, f"{r_file.name} calls {forbidden}"
