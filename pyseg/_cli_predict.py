"""``pyseg fit`` and ``pyseg predict``: save a segmentation, then classify new customers with it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from pyseg.cli import add_data_arguments, positive_int

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from pyseg._model import Predictions, SegmentModel

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

--input reads a CSV whose header names the model's feature columns (for the course model also
`income` and `score`); --output gets all its columns plus segment, segment_name and distance.
Income must be a finite number >= 0, the spending score a number within 1-100.

exit status: 0 ok, 1 Python and R disagree (--engine both), 2 bad input or usage, 3 R unusable
"""

#: Income and score ranges of --grid for the course model.
COURSE_GRID = ((0.0, 150.0), (1.0, 100.0))
#: Header aliases an --input file may use for the course's two features.
COURSE_ALIASES = ("income", "score")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    fit = subparsers.add_parser(
        "fit",
        help="fit the course K-Means, name the segments and save the model as JSON",
        description=FIT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(fit)
    fit.add_argument("--k", type=positive_int, default=5, help="number of segments (default 5)")
    fit.add_argument("--save", metavar="FILE", help="write the model to FILE as JSON")
    fit.add_argument("--json", action="store_true", help="print the model JSON on stdout")
    fit.set_defaults(func=run_fit)

    predict = subparsers.add_parser(
        "predict",
        help="predict the segment of new customers (one, a CSV, a grid, or an interactive form)",
        description=PREDICT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(predict)
    predict.add_argument(
        "--model", metavar="FILE", help="use a model saved by `pyseg fit --save` (no refit)"
    )
    predict.add_argument(
        "--k", type=positive_int, default=5, help="number of segments when fitting (default 5)"
    )
    predict.add_argument("--income", metavar="K$", help="annual income in k$ (>= 0)")
    predict.add_argument("--score", metavar="SCORE", help="spending score (1-100)")
    predict.add_argument("--input", metavar="CSV", help="classify every row of this CSV")
    predict.add_argument(
        "--output", metavar="CSV", help="write the labelled rows here (default: stdout)"
    )
    predict.add_argument(
        "--grid",
        metavar="N",
        type=positive_int,
        help="classify an N x N grid (income 0-150 x score 1-100 for the course model)",
    )
    predict.add_argument(
        "--engine",
        choices=("python", "r", "both"),
        default="python",
        help="nearest center in Python, in R, or both with a check that they agree "
        "(default python)",
    )
    predict.add_argument("--json", action="store_true", help="print one JSON document")
    predict.set_defaults(func=run_predict)
    return predict


# -- shared ---------------------------------------------------------------------------------


def _model_from_args(args: argparse.Namespace) -> SegmentModel:
    from pyseg._model import SegmentModel

    if getattr(args, "model", None):
        return SegmentModel.load(args.model)
    from pyseg._data import load_dataset

    dataset = load_dataset(args.data, args.columns)
    if dataset.notice:
        print(f"pyseg: {dataset.notice}", file=sys.stderr)
    return SegmentModel(n_clusters=args.k).fit(dataset)


def _json_dumps(payload: Any) -> str:
    import json

    return json.dumps(payload, sort_keys=True, indent=2, allow_nan=False)


# -- fit ------------------------------------------------------------------------------------


def run_fit(args: argparse.Namespace) -> int:
    from pyseg._errors import ExitCode

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
        print(f"saved model to {args.save} (data sha256 {model.data_['sha256'][:12]}...)")
    return ExitCode.OK


# -- predict --------------------------------------------------------------------------------


class _EngineRun:
    """Nearest-center predictions by one or both engines, and whether they agree."""

    def __init__(self, model: SegmentModel, X: NDArray[np.float64], engine: str) -> None:
        import numpy as np

        from pyseg._model import nearest_center, r_nearest_center

        self.engine = engine
        self.results: dict[str, Predictions] = {}
        if engine in ("python", "both"):
            self.results["python"] = model.predictions_from_index(
                *nearest_center(X, model.centers_)
            )
        if engine in ("r", "both"):
            self.results["r"] = model.predictions_from_index(
                *r_nearest_center(X, model.centers_)
            )
        self.primary = self.results["python" if engine != "r" else "r"]
        if engine == "both":
            same = self.results["python"].index == self.results["r"].index
            self.n_agree = int(np.count_nonzero(same))
            self.first_disagreement = None if same.all() else int(np.argmin(same))
            self.max_distance_difference = float(
                np.max(np.abs(self.results["python"].distance - self.results["r"].distance),
                       initial=0.0)
            )

    @property
    def agree(self) -> bool:
        return self.engine != "both" or self.first_disagreement is None

    def parity_json(self) -> dict[str, Any]:
        if self.engine != "both":
            return {}
        return {
            "agree": self.agree,
            "n_agree": self.n_agree,
            "max_distance_difference": self.max_distance_difference,
        }

    def parity_line(self, n: int) -> str:
        share = 100.0 * self.n_agree / n if n else 100.0
        line = f"python and R agree on {self.n_agree} of {n} customers ({share:.2f}%)"
        if not self.agree:
            line += f"; first disagreement at row {self.first_disagreement + 1}"
        return line


def run_predict(args: argparse.Namespace) -> int:
    from pyseg._errors import InputError

    sources = [
        name
        for name, given in (
            ("--income/--score", args.income is not None or args.score is not None),
            ("--input", args.input is not None),
            ("--grid", args.grid is not None),
        )
        if given
    ]
    if len(sources) > 1:
        raise InputError(f"give only one of {', '.join(sources)}")
    if args.model and (args.data or args.columns):
        raise InputError("--model already fixes the data: give either --model or --data/--columns")
    if args.output and not args.input and not args.grid:
        raise InputError("--output needs --input CSV or --grid N")
    if (args.income is None) != (args.score is None):
        raise InputError("give both --income and --score")
    if not sources and not sys.stdin.isatty():
        raise InputError(
            "nothing to classify: give --income and --score, --input CSV or --grid N "
            "(the interactive form needs a terminal)"
        )
    model = _model_from_args(args)
    if args.income is not None:
        return _predict_one(model, args)
    if args.input is not None or args.grid is not None:
        return _predict_many(model, args)
    return _interactive(model, args)


def _require_course_model(model: SegmentModel, what: str) -> None:
    from pyseg._errors import InputError

    if not model.is_course_schema:
        raise InputError(
            f"{what} needs a model of income and spending score; this model's features are "
            f"{', '.join(model.feature_names_)}: use --input CSV"
        )


def _predict_one(model: SegmentModel, args: argparse.Namespace) -> int:
    import numpy as np

    from pyseg._errors import ExitCode
    from pyseg._form import check_customer, format_prediction

    _require_course_model(model, "--income/--score")
    income, score = check_customer(args.income, args.score)
    run = _EngineRun(model, np.array([[income, score]]), args.engine)
    prediction = run.primary[0]
    if args.json:
        payload = {
            "customer": {"income": income, "score": score},
            "engine": args.engine,
            "prediction": prediction.to_dict(),
            **run.parity_json(),
        }
        if args.engine == "both":
            payload["r_prediction"] = run.results["r"][0].to_dict()
        print(_json_dumps(payload))
    else:
        print(format_prediction(prediction, income, score))
        if args.engine == "both":
            print(run.parity_line(1), file=sys.stderr)
    return ExitCode.OK if run.agree else ExitCode.PARITY_FAILED


def _predict_many(model: SegmentModel, args: argparse.Namespace) -> int:
    import numpy as np

    from pyseg._errors import ExitCode

    if args.grid is not None:
        X = grid_points(model, args.grid)
        header = list(model.feature_names_)
        rows = [[repr(float(v)) for v in point] for point in X]
    else:
        header, rows, X = read_customers_csv(args.input, model)
    run = _EngineRun(model, X, args.engine)
    if args.output or not args.json:
        _write_labelled(args.output, header, rows, run)
    counts = np.bincount(run.primary.index, minlength=len(model.segments_))
    summary = {
        "n_customers": len(X),
        "engine": args.engine,
        "segment_counts": {
            segment.name: int(count)
            for segment, count in zip(model.segments_, counts, strict=True)
        },
        **run.parity_json(),
    }
    if args.json:
        print(_json_dumps(summary))
    elif args.engine == "both":
        # With the rows on stdout the verdict goes to stderr, so the CSV stays clean.
        print(run.parity_line(len(X)), file=sys.stderr if not args.output else sys.stdout)
    return ExitCode.OK if run.agree else ExitCode.PARITY_FAILED


def _interactive(model: SegmentModel, args: argparse.Namespace) -> int:
    import numpy as np

    from pyseg._errors import ExitCode, PysegError
    from pyseg._form import run_form

    _require_course_model(model, "the interactive form")

    def classify(income: float, score: float) -> Any:
        run = _EngineRun(model, np.array([[income, score]]), args.engine)
        if not run.agree:
            raise PysegError(f"python and R disagree on income {income:g}, score {score:g}")
        return run.primary[0]

    run_form(classify)
    return ExitCode.OK


def grid_points(model: SegmentModel, n: int) -> NDArray[np.float64]:
    """An ``n`` x ``n`` grid of customers, shape (n * n, 2): income-major, then score.

    For the course model income runs over 0-150 and the score over 1-100; for other models each
    feature spans its range in the training data.
    """
    import numpy as np

    from pyseg._errors import InputError

    if len(model.feature_names_) != 2:
        raise InputError(f"--grid needs a model of two features, this one has "
                         f"{len(model.feature_names_)}")
    bounds = COURSE_GRID if model.is_course_schema else tuple(map(tuple, model.feature_ranges_))
    axes = [np.linspace(low, high, n) for low, high in bounds]
    first, second = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([first.ravel(), second.ravel()])


def read_customers_csv(
    path: str, model: SegmentModel
) -> tuple[list[str], list[list[str]], NDArray[np.float64]]:
    """Read customers from a CSV with the standard library (no pandas on the --model path).

    Returns
    -------
    header : list of str
    rows : list of list of str
        The file's rows as read, to be written back with the segment appended.
    X : ndarray of shape (n_rows, n_features)
        The validated feature values.

    Raises
    ------
    InputError
        Missing file or columns, no rows, or a bad value (naming the row and column).
    """
    import csv
    import math

    import numpy as np

    from pyseg._errors import InputError
    from pyseg._form import check_customer, parse_number

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(f"input file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read input file {path}: {exc}") from None
    if not table:
        raise InputError(f"{path}: the file is empty; it needs a header row")
    header, rows = table[0], table[1:]
    names = list(model.feature_names_)
    columns = _feature_columns(header, names, model.is_course_schema)
    if columns is None:
        wanted = " and ".join(repr(name) for name in names)
        aliases = " (or 'income' and 'score')" if model.is_course_schema else ""
        raise InputError(f"{path}: the header needs the columns {wanted}{aliases}, "
                         f"it has {', '.join(map(repr, header))}")
    kept: list[list[str]] = []
    values: list[list[float]] = []
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue  # blank lines (e.g. at the end of a hand-written file)
        where = f"{path}, row {number}"
        if len(row) <= max(columns):
            raise InputError(f"{where}: {len(row)} fields, the header has {len(header)}")
        texts = [row[column] for column in columns]
        if model.is_course_schema:
            # Income first with a valid score, then the score, so the message names the column.
            parsed = [
                _checked(lambda t=texts: check_customer(t[0], "50")[0], where, header[columns[0]]),
                _checked(lambda t=texts: check_customer(*t)[1], where, header[columns[1]]),
            ]
        else:
            parsed = [
                _checked(lambda text=text: parse_number(text, "value"), where, header[column])
                for text, column in zip(texts, columns, strict=True)
            ]
        for value, name in zip(parsed, names, strict=True):
            if not math.isfinite(value):
                raise InputError(f"{where}, column {name!r}: {value!r} is not a finite number")
        kept.append(row)
        values.append(parsed)
    if not kept:
        raise InputError(f"{path}: no customers below the header")
    return header, kept, np.asarray(values, dtype=np.float64)


def _checked(parse: Any, where: str, column: str) -> float:
    from pyseg._errors import InputError

    try:
        return float(parse())
    except InputError as exc:
        raise InputError(f"{where}, column {column!r}: {exc}") from None


def _feature_columns(header: list[str], names: list[str], course: bool) -> list[int] | None:
    stripped = [cell.strip() for cell in header]
    if all(name in stripped for name in names):
        return [stripped.index(name) for name in names]
    lowered = [cell.lower() for cell in stripped]
    if course and all(alias in lowered for alias in COURSE_ALIASES):
        return [lowered.index(alias) for alias in COURSE_ALIASES]
    return None


def _write_labelled(
    path: str | None, header: list[str], rows: list[list[str]], run: _EngineRun
) -> None:
    import csv


    extra = ["segment", "segment_name", "distance"]
    if run.engine == "both":
        extra += ["segment_r", "distance_r"]
    primary = run.primary

    def lines() -> Any:
        yield [*header, *extra]
        for row_number, row in enumerate(rows):
            values = [
                str(int(primary.index[row_number])),
                primary.name[row_number],
                repr(float(primary.distance[row_number])),
            ]
            if run.engine == "both":
                r = run.results["r"]
                values += [str(int(r.index[row_number])), repr(float(r.distance[row_number]))]
            yield [*row, *values]

    if not path or path == "-":
        csv.writer(sys.stdout, lineterminator="\n").writerows(lines())
        return
    import io

    from pyseg._io import write_atomic

    # Rows are built in memory first, so a failure half-way leaves no partial file.
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines())
    write_atomic(buffer.getvalue().encode("utf-8"), path)
