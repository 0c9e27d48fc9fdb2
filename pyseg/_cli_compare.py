"""``pyseg compare``: the parity check that gates CI."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pyseg.cli import add_data_arguments, integer, positive_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyseg._compare import Comparison
    from pyseg._data import Dataset
    from pyseg._engines import CourseSettings, Engine

DESCRIPTION = """\
Fit the course's K-Means in Python (scikit-learn) and in R (kmeans, through rpy2), align the two
labelings with the Hungarian algorithm and report how far they agree.

exit status: 0 parity holds, 1 parity fails, 2 bad input or usage, 3 R missing or unusable
"""


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} should be within [0, 1]")
    return value


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "compare",
        help="run the course K-Means in Python and R and check that they agree",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(parser)
    parser.add_argument("--k", type=positive_int, default=5, help="number of clusters (default 5)")
    parser.add_argument(
        "--mode",
        choices=("course", "exact"),
        default="course",
        help="course: each language as the course wrote it (default); exact: both start from the "
        "same k-means++ centers and run Lloyd, so labels must be identical",
    )
    parser.add_argument("--py-seed", type=integer(), default=None, help="Python random_state (42)")
    parser.add_argument("--r-seed", type=integer(), default=None, help="R set.seed() value (29)")
    parser.add_argument(
        "--starts", type=positive_int, default=None, help="random starts on both sides (10)"
    )
    parser.add_argument(
        "--min-agreement",
        type=_fraction,
        default=1.0,
        help="fraction of rows that must agree after alignment (default 1.0)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--report", metavar="DIR", help="write report.json, report.html and PNGs")
    parser.add_argument(
        "--r-results",
        metavar="FILE",
        help="check Python against R results recorded by `pyseg record-r` instead of running R",
    )
    parser.set_defaults(func=run)
    return parser


#: From this file size on, R's fit outlasts scikit-learn's import, so this process reads the
#: file itself and hands R the data at once; below it, the R worker reads the file while this
#: process imports scikit-learn (measured on 2 cores: course file 0.83x the two course scripts
#: run in turn; 1M rows 7.1 s, the two fits alone 1.6 s + 5.9 s).
LARGE_FILE_BYTES = 4 << 20


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    python_settings, r_settings = _settings(args)
    if args.report:
        from pyseg._report import check_report_dir

        check_report_dir(Path(args.report))
    if args.r_results:
        from pyseg._recorded import RecordedREngine

        return _run(args, RecordedREngine(Path(args.r_results)), None, python_settings,
                    r_settings)
    if os.environ.get("PYSEG_R_IN_PROCESS"):
        return _run(args, None, None, python_settings, r_settings)

    from pyseg._data import resolve_data_path
    from pyseg._rworker import RWorkerEngine

    # Started first, so that R loads in the worker while this process imports scikit-learn.
    worker = RWorkerEngine()
    try:
        path, _ = resolve_data_path(args.data)
        large = path is not None and path.is_file() and path.stat().st_size >= LARGE_FILE_BYTES
        if args.report or large:
            from pyseg._data import load_dataset

            # The report needs the whole table (ages, genders) as well.
            dataset = load_dataset(args.data, args.columns, keep_table=bool(args.report))
            if args.mode == "course":
                worker.fit_async(dataset.X, args.k, r_settings)
            loaded: Dataset | Callable[[], Dataset] = dataset
        else:
            loaded = worker.load_dataset_async(args.data, args.columns)
            if args.mode == "course":
                worker.fit_async(None, args.k, r_settings)
        return _run(args, worker, loaded, python_settings, r_settings)
    finally:
        worker.close(wait=False)


def _settings(args: argparse.Namespace) -> tuple[CourseSettings, CourseSettings]:
    from dataclasses import replace

    from pyseg._engines import PYTHON_COURSE, R_COURSE

    python_settings, r_settings = PYTHON_COURSE, R_COURSE
    if args.py_seed is not None:
        python_settings = replace(python_settings, seed=args.py_seed)
    if args.r_seed is not None:
        r_settings = replace(r_settings, seed=args.r_seed)
    if args.starts is not None:
        python_settings = replace(python_settings, n_starts=args.starts)
        r_settings = replace(r_settings, n_starts=args.starts)
    return python_settings, r_settings


def _run(
    args: argparse.Namespace,
    r_engine: Engine | None,
    loaded: Dataset | Callable[[], Dataset] | None,
    python_settings: CourseSettings,
    r_settings: CourseSettings,
) -> int:
    from pathlib import Path

    from pyseg._compare import compare
    from pyseg._errors import ExitCode
    from pyseg._provenance import versions

    if callable(loaded):
        import sklearn.cluster  # noqa: F401  (imported while the worker reads the data)

        dataset = loaded()
    elif loaded is not None:
        dataset = loaded
    else:
        from pyseg._data import load_dataset

        dataset = load_dataset(args.data, args.columns)
    if dataset.notice:
        print(f"pyseg: {dataset.notice}", file=sys.stderr)
    comparison = compare(
        dataset,
        args.k,
        mode=args.mode,
        python_settings=python_settings,
        r_settings=r_settings,
        min_agreement=args.min_agreement,
        r_engine=r_engine,
    )
    # The R version comes from the engine that ran R (a worker process, or R in this process).
    r_version = getattr(r_engine, "r_version", None)
    version_info = versions(include_r=r_engine is None)
    if r_version is not None:
        version_info["r"] = r_version()
    if args.report:
        from pyseg._report import write_compare_report

        write_compare_report(
            comparison,
            dataset,
            Path(args.report),
            args.command_line,
            r_results=Path(args.r_results) if args.r_results else None,
        )
    if args.json:
        sys.stdout.write(comparison.to_json(version_info))
    else:
        sys.stdout.write(format_summary(comparison, version_info))
    return int(ExitCode.OK if comparison.passed else ExitCode.PARITY_FAILED)


def _point(values: object) -> str:
    import numpy as np

    array = np.asarray(values, dtype=float)
    if np.isnan(array).any():
        return "-"
    return "(" + ", ".join(f"{v:.2f}" for v in array) + ")"


def _same(a: object, b: object) -> bool:
    import numpy as np

    from pyseg._compare import CENTER_TOLERANCE

    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= CENTER_TOLERANCE))


def format_summary(comparison: Comparison, version_info: dict[str, str | None]) -> str:
    """The human-readable report printed by ``pyseg compare``."""
    from pyseg._compare import CENTER_TOLERANCE

    c = comparison
    py, r = c.python, c.r
    settings = c.settings
    lines = [
        f"data      {c.dataset.source}",
        f"          {c.dataset.n_rows} rows; features {', '.join(c.dataset.feature_names)}; "
        f"k={c.k}; mode={c.mode}",
    ]
    if c.mode == "course":
        ps, rs = settings["python"], settings["r"]
        lines += [
            f"Python    scikit-learn {version_info.get('scikit_learn')}: KMeans(n_clusters={c.k}, "
            f"init='k-means++', n_init={ps['n_init']}, max_iter={ps['max_iter']}, "
            f"random_state={ps['random_state']})",
            f"R         {version_info.get('r') or 'recorded R results'}: "
            f"set.seed({rs['set.seed']}); "
            f"kmeans(X, {c.k}, iter.max = {rs['iter.max']}, nstart = {rs['nstart']})",
        ]
    else:
        lines.append(
            f"both      start from one k-means++ draw (seed {settings['python']['seed']}), "
            "then Lloyd until no label changes"
        )
    matched = c.agreement.alignment.matched
    lines += [
        "",
        f"agreement {c.agreement.accuracy:.4%} ({matched}/{py.labels.size} rows)   "
        f"ARI {c.agreement.ari:.6f}   NMI {c.agreement.nmi:.6f}",
        f"WCSS      Python {py.wcss:.6f}   R {r.wcss:.6f}   "
        f"relative difference {c.wcss_rel_diff:.3g}",
        f"centers   max |difference| after alignment {c.max_center_diff:.3g}",
        "",
        f"{'cluster':>7}  {'segment':<12}  {'size Py':>7}  {'size R':>6}  "
        f"{'center Python':<24}  center R",
    ]
    names = c.segment_names()
    r_sizes = r.sizes
    for index in range(max(py.n_clusters, r.n_clusters)):
        py_size = int(py.sizes[index]) if index < py.n_clusters else 0
        r_size = int(r_sizes[index]) if index < r_sizes.size else 0
        py_center = _point(py.centers[index]) if index < py.n_clusters else "-"
        r_center = _point(r.centers[index]) if index < r.n_clusters else "-"
        if index < min(py.n_clusters, r.n_clusters) and _same(py.centers[index], r.centers[index]):
            # Rounding both to two decimals could show noise-level differences as real ones.
            r_center = f"same (within {CENTER_TOLERANCE:g})"
        name = names[index] if index < len(names) else "-"
        lines.append(
            f"{index:>7}  {name:<12}  {py_size:>7}  {r_size:>6}  {py_center:<24}  {r_center}"
        )
    lines.append("")
    lines += [f"- {note}" for note in c.diagnosis]
    verdict = "PASS: parity holds" if c.passed else "FAIL: parity does not hold"
    lines.append(
        f"{verdict} (agreement {c.agreement.accuracy:.4f}, required >= {c.min_agreement:g})"
    )
    return "\n".join(lines) + "\n"
