"""``pyseg stability``: would another seed, or another sample, give the same segments?"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyseg._course import COURSE_K
from pyseg._data import Dataset, load_dataset
from pyseg._errors import ExitCode, InputError
from pyseg._progress import progress_wanted
from pyseg._stability import bootstrap_stability, check_settings, resample_methods, seed_sweep
from pyseg.cli._args import (
    add_command,
    add_resampling_arguments,
    data_json,
    integer,
    methods_text,
    print_output,
    say_notice,
    starts_most,
)
from pyseg.methods import trait

STABILITY_DESCRIPTION = """\
How sure are the segments? Two questions, in Python and in R:

  --seeds N      would another seed give the same segments? For seeds 1..N, the course fit in
                 both languages (Python KMeans(random_state=seed, n_init=S), R set.seed(seed);
                 kmeans(X, k, nstart = S)): same partitions, WCSS, local optima.
  --bootstrap B  are the segments stable or an accident of the sample? fpc::clusterboot's
                 bootstrap: pyseg draws B resamples (and the K-Means starts) once and both
                 languages refit them; mean Jaccard per segment (equal in both languages), and
                 fpc::clusterboot itself with its own draws as a check.

--method {methods} (--bootstrap): the method refitted on each resample.
{resampling}

exit status: 0 done, 2 bad input or usage, 3 R (or R's fpc) missing
""".format(methods="|".join(resample_methods()),
           resampling=methods_text(resample_methods(), "RESAMPLING"))


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = add_command(subparsers, "stability", STABILITY_DESCRIPTION)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--seeds", type=integer(), metavar="N", help="sweep seeds 1..N")
    what.add_argument("--bootstrap", type=integer(), metavar="B", help="B bootstrap resamples")
    parser.add_argument("--k", type=integer(), default=COURSE_K, help=f"clusters ({COURSE_K})")
    parser.add_argument("--starts", type=starts_most, default=10,
                        help="K-Means starts per fit, both languages (10, the course's)")
    parser.add_argument("--seed", type=integer(), default=1,
                        help="seed of pyseg's bootstrap draws (1)")
    add_resampling_arguments(parser, resample_methods(),
                             method_help="method refitted on each resample (--bootstrap)",
                             check="fpc::clusterboot",
                             report="report.json, report.html and the figure")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    def compute(dataset: Dataset, progress: bool) -> Any:
        if args.seeds is None:
            return bootstrap_stability(dataset, args.k, args.bootstrap, args.seed, args.starts,
                                       args.method, args.linkage, not args.no_check,
                                       args.workers, progress, args.covariance, args.dask)
        if not trait(args.method, "COURSE_MODEL", False):
            raise InputError(f"--seeds sweeps K-Means seeds; --method {args.method} has none")
        return seed_sweep(dataset, args.k, args.seeds, args.starts, args.workers, progress)

    def write_report(*arguments: Any) -> None:
        from pyseg._choosing_k_report import write_stability_report  # only --report draws

        write_stability_report(*arguments)

    return run_resampling(args, compute, write_report, format_text)


def run_resampling(args: argparse.Namespace, compute: Callable[[Dataset, bool], Any],
                   write_report: Callable[..., Any], text: Callable[[dict], list[str]]) -> int:
    """What ``stability`` and ``gap`` do around their computation.

    Parameters
    ----------
    args : argparse.Namespace
        The command's arguments (those of :func:`~pyseg.cli._args.add_resampling_arguments`).
    compute : callable
        ``compute(dataset, progress)``: the result, with ``to_dict()``.
    write_report : callable
        ``write_report(result, dataset, provenance, directory)``, for ``--report``.
    text : callable
        ``text(document)``: the text output's table, between the data's line and the
        findings.
    """
    if args.report:  # the report's modules are imported only for it
        from pyseg._provenance import live_run_provenance
        from pyseg._report import REPORT_HTML, check_report_dir

        check_report_dir(Path(args.report))
    check_settings(args.linkage, args.covariance)
    dataset = load_dataset(args.data, args.columns)
    say_notice(dataset.notice)
    result = compute(dataset, progress_wanted(args.json))
    document = result.to_dict()
    lines = [f"data    {dataset.source} ({dataset.n_rows} rows)", *text(document), "",
             *(f"- {line}" for line in document["summary"])]
    print_output(args, data_json(document, dataset) if args.json else "\n".join(lines) + "\n",
                 (lambda directory: write_report(result, dataset, live_run_provenance(
                     dataset, args.command_line), directory), REPORT_HTML)
                 if args.report else None)
    return int(ExitCode.OK)


def format_text(document: dict) -> list[str]:
    """The human-readable result's table: per segment or per optimum."""
    lines = []
    if document["kind"] == "seeds":
        lines += [f"Python  {document['python_settings']}", f"R       {document['r_settings']}",
                  "", f"{'WCSS':>14}  {'Python seeds':>12}  {'R seeds':>8}"]
        lines += [f"{o['wcss']:>14.4f}  {o['python']:>12}  {o['r']:>8}"
                  for o in document["optima"]]
    else:
        check = document["clusterboot"]
        lines += ["", f"{'#':>2}  {'segment':<24} {'size':>5}  {'Jaccard Py':>10}  "
                      f"{'Jaccard R':>10}  {'clusterboot':>11}  reading"]
        for j, name in enumerate(document["segments"]):
            theirs = f"{check['jaccard'][j]:>11.3f}" if check else f"{'-':>11}"
            lines.append(f"{j:>2}  {name:<24} {document['sizes'][j]:>5}  "
                         f"{document['python']['jaccard'][j]:>10.3f}  "
                         f"{document['r']['jaccard'][j]:>10.3f}  {theirs}  "
                         f"{document['interpretation'][j]}")
    return lines
