"""``pyseg fit`` and ``pyseg predict``: save a segmentation, then classify new customers with it."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from pyseg._course import COURSE_GRID, is_course_schema
from pyseg._customers import MAX_GRID, check_grid_size, grid_table, open_customers, score_customers
from pyseg._data import validate_customer
from pyseg._errors import ExitCode, InputError, PysegError
from pyseg._io import json_ready, json_text
from pyseg._model import PREDICT_ENGINES, SegmentModel, classify, load_or_fit, range_warnings
from pyseg._numbers import parse_number
from pyseg._segments import cluster_means, names_or_numbers, segment_profile
from pyseg.cli._args import (
    add_command,
    add_method_flags,
    add_model_arguments,
    positive_int,
    say_notice,
)
from pyseg.methods import NAMES, course_method, trait

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg._model import Prediction

FIT_DESCRIPTION = """\
Fit the course's K-Means (scikit-learn, random_state=42, n_init=10), name its segments from where
their centers lie, and save everything prediction needs as JSON, so that `pyseg predict --model`
never refits.

exit status: 0 ok, 2 bad input or usage
"""

PREDICT_DESCRIPTION = """\
Which segment does a new customer belong to? The one whose center is nearest.

  pyseg predict --income 70 --score 80             one customer (fits on --data first)
  pyseg predict --model model.json --income 70 --score 80
  pyseg predict --input new.csv --output labelled.csv
  pyseg predict --engine both --grid 100           Python and R on a 100 x 100 grid
  pyseg predict                                    interactive form (in a terminal)

--input reads a CSV of any size whose header names the model's feature columns (for the course
model any annual-income and spending-score header, e.g. `income` and `score`); --output gets every
row as it was plus segment, segment_name and distance. Income must be a finite number >= 0, the
spending score a number within 1-100; a bad cell is named by its file line (header = row 1) and
column. Customers outside the range the model was fitted on get a warning.

