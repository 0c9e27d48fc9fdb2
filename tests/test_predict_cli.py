"""``pyseg fit`` / ``pyseg predict`` and the terminal form.

The course's example customers (``MUST_SHOW``) must get their course segment names, so those
tests fit on the course file (``course_model_json``); the others use ``data/mall_like_200.csv``
(``model_json``).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from pyseg.cli import main

MUST_SHOW = [
    ("70", "80", "Target"),
    ("20", "80", "Careless"),
    ("90", "15", "Careful"),
    ("20", "15", "Sensible"),
    ("55", "50", "Standard"),
]


def _fit_and_save(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.json"
    assert main(["fit", "--data", str(data), "--save", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def course_model_json(course_csv, tmp_path_factory):
    return _fit_and_save(course_csv, tmp_path_factory)


@pytest.fixture(scope="module")
def model_json(mall_like_csv, tmp_path_factory):
    return _fit_and_save(mall_like_csv, tmp_path_factory)


@pytest.mark.parametrize(("income", "score", "name"), MUST_SHOW)
def test_must_show_customers_by_fitting_on_the_course_file(capsys, run_cli, course_csv, income,
                                                           score, name):
    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv),
                           "--income", income, "--score", score)
    assert code == 0
    assert f"-> {name} (" in out


@pytest.mark.parametrize(("income", "score", "name"), MUST_SHOW)
def test_must_show_customers_from_the_saved_model(capsys, run_cli, course_model_json, income,
                                                  score, name):
    code, out, _ = run_cli(capsys, "predict", "--model", str(course_model_json), "--income", income,
                           "--score", score, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["prediction"]["name"] == name
    assert payload["customer"] == {"income": float(income), "score": float(score)}


def test_fit_json_is_the_saved_model(capsys, run_cli, mall_like_csv, model_json):
    code, out, _ = run_cli(capsys, "fit", "--data", str(mall_like_csv), "--json")
    assert code == 0
    assert out == model_json.read_text()


@pytest.mark.r
def test_engine_both_agrees_on_the_10000_point_grid(capsys, run_cli, model_json):
    code, out, _ = run_cli(capsys, "predict", "--model", str(model_json), "--engine", "both",
                           "--grid", "100", "--json")
    payload = json.loads(out)
    assert code == 0
    assert payload["n_customers"] == payload["n_agree"] == 10000
    assert payload["agree"] is True
    assert payload["max_distance_difference"] == 0.0
    assert sum(payload["segment_counts"].values()) == 10000


@pytest.mark.r
def test_engine_both_exits_1_when_the_engines_disagree(capsys, run_cli, model_json, monkeypatch):
    from pyseg.engines import REngine

    real = REngine.nearest_center

    def off_by_one(self, X, centers):
        index, distance = real(self, X, centers)
        return (index + 1) % len(centers), distance

    monkeypatch.setattr(REngine, "nearest_center", off_by_one)
    code, _, err = run_cli(capsys, "predict", "--model", str(model_json), "--engine", "both",
                           "--income", "70", "--score", "80")
    assert code == 1
    assert "agree on 0 of 1" in err


@pytest.mark.r
def test_engine_r_alone_gives_the_same_answer(capsys, run_cli, course_model_json):
    code, out, _ = run_cli(capsys, "predict", "--model", str(course_model_json), "--engine", "r",
                           "--income", "20", "--score", "80", "--json")
    assert code == 0
    assert json.loads(out)["prediction"]["name"] == "Careless"


def test_input_csv_gets_labelled(capsys, run_cli, course_model_json, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("id,income,score\n" + "".join(
        f"c{i},{income},{score}\n" for i, (income, score, _) in enumerate(MUST_SHOW)
    ) + "\n")
    target = tmp_path / "labelled.csv"
    code, _, _ = run_cli(capsys, "predict", "--model", str(course_model_json), "--input",
                         str(source), "--output", str(target))
    assert code == 0
    with open(target, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["segment_name"] for row in rows] == [name for _, _, name in MUST_SHOW]
    assert [row["id"] for row in rows] == [f"c{i}" for i in range(5)]
    assert all(float(row["distance"]) >= 0 for row in rows)


def test_input_csv_with_the_course_headers_goes_to_stdout(capsys, run_cli, course_model_json,
                                                          tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("Annual Income (k$),Spending Score (1-100)\n70,80\n")
    code, out, _ = run_cli(capsys, "predict", "--model", str(course_model_json), "--input",
                           str(source))
    assert code == 0
    assert out.splitlines()[1].startswith("70,80,1,Target,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Rows are file lines, as an editor shows them (header = row 1), as in `compare`.
        ("id,income,score\n1,70,80\n2,x,80\n", "row 3, column 'income': 'x' is not a number"),
        ("id,income,score\n1,70,0\n", "row 2, column 'score': '0' is outside 1..100"),
        ("id,income,score\n1,-1,50\n", "negative"),
        ("id,income\n1,70\n", "the header needs the columns"),
        ("id,income,score\n", "no customers"),
        ("", "empty"),
    ],
)
def test_bad_input_csv_exits_2_naming_file_row_and_column(capsys, run_cli, model_json, tmp_path,
                                                          content, message):
    source = tmp_path / "bad.csv"
    source.write_text(content)
    code, out, err = run_cli(capsys, "predict", "--model", str(model_json), "--input", str(source))
    assert code == 2
    assert out == ""
    assert err.startswith(f"pyseg: error: {source}")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("income", "score", "message"),
    [
        ("-5", "50", "negative"),
        ("abc", "50", "not a number"),
        ("nan", "50", "'nan' is not a number (missing values are not allowed)"),
        ("inf", "50", "not a finite number"),
        ("70", "0", "outside 1..100"),
        ("70", "100.5", "outside 1..100"),
        ("70", "", "not a number"),
    ],
)
def test_bad_customer_exits_2(capsys, run_cli, model_json, income, score, message):
    code, out, err = run_cli(capsys, "predict", "--model", str(model_json),
                             f"--income={income}", f"--score={score}")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--income", "70"], "give both --income and --score"),
        (["--income", "70", "--score", "80", "--grid", "3"], "only one of"),
        (["--data", "x.csv", "--income", "70", "--score", "80"], "either --model or --data"),
        (["--output", "o.csv", "--income", "70", "--score", "80"], "--output needs"),
    ],
)
def test_usage_errors_exit_2(capsys, run_cli, model_json, argv, message):
    code, _, err = run_cli(capsys, "predict", "--model", str(model_json), *argv)
    assert code == 2 and message in err


def test_without_numbers_and_without_a_terminal_it_says_what_to_give(capsys, run_cli, model_json,
                                                                    monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run_cli(capsys, "predict", "--model", str(model_json))
    assert code == 2 and "needs a terminal" in err


def test_missing_model_file_exits_2(capsys, run_cli, tmp_path):
    code, _, err = run_cli(capsys, "predict", "--model", str(tmp_path / "no.json"),
                           "--income", "1", "--score", "2")
    assert code == 2 and err == f"pyseg: error: {tmp_path / 'no.json'}: no such file\n"


def test_predict_with_a_model_imports_neither_sklearn_pandas_scipy_nor_rpy2(course_model_json):
    code = (
        "import sys\n"
        "from pyseg.cli import main\n"
        f"rc = main(['predict', '--model', {str(course_model_json)!r}, '--income', '70', "
        "'--score', '80'])\n"
        "heavy = ('sklearn', 'pandas', 'scipy', 'rpy2', 'matplotlib', 'flask')\n"
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert "-> Target" in lines[0]
    assert lines[-1] == "0 []"


# -- the terminal form ------------------------------------------------------------------------


class Typist:
    """Feeds answers to the form and records the prompts it showed."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.prompts = []

    def __call__(self, prompt):
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


