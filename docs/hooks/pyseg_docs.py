"""MkDocs hooks: the pages pyseg's site generates when it is built.

- ``reference.md``: one mkdocstrings block per public name in ``pyseg.__all__``, so the API
  reference cannot miss a name or list one that is gone.
- ``examples/``: the figures and outputs on the examples page, made by running pyseg on the course
  file during the build (``$PYSEG_DATA``, else ``../shared/data/Mall_Customers.csv``, else the
  bundled ``data/mall_like_200.csv``, and the page says which). Nothing generated is committed, so
  nothing can go stale; the runs are cached under ``.cache/docs-examples`` by the hash of the data
  and of pyseg's code, so ``mkdocs serve`` does not rerun them on every edit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "docs-examples"

#: name -> pyseg arguments; ``{data}`` is the data file, ``{out}`` this run's directory.
RUNS: dict[str, list[str]] = {
    "compare": ["compare", "--data", "{data}", "--report", "{out}"],
    "all": ["compare", "--data", "{data}", "--method", "all", "--mode", "exact", "--eps", "8",
            "--min-points", "4", "--report", "{out}"],
    "elbow": ["elbow", "--data", "{data}"],
    "dbscan_knn": ["elbow", "--data", "{data}", "--method", "dbscan", "--min-points", "5"],
    "gap": ["gap", "--data", "{data}", "--B", "20", "--report", "{out}"],
    "bootstrap": ["stability", "--data", "{data}", "--bootstrap", "20", "--report", "{out}"],
}

#: The public names grouped for the reference page (names not listed fall under "Other").
SECTIONS: dict[str, tuple[str, ...]] = {
    "Comparing Python and R": ("compare", "Comparison", "compare_data", "CompareRun",
                               "compare_report", "versions"),
    "Data": ("load_dataset", "Dataset", "resolve_data_path", "check_clusterable",
             "validate_customer", "COURSE_COLUMNS", "generate_mall_like", "write_csv_atomic"),
    "The course's settings": ("CourseSettings", "PYTHON_COURSE", "R_COURSE"),
    "Engines": ("KMeansEngine", "Engine", "FitResult", "SklearnEngine", "REngine",
                "RWorkerEngine", "RecordedREngine", "initial_centers_kmeanspp"),
    "Alignment and agreement": ("align_labels", "agreement", "contingency_table", "Alignment",
                                "Agreement"),
    "Choosing k and reports": ("elbow", "ElbowResult", "ElbowRow", "elbow_data",
                               "CompareReport", "ElbowReport", "write_compare_report",
                               "write_elbow_report", "record_r_results"),
    "Predicting new customers": ("SegmentModel", "Prediction", "Predictions", "classify",
                                 "Segment", "segment_names"),
    "Errors and exit codes": ("ExitCode", "PysegError", "InputError", "RUnavailableError",
                              "REvaluationError"),
}


def _data_file() -> tuple[Path, str]:
    env = os.environ.get("PYSEG_DATA", "")
    if env:
        return Path(env), f"the course file (`$PYSEG_DATA`, {Path(env).name})"
    course = ROOT.parent / "shared" / "data" / "Mall_Customers.csv"
    if course.is_file():
        return course, "the course file (`Mall_Customers.csv`, 200 customers)"
    return (ROOT / "data" / "mall_like_200.csv",
            "the bundled `data/mall_like_200.csv` (the course file was not found: set "
            "`PYSEG_DATA` to build the examples on it)")


def _code_hash(data: Path) -> str:
    digest = hashlib.sha256(data.read_bytes())
    for folder in ("pyseg", "r_reference"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".R", ".j2"}:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    digest.update(repr(RUNS).encode())
    digest.update(Path(__file__).read_bytes())  # how the outputs are shown
    return digest.hexdigest()[:16]


def _run_examples(data: Path) -> Path:
    """Run every example once per data and code version; return the directory of outputs."""
    where = CACHE / _code_hash(data)
    if (where / "done").is_file():
        return where
    shutil.rmtree(CACHE, ignore_errors=True)
    where.mkdir(parents=True)
    for name, arguments in RUNS.items():
        out = where / name
        argv = [a.format(data=data, out=out) for a in arguments]
        shown = " ".join(a.format(data=data.name, out=f"reports/{name}") for a in arguments)
        done = subprocess.run([sys.executable, "-m", "pyseg", *argv], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):  # 1: parity fails, which an example may show
            raise RuntimeError(f"pyseg {shown} exited {done.returncode}: {done.stderr.strip()}")
        out.mkdir(exist_ok=True)
        # The page shows what a learner would see: the data file and report folder by the names
        # in the command line, not this machine's paths.
        text = done.stdout.rstrip().replace(str(out), f"reports/{name}")
        text = text.replace(str(data), data.name)
        (out / "output.txt").write_text(f"$ pyseg {shown}\n{text}\n")
    (where / "done").write_text("")
    return where


def _reference_page() -> str:
    import pyseg

    names = [n for n in pyseg.__all__ if n != "__version__"]
    listed = {n for group in SECTIONS.values() for n in group}
    sections = dict(SECTIONS)
    sections["Each method's own names"] = tuple(sorted(set(names) - listed))
    lines = ["# API reference", "",
             "Every public name of `pyseg` (its `__all__`), from its docstring. Import them from "
             "`pyseg` itself (`pyseg.compare`, `pyseg.SegmentModel`, ...): the modules that define "
             "them are private.", ""]
    for title, group in sections.items():
        present = [n for n in group if n in names]
        if not present:
            continue
        lines += [f"## {title}", ""]
        for name in present:
            value = getattr(pyseg, name)
            own_name = getattr(value, "__qualname__", name)
            if own_name != name:  # an alias, kept for pyseg 0.1's callers
                lines += [f"### {name}", "", f"Another name for `{own_name}`.", ""]
                continue
            # a class or function is documented where it is defined; a constant where it is set
            module = (value.__module__ if hasattr(value, "__qualname__")
                      else pyseg._EXPORTS[name])
            lines += [f"::: {module}.{name}", "    options:", "      heading_level: 3",
                      f"      toc_label: {name}", ""]
    return "\n".join(lines)


def on_files(files: Files, config) -> Files:  # noqa: ANN001 - MkDocs' hook signature
    data, described = _data_file()
    examples = _run_examples(data)
    config["extra"]["pyseg_data"] = described
    for path in sorted(examples.rglob("*")):
        if path.suffix in {".png", ".txt"}:
            uri = f"examples/{path.relative_to(examples).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    files.append(File.generated(config, "reference.md", content=_reference_page()))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ANN001
    """Fill ``<!-- data -->`` and ``<!-- output: NAME -->`` on the examples page."""
    if "<!--" not in markdown:
        return markdown
    examples = _run_examples(_data_file()[0])
    markdown = markdown.replace("<!-- data -->", config["extra"]["pyseg_data"])
    for name in RUNS:
        marker = f"<!-- output: {name} -->"
        if marker in markdown:
            text = (examples / name / "output.txt").read_text()
            markdown = markdown.replace(marker, f"```text\n{text}```")
    return markdown


#: Sphinx cross-reference roles in the docstrings (``:func:`~pyseg.compare```), which
#: mkdocstrings shows literally: the site keeps the code and drops the role and the ``~``.
_SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|data|attr|mod|exc|obj):(<code>)~?")


def on_page_content(html: str, page, config, files) -> str:  # noqa: ANN001
    return _SPHINX_ROLE.sub(r"\1", html)