exit status: 0 ok, 1 Python and R disagree (--engine both), 2 bad input or usage, 3 R unusable
"""

def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    fit = add_command(subparsers, "fit", FIT_DESCRIPTION)
    fit.add_argument("--k", type=positive_int, default=5, help="number of segments (default 5)")
    fit.add_argument("--save", metavar="FILE", help="write the model to FILE as JSON")
    fit.add_argument("--json", action="store_true", help="print the model JSON on stdout")
    fit.set_defaults(func=run_fit)

    predict = add_command(subparsers, "predict", PREDICT_DESCRIPTION)
    add_model_arguments(predict, " (no refit)")
    predict.add_argument("--income", metavar="K$", help="annual income in k$ (>= 0)")
    predict.add_argument("--score", metavar="SCORE", help="spending score (1-100)")
    predict.add_argument("--input", metavar="CSV", help="classify every row of this CSV")
    predict.add_argument("--output", metavar="CSV",
                         help="write the labelled rows here (default: stdout)")
    predict.add_argument(
        "--grid",
        metavar="N",
        type=positive_int,
        help=f"classify an N x N grid (income {COURSE_GRID[0][0]:g}-{COURSE_GRID[0][1]:g} x "
        f"score {COURSE_GRID[1][0]:g}-{COURSE_GRID[1][1]:g} for the course model; "
        f"N <= {MAX_GRID})",
    )
    predict.add_argument(
        "--engine",
        choices=PREDICT_ENGINES,
        default="python",
        help="nearest center in Python, in R, or both with a check that they agree "
        "(default python)",
    )
    predict.add_argument("--json", action="store_true", help="print one JSON document")
    _add_method_arguments(predict)
    predict.set_defaults(func=run_predict)
    return predict


def _add_method_arguments(predict: argparse.ArgumentParser) -> None:
    group = predict.add_argument_group(
        "other methods", "fit the method in Python and R on --data, then assign --income/--score "
        "or every row of --input in both languages (a method without a rule for new rows says "
        "so)")
    group.add_argument("--method", default=course_method(), metavar="METHOD",
                       help=f"{course_method()} (default: the saved-model route above), "
                       + ", ".join(NAMES[1:]))
    group.add_argument("--scale", default="none", metavar="{none,z}",
                       help="none (default) or z (R's scale()); new rows get the training scaling")
    add_method_flags(group)
    group.add_argument("--mode", choices=("course", "exact"), default="course",
                       help="each language its own start (default) or both from the same start")


# -- shared ---------------------------------------------------------------------------------


def _model_from_args(args: argparse.Namespace) -> SegmentModel:
    model, notice = load_or_fit(getattr(args, "model", None), args.data, args.columns, args.k)
    say_notice(notice)
    return model


def _parity_line(n_agree: int, n: int, first: int | None = None, where: str = "") -> str:
    share = 100.0 * n_agree / n if n else 100.0
    line = f"Python and R agree on {n_agree} of {n} customers ({share:.2f}%)"
    if first is not None:
        line += f"; first disagreement at row {first} of {where}"
    return line


def _warn(message: str) -> None:
    print(f"pyseg: warning: {message}", file=sys.stderr)


# -- fit ------------------------------------------------------------------------------------


def run_fit(args: argparse.Namespace) -> int:
    model = _model_from_args(args)
    if args.save:
        model.save(args.save)
    if args.json:
        print(model.to_json(), end="")
        return ExitCode.OK
    for index, (segment, center) in enumerate(zip(model.segments_, model.centers_, strict=True)):
        where = ", ".join(f"{value:.2f}" for value in center)
        print(f"{index}  {segment.name:<12} ({where})  {segment.description}")
    if args.save:
        print(f"saved model to {args.save} (data sha256 {str(model.data_['sha256'])[:12]}...)")
    return ExitCode.OK


# -- predict --------------------------------------------------------------------------------


def run_predict(args: argparse.Namespace) -> int:
    if (args.income is None) != (args.score is None):
        raise InputError("give both --income and --score")
    if not trait(args.method, "COURSE_MODEL", False) or args.scale != "none":
        return run_method_predict(args)
    sources = [
        name
        for name, given in (("--income/--score", args.income is not None or args.score is not None),
                            ("--input", args.input is not None), ("--grid", args.grid is not None))
        if given
    ]
    if len(sources) > 1:
        raise InputError(f"give only one of {', '.join(sources)}")
    if args.output and not args.input and not args.grid:
        raise InputError("--output needs --input CSV or --grid N")
    if not sources and not sys.stdin.isatty():
        raise InputError(
            "nothing to classify: give --income and --score, --input CSV or --grid N "
            "(the interactive form needs a terminal)"
        )
    if args.grid is not None:
        check_grid_size(args.grid)
    model = _model_from_args(args)
    if args.income is not None:
        return _predict_one(model, args)
    if args.input is not None or args.grid is not None:
        return _predict_many(model, args)
    return _interactive(model, args)


def _predict_one(model: SegmentModel, args: argparse.Namespace) -> int:
    model.require_course_schema("--income/--score", ": use --input CSV")
    income, score = validate_customer(args.income, args.score)
    run = classify(model, np.array([[income, score]]), args.engine)
    prediction = run.primary[0]
    warnings = model.range_warnings((income, score))
    if args.json:
        payload = {"customer": {"income": income, "score": score}, "engine": args.engine,
                   "prediction": prediction.to_dict(), "warnings": warnings, **run.parity_dict()}
        if run.r is not None:
            payload["r_prediction"] = run.r[0].to_dict()
        sys.stdout.write(json_text(payload))
    else:
        for warning in warnings:
            _warn(warning)
        print(format_prediction(prediction, income, score))
        if run.n_agree is not None:
            print(_parity_line(run.n_agree, 1), file=sys.stderr)
    return ExitCode.OK if run.agree else ExitCode.PARITY_FAILED


def _predict_many(model: SegmentModel, args: argparse.Namespace) -> int:
    if args.grid is not None:
        table = grid_table(model, args.grid)
        where = "the grid's CSV"
    else:
        table = open_customers(args.input, model)
        where = args.input
    summary = score_customers(model, table, args.engine, output=args.output,
                              write=bool(args.output or not args.json))
    payload = {
        "n_customers": summary.n_customers,
        "engine": args.engine,
        "segment_counts": {
            segment.name: int(count)
            for segment, count in zip(model.segments_, summary.counts, strict=True)
        },
        **summary.parity_dict(),
    }
    warning = _outside_warning(model.feature_names_, model.feature_ranges_, (
        summary.n_outside, summary.n_customers, summary.first_outside), where)
    if args.input is not None:
        payload["n_outside_range"] = summary.n_outside
        payload["warnings"] = [warning] if warning else []
    if args.json:
        sys.stdout.write(json_text(payload))
    else:
        if warning:
            _warn(warning)
        if summary.n_agree is not None:
            # With the rows on stdout the verdict goes to stderr, so the CSV stays clean.
            line = _parity_line(summary.n_agree, summary.n_customers,
                                summary.first_disagreement, where)
            print(line, file=sys.stderr if not args.output else sys.stdout)
    return ExitCode.OK if summary.agree else ExitCode.PARITY_FAILED


def _outside_warning(features: Any, ranges: Any, outside: tuple[int, int, int | None],
                     where: str) -> str | None:
    """The one warning for the customers of a file outside the training ``ranges``;
    ``outside``: how many, of how many, the file row of the first."""
    n_outside, n, first = outside
    if not n_outside:
        return None
    bounds = ", ".join(
        f"{name} {low:g}..{high:g}" for name, (low, high) in zip(features, ranges, strict=True)
    )
    return (
        f"{n_outside} of {n} customers lie outside the range the model was fitted on ({bounds}), "
        f"the first at row {first} of {where}: their segments are guesses beyond the data"
    )


def run_method_predict(args: argparse.Namespace) -> int:
    """``predict --method M``: fit M in both languages on --data, assign the new rows in both."""
    import pandas as pd

    from pyseg._pipeline import method_predict_data
    from pyseg.methods._base import MethodSettings

    if args.model or args.grid is not None or args.output:
        raise InputError(f"--method {args.method} predicts --income/--score or --input CSV "
                         "(no --model, --grid or --output)")
    if (args.income is None) == (args.input is None):
        raise InputError("give --income and --score, or --input CSV")
    customer = None
    if args.input is not None:
        source, new_rows = args.input, _read_new_rows(args.input)
    else:
        _require_course_columns(args.columns)
        customer = validate_customer(args.income, args.score)  # K-Means' check, every method
        source = "--income/--score"
        new_rows = pd.DataFrame({"income": [repr(customer[0])], "score": [repr(customer[1])]})
    settings = MethodSettings(k=args.k, mode=args.mode, eps=args.eps, min_points=args.min_points,
                              distance=args.distance, covariance=args.covariance)
    run = method_predict_data(args.data, args.columns, args.method, settings, new_rows, source,
                              scale=args.scale)
    say_notice(run.fitted.dataset.notice)
    profile = _training_profile(run)
    warnings, n_outside = _method_warnings(run, customer is not None, source)
    if args.json:
        names = [p["name"] for p in profile]
        sys.stdout.write(json_text({
            **run.to_dict(), "segments": json_ready(profile),
            "names": [names[i] if i >= 0 else "noise" for i in run.prediction.python.tolist()],
            "warnings": warnings, "n_outside_range": n_outside}))
    else:
        for warning in warnings:
            _warn(warning)
        if not run.fitted.passed:
            _warn(f"training_passed: false: Python's and R's {args.method} fits of the training "
                  f"data disagree beyond the method's limit, so the segments may differ too; see "
                  f"`pyseg compare --method {args.method}`")
        sys.stdout.write(format_method_prediction(run, profile))
    return ExitCode.OK if run.prediction.agreement == 1.0 else ExitCode.PARITY_FAILED


def _require_course_columns(columns: str | None) -> None:
    """``--income/--score`` give a course customer: refuse other ``--columns``, naming --input."""
    names = None if columns is None else [name.strip() for name in columns.split(",")]
    if names is not None and not is_course_schema(names):
        raise InputError(f"--income/--score give an income and a spending score, but --columns "
                         f"{columns} asks for {', '.join(names)}: give the new customers in "
                         "--input CSV, with a header naming those columns")


def _method_warnings(run: Any, one: bool, where: str) -> tuple[list[str], int]:
    """K-Means' warnings for new rows outside the training data's range (per feature for
    ``one`` customer, else one for the file) and how many rows are outside; compared in the
    data's units (before ``--scale``)."""
    features = run.fitted.features

    def unscaled(X: NDArray[np.float64]) -> NDArray[np.float64]:
        return X * features.spread + features.center if features.scale == "z" else X

    X = unscaled(run.fitted.dataset.X)
    ranges, new, names = np.column_stack([X.min(axis=0), X.max(axis=0)]), unscaled(run.X_new), (
        run.fitted.dataset.feature_names)
    outside = ((new < ranges[:, 0]) | (new > ranges[:, 1])).any(axis=1)
    if one:
        return range_warnings(new[0], ranges, names), int(outside.sum())
    first = int(np.argmax(outside)) + 2 if outside.any() else None  # the header is row 1
    warning = _outside_warning(names, ranges, (int(outside.sum()), len(new), first), where)
    return [warning] if warning else [], int(outside.sum())