@pytest.fixture(scope="module")
def loaded_model(model_json):
    from pyseg._model import SegmentModel

    return SegmentModel.load(model_json)


@pytest.fixture(scope="module")
def course_loaded_model(course_model_json):
    from pyseg._model import SegmentModel

    return SegmentModel.load(course_model_json)


def test_form_classifies_reprompts_on_bad_input_and_quits(course_loaded_model):
    from pyseg.cli.predict import run_form

    typist = Typist("abc", "-3", "70", "101", "80", "20", "15", "q")
    out = io.StringIO()
    classified = run_form(course_loaded_model.predict_one, read_line=typist, output=out)
    text = out.getvalue()
    assert classified == 2
    assert "annual income 'abc' is not a number - please try again." in text
    assert "negative" in text
    assert "spending score '101' is outside 1..100" in text
    assert "-> Target (" in text and "-> Sensible (" in text
    assert text.rstrip().endswith("Bye.")
    assert typist.prompts == [
        "Annual income (k$): ", "Annual income (k$): ", "Annual income (k$): ",
        "Spending score (1-100): ", "Spending score (1-100): ",
        "Annual income (k$): ", "Spending score (1-100): ", "Annual income (k$): ",
    ]


@pytest.mark.parametrize("ending", [[], ["quit"], ["55", "q"]])
def test_form_ends_on_eof_or_quit(loaded_model, ending):
    from pyseg.cli.predict import run_form

    out = io.StringIO()
    assert run_form(loaded_model.predict_one, read_line=Typist(*ending), output=out) == 0
    assert "Bye." in out.getvalue()


