"""The package's layout rules, checked on its source (see "How pyseg is built" in README.md).

- pyseg's modules import each other at the top of the file, and never in a cycle;
- the shell (``pyseg/cli``) and the presentation modules (report, plots, web page, terminal form)
  never choose or drive an engine: what they show comes from the library;
- no function body is longer than 60 lines (docstrings aside).

That no module outside ``pyseg/engines`` talks to R is checked in ``test_r_code_injection.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pyseg.methods import NAMES

PACKAGE = Path(__file__).resolve().parents[1] / "pyseg"
#: Modules that present results; they must not reach for an engine or fit anything.
PRESENTATION = ("cli/", "_report.py", "_plots.py", "_segment_map.py", "_web.py",
                "_choosing_k_report.py",
                *(f"methods/{name}/_report.py" for name in NAMES))
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _top_level_imports(name: str, path: Path) -> set[str]:
    """pyseg modules that ``name`` imports when it is imported (TYPE_CHECKING blocks aside)."""
    imported = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pyseg"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                imported.add(submodule if submodule in MODULES else node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names if alias.name in MODULES)
    imported.discard(name)
    return imported


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle a depth-first walk of ``graph`` meets, as module lists."""
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target):], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_pyseg_modules_import_each_other_without_cycles() -> None:
    graph = {name: _top_level_imports(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_can_fail() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


#: The modules that import pyseg's library inside a function, and why: `pyseg compare` starts
#: its R worker before numpy, pandas and scikit-learn load, so that R loads meanwhile; `pyseg
#: predict --model` stays light (no scipy, no engines) unless --method asks for a method's fit;
#: `gap` and `stability` load the report's figures and provenance only for --report.
LATE_IMPORTS = {"pyseg.cli.compare": {"pyseg._pipeline", "pyseg._report", "pyseg.methods._base"},
                "pyseg.cli.predict": {"pyseg._pipeline", "pyseg.methods._base"},
                "pyseg.cli.record": {"pyseg._pipeline", "pyseg.methods._base"},
                "pyseg.cli.gap": {"pyseg._choosing_k_report", "pyseg.methods.kmeans._elbow"},
                "pyseg.cli.stability": {"pyseg._choosing_k_report", "pyseg._provenance",
                                        "pyseg._report"}}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_pyseg_modules_are_imported_at_the_top_of_each_file(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    late = [
        f"line {node.lineno}: {node.module}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pyseg")
        and node.module not in LATE_IMPORTS.get(name, set())
    ]
    assert late == [], f"{name} imports pyseg modules inside functions"


def test_compare_can_start_its_worker_before_numpy_loads() -> None:
    import subprocess
    import sys

    code = ("import sys, pyseg.cli.compare\n"
            "print(sorted(m for m in ('numpy', 'pandas', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name", sorted(n for n, p in MODULES.items()
                   if p.relative_to(PACKAGE).as_posix().startswith(PRESENTATION))
)
def test_presentation_modules_never_drive_an_engine(name: str) -> None:
    imported = _top_level_imports(name, MODULES[name])
    # pyseg.r._process only starts the R worker's process (compare starts it before numpy loads)
    engines = {module for module in imported if (module.startswith(("pyseg.engines", "pyseg.r."))
               and module != "pyseg.r._process") or module.endswith(("._python", "._r"))}
    assert not engines, imported


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_is_longer_than_60_lines(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    too_long = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0]
            has_docstring = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                             and isinstance(first.value.value, str))
            start = (body[1].lineno if has_docstring and len(body) > 1 else first.lineno)
            length = node.end_lineno - start + 1
            if length > MAX_FUNCTION_LINES:
                too_long.append(f"{node.name} (line {node.lineno}): {length} lines")
    assert too_long == []


def _method_names() -> tuple[str, ...]:
    from pyseg.methods import NAMES

    return NAMES


@pytest.mark.parametrize("method", _method_names())
def test_no_module_outside_a_method_branches_on_its_name(method: str) -> None:
    """The method contract (issue 18): what a stage needs of a method comes from the method's
    package, so no module outside ``pyseg/methods/<name>/`` compares a method name with it."""
    branch = re.compile(rf"""method\w*\s*(==|!=)\s*['"]{method}['"]"""
                        rf"""|method\w* (not )?in [({{][^)}}]*['"]{method}['"]""")
    found = [f"{path.relative_to(PACKAGE)}:{number}"
             for path in PACKAGE.rglob("*.py")
             if path.parent.name != method
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if branch.search(line)]
    assert found == []


def test_the_branch_check_can_fail() -> None:
    line = 'if args.method == "gmm":'
    assert re.search(r"""method\w*\s*(==|!=)\s*['"]gmm['"]""", line)


@pytest.mark.parametrize("method", [name for name in _method_names() if name != "kmeans"])
def test_each_method_is_named_in_few_files(method: str) -> None:
    """Adding or changing a method is its own folder, one registry line and its R file: the
    name appears in at most 10 of pyseg's Python files (its own folder's among them)."""
    naming = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                    if method in path.read_text(encoding="utf-8").lower())
    assert len(naming) <= 10, naming