def _training_profile(run: Any) -> list[dict[str, Any]]:
    """Python's training clusters: names from their feature means (the rule K-Means' centers
    follow, so the same clusters get the same names), sizes and means."""
    dataset, labels = run.fitted.dataset, run.fitted.comparison.python.labels
    X = np.asarray(dataset.X, dtype=np.float64)
    k = max(int(labels.max()) + 1, int(run.prediction.python.max(initial=-1)) + 1, 1)
    names = names_or_numbers(cluster_means(X, labels, k), X, dataset.feature_names)
    return segment_profile(dataset, labels, names)


def _read_new_rows(path: str) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype="str", keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read the CSV: {str(exc).splitlines()[0]}") from None


def format_method_prediction(run: Any, profile: list[dict[str, Any]]) -> str:
    """The training segments (number, name, size, feature means), then one line per new row:
    Python's segment, R's, and whether they agree."""
    p = run.prediction
    lines = [textwrap.fill(f"method    {run.fitted.method}: {p.rule}", width=100,
                           subsequent_indent=" " * 10),
             "segments  of the training data (Python's fit), named from their feature means:"]
    name_width = max(len(segment["name"]) for segment in profile)
    for segment in profile:
        means = ", ".join(f"{name} {value:.2f}" for name, value in segment["means"].items()
                          if value is not None)
        lines.append(f"{segment['segment']:>5}  {segment['name']:<{name_width}}  "
                     f"{segment['size']:>5} rows  {means}")

    def cell(label: int, probability: Any) -> str:
        text = "noise" if label < 0 else f"{label} {profile[label]['name']}".rstrip()
        return text if probability is None else f"{text} (p={float(probability):.3f})"

    shown = min(p.python.size, 50)
    cells = [(cell(int(p.python[row]), None if p.python_probability is None
                   else p.python_probability[row]),
              cell(int(p.r[row]), None if p.r_probability is None else p.r_probability[row]))
             for row in range(shown)]
    width = max([len("Python"), *(len(python) for python, _ in cells)])
    lines.append(f"{'row':>5}  {'Python':<{width}}  R")
    for row, (python, r) in enumerate(cells):
        mark = "" if p.python[row] == p.r[row] else "  <- differs"
        lines.append(f"{row + 1:>5}  {python:<{width}}  {r}{mark}")
    if p.python.size > shown:
        lines.append(f"  ... {p.python.size - shown} more rows (--json gives them all)")
    agree = round(p.agreement * p.python.size)
    lines.append(f"Python and R agree on {agree} of {p.python.size} new rows")
    return "\n".join(lines) + "\n"