def test_cli_opens_the_form_when_a_terminal_is_attached(capsys, run_cli, course_model_json,
                                                        monkeypatch):
    class FakeTerminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    typist = Typist("90", "15", "exit")
    monkeypatch.setattr("builtins.input", typist)
    code, out, _ = run_cli(capsys, "predict", "--model", str(course_model_json))
    assert code == 0
    assert "-> Careful (" in out
    assert typist.prompts[0] == "Annual income (k$): "


def test_an_empty_line_does_not_quit_the_form(course_loaded_model):
    """Item 11: the prompt says "q to quit"; an empty line used to quit at the income prompt."""
    from pyseg.cli.predict import run_form

    typist = Typist("", "70", "", "80", "q")
    out = io.StringIO()
    assert run_form(course_loaded_model.predict_one, read_line=typist, output=out) == 1
    assert out.getvalue().count("type a number, or q to quit.") == 2
    assert "-> Target (" in out.getvalue()


def _snake_case_copy(course_csv, tmp_path):
    lines = course_csv.read_text().splitlines()
    copy = tmp_path / "mall_snake.csv"
    copy.write_text("\n".join(
        ["customer_id,gender,age,annual_income_thousands,spending_score", *lines[1:]]) + "\n")
    return copy


def test_the_snake_case_course_copy_is_the_course_everywhere(capsys, run_cli, course_csv,
                                                            tmp_path):
    """Item 4: `fit` on the snake_case copy, then `predict --model --income --score` refused
    ("needs a model of income and spending score") and the names were descriptive."""
    model_path = tmp_path / "snake.json"
    code, out, _ = run_cli(capsys, "fit", "--data", str(_snake_case_copy(course_csv, tmp_path)),
                           "--save", str(model_path))
    assert code == 0
    assert sorted(line.split()[1] for line in out.splitlines()[:5]) == sorted(
        name for *_, name in MUST_SHOW)
    assert json.loads(model_path.read_text())["course_schema"] is True
    for income, score, name in MUST_SHOW:
        code, out, err = run_cli(capsys, "predict", "--model", str(model_path), "--income",
                                 income, "--score", score)
        assert code == 0, err
        assert f"-> {name} (" in out
    customers = tmp_path / "customers.csv"  # the course's own header works with this model
    customers.write_text("Annual Income (k$),Spending Score (1-100)\n70,80\n")
    code, out, _ = run_cli(capsys, "predict", "--model", str(model_path), "--input",
                           str(customers))
    assert code == 0 and out.splitlines()[1].startswith("70,80,")


def test_a_customer_outside_the_data_gets_a_warning(capsys, run_cli, course_model_json):
    """Item 9: `--income 1e99` was answered "Standard" with a 99-digit distance, silently."""
    code, out, err = run_cli(capsys, "predict", "--model", str(course_model_json), "--income",
                             "1e99", "--score", "50")
    assert code == 0
    assert err == ("pyseg: warning: annual income 1e+99 is outside 15..137, the range of the "
                   "data this model was fitted on: the segment is a guess beyond the data\n")
    assert "distance 1e+99 to its center" in out
    code, out, err = run_cli(capsys, "predict", "--model", str(course_model_json), "--income",
                             "1000", "--score", "50", "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["warnings"] == [
        "annual income 1000 is outside 15..137, the range of the data this model was fitted on: "
        "the segment is a guess beyond the data"]
    code, out, err = run_cli(capsys, "predict", "--model", str(course_model_json), "--income",
                             "70", "--score", "80", "--json")
    assert (code, err) == (0, "") and json.loads(out)["warnings"] == []