# -- the terminal form ----------------------------------------------------------------------


#: Answers that end the form.
QUIT_WORDS = frozenset({"q", "quit", "exit"})


class _Quit(Exception):
    """The user asked to leave the form."""


def format_prediction(prediction: Prediction, income: float, score: float) -> str:
    """The one human line ``pyseg predict`` prints for a customer."""
    center = ", ".join(f"{value:.2f}" for value in prediction.center)
    # Two decimals as usual; a customer far outside the data gets 1e+99, not 99 digits.
    distance = prediction.distance
    shown = f"{distance:.2f}" if distance < 1e9 else f"{distance:.3g}"
    return (
        f"income {income:g} k$, spending score {score:g} -> {prediction.name} "
        f"(segment {prediction.index}, distance {shown} to its center "
        f"({center})): {prediction.description}"
    )


def run_form(classify: Callable[[float, float], Prediction], *,
             read_line: Callable[[str], str] | None = None, output: TextIO | None = None) -> int:
    """The terminal form, which ``pyseg predict`` opens when no numbers are given and a terminal
    is attached: type an income and a spending score, learn the customer's segment.

    It re-prompts for a bad value (saying what was wrong) and loops until the user quits with
    ``q`` (as the prompt says), end of input (Ctrl-D) or Ctrl-C; an empty line asks again, it
    does not quit. Returns the number of customers classified.

    Parameters
    ----------
    classify : callable (income, score) -> Prediction
        Usually ``model.predict_one``; may raise :class:`~pyseg.PysegError` (e.g. the engines
        disagree), which ends the form by propagating.
    read_line : callable (prompt) -> str, optional
        Reads one answer; raises EOFError at end of input. Default: the built-in ``input``.
        Input and output are injectable so tests can drive the form without a terminal.
    output : text stream, default=sys.stdout
        Where answers and messages go.
    """
    out = output if output is not None else sys.stdout
    if read_line is None:
        read_line = input
    print("Classify a new customer (q to quit).", file=out)
    classified = 0
    try:
        while True:
            income = _ask("Annual income (k$): ", read_line, out, "annual income ", "income")
            score = _ask("Spending score (1-100): ", read_line, out, "spending score ", "score")
            print(format_prediction(classify(income, score), income, score), file=out, flush=True)
            classified += 1
    except _Quit:
        print("Bye.", file=out)
    return classified


def _ask(prompt: str, read_line: Callable[[str], str], out: TextIO, what: str, rule: str) -> float:
    """The first answer :func:`pyseg._numbers.parse_number` accepts (``what``, ``rule`` as there);
    a refused one is said and asked again."""
    while True:
        try:
            out.flush()
            answer = read_line(prompt)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            raise _Quit from None
        text = answer.strip()
        if text.lower() in QUIT_WORDS:
            raise _Quit
        if not text:
            print("  type a number, or q to quit.", file=out)
            continue
        try:
            return parse_number(text, what, rule)
        except InputError as exc:
            print(f"  {exc} - please try again.", file=out)


def _interactive(model: SegmentModel, args: argparse.Namespace) -> int:
    model.require_course_schema("the interactive form", ": use --input CSV")

    def one(income: float, score: float) -> Any:
        run = classify(model, np.array([[income, score]]), args.engine)
        if not run.agree:
            raise PysegError(f"Python and R disagree on income {income:g}, score {score:g}")
        return run.primary[0]

    run_form(one)
    return ExitCode.OK
