"""``predict --input`` at any size: chunked reading, rows written back as read, the same errors as
``load_dataset`` (file line and column), nothing left behind on failure; ``--grid``'s bound; the
out-of-range warning of a batch.

The fast (numpy) and careful (csv + number parser) paths of ``pyseg._customers`` must accept the
same cells and give the same numbers; a fuzz test holds them against each other.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from pyseg import _customers
from pyseg._errors import InputError
from pyseg._numbers import parse_number, value_problem

HEADER = "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)"


@pytest.fixture(scope="module")
def model_json(mall_like_csv, tmp_path_factory):
    from pyseg.cli import main

    path = tmp_path_factory.mktemp("model") / "model.json"
    assert main(["fit", "--data", str(mall_like_csv), "--save", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def model(model_json):
    from pyseg._model import SegmentModel

    return SegmentModel.load(model_json)


def _score(capsys, run_cli, model_json, path, *extra):
    return run_cli(capsys, "predict", "--model", str(model_json), "--input", str(path), *extra)


# -- rows come back as they were -------------------------------------------------------------

@pytest.mark.parametrize("chunk", [None, 7, 64])
def test_every_row_is_written_back_byte_for_byte(capsys, run_cli, model, model_json, tmp_path,
                                                 monkeypatch, chunk):
    if chunk is not None:
        monkeypatch.setattr(_customers, "CHUNK_BYTES", chunk)
    rows = [
        '0001,"Female",19,15,39',
        '"0002","Smith, J",21,15, 81 ',
        "0003,José,20,16.50,6",
        "0004,Male,23,+16,77.",
        "0005,Female,31,.17e2,40",
    ]
    content = "\ufeff" + HEADER + "\r\n" + "\r\n".join(rows[:2]) + "\r\n\r\n" + "\r\n".join(
        rows[2:])  # BOM, CRLF, a blank line, no line end at the end
    source = tmp_path / "customers.csv"
    source.write_bytes(content.encode("utf-8"))
    output = tmp_path / "labelled.csv"
    code, out, _ = _score(capsys, run_cli, model_json, source, "--output", str(output))
    assert (code, out) == (0, "")
    written = output.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf" + (HEADER + ",segment,segment_name,distance\r\n")
                              .encode())
    lines = written[3:].decode("utf-8").split("\r\n")
    assert lines[-1] == ""
    X = np.array([[15, 39], [15, 81], [16.5, 6], [16, 77], [17, 40]], dtype=float)
    expected = model.predict(X)
    for row, line, prediction in zip(rows, lines[1:-1], expected, strict=True):
        assert line == (f"{row},{prediction.index},{prediction.name},"
                        f"{prediction.distance!r}")


def test_a_large_file_is_read_in_chunks_and_matches_one_pass(capsys, run_cli, model,
                                                             model_json, tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.integers(15, 138, 5000), rng.integers(1, 100, 5000)]).astype(float)
    X[::7, 0] += 0.25
    source = tmp_path / "many.csv"
    body = "".join(f"{i:05d},Male,30,{a:g},{b:g}\n" for i, (a, b) in enumerate(X))
    source.write_text(HEADER + "\n" + body)
    seen = []
    original = _customers._fast_batch

    def spy(data, layout, first_line):
        seen.append(first_line)
        return original(data, layout, first_line)

    monkeypatch.setattr(_customers, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(_customers, "_fast_batch", spy)
    output = tmp_path / "out.csv"
    assert _score(capsys, run_cli, model_json, source, "--output", str(output))[0] == 0
    assert len(seen) >= 5 and seen[0] == 2  # several chunks, the first starting at file line 2
    got = [line.rsplit(",", 3) for line in output.read_text().splitlines()[1:]]
    expected = model.predict(X)
    assert [int(g[1]) for g in got] == expected.index.tolist()
    assert [float(g[3]) for g in got] == expected.distance.tolist()


# -- the two paths agree -----------------------------------------------------------------------

_TOKENS = ["15", "0", "39", "100", "101", "1", "-0", "+5", "5.", ".5", "1e2", "1E+1", "2.5e-1",
           "16,5", "1.5.2", "e5", "", " 7", "7 ", "abc", "inf", "nan", "NA", "1_000", "0x10",
           "1e999", "-3", "12345678901234567", "0.1", "99.99999", "1,000", "True", "--1",
           "1e", ".", "+", "١٢"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_fast_and_careful_paths_agree_on_every_cell(delimiter):
    """Random chunks: the fast path either declines or gives exactly the careful path's result,
    and the careful path's verdict on each cell is the number parser's."""
    from pyseg._customers import _checked_batch, _fast_batch, _Layout

    rng = random.Random(14)
    layout = _Layout("f.csv", ["id", "income", "score"], delimiter, (1, 2), ("income", "score"))
    comma = delimiter != ","
    tokens = [token for token in _TOKENS if delimiter not in token]
    good = [token for token in tokens if value_problem(token, "score", decimal_comma=comma) is None]

    def cell() -> str:
        return rng.choice(good) if rng.random() < 0.9 else rng.choice(tokens)

    n_fast = 0
    for _ in range(400):
        cells = [(cell(), cell()) for _ in range(rng.randint(1, 6))]
        data = "".join(f"{i}{delimiter}{a}{delimiter}{b}\n" for i, (a, b) in enumerate(cells))
        chunk = data.encode("utf-8")
        problems = [value_problem(v, rule, decimal_comma=comma)
                    for a, b in cells for v, rule in ((a, "income"), (b, "score"))]
        try:
            careful = _checked_batch(chunk, layout, 2, 0)
        except InputError as exc:
            careful = None
            first = next(p for p in problems if p is not None)
            assert first in str(exc)
        else:
            assert problems == [None] * len(problems)
            expected = [[parse_number(a, decimal_comma=comma), parse_number(b, decimal_comma=comma)]
                        for a, b in cells]
            assert careful.X.tolist() == expected
        fast = _fast_batch(chunk, layout, 2)
        n_fast += fast is not None
        if fast is not None:
            assert careful is not None, data
            assert fast.rows == careful.rows
            assert fast.lines.tolist() == careful.lines.tolist()
            assert np.array_equal(fast.X, careful.X)
            assert np.array_equal(np.signbit(fast.X), np.signbit(careful.X))
    assert n_fast >= 50  # the fast path did take the clean chunks (blanks in cells: careful)


# -- errors: the file line and column, as load_dataset says them ----------------------------------

def test_the_bad_input_corpus_gets_the_same_row_and_column_as_compare(
        capsys, run_cli, model_json, bad_inputs_dir, bad_input_messages, tmp_path):
    """Item 8: one convention for row numbers. Every corpus file whose message names a row gives
    ``predict --input`` the same message fragments as ``load_dataset`` (``compare``)."""
    checked = 0
    for name, fragments in sorted(bad_input_messages.items()):
        if not any("row " in fragment for fragment in fragments):
            continue
        source = bad_inputs_dir / name
        output = tmp_path / f"{name}.out"
        code, out, err = _score(capsys, run_cli, model_json, source, "--output", str(output))
        assert code == 2, name
        assert out == "" and err.count("\n") == 1, name
        assert err.startswith(f"pyseg: error: {source}"), name
        for fragment in fragments:
            assert fragment in err, (name, err)
        checked += 1
    assert checked >= 15
    assert list(tmp_path.iterdir()) == []  # no output and no temporary file left behind


def test_an_error_late_in_a_big_file_names_its_line_and_leaves_nothing(
        capsys, run_cli, model_json, tmp_path, monkeypatch):
    monkeypatch.setattr(_customers, "CHUNK_BYTES", 512)
    lines = [f"{i:05d},Male,30,{20 + i % 100},{1 + i % 99}" for i in range(3000)]
    lines[2500] = "02500,Male,30,oops,50"
    source = tmp_path / "big.csv"
    source.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    output = tmp_path / "out" / "labelled.csv"
    output.parent.mkdir()
    code, out, err = _score(capsys, run_cli, model_json, source, "--output", str(output))
    assert code == 2 and out == ""
    assert err == (f"pyseg: error: {source}: row 2502, column 'Annual Income (k$)': 'oops' is "
                   "not a number\n")
    assert list(output.parent.iterdir()) == []
    # On stdout nothing is printed either: the rows are only copied there once all are good.
    code, out, err = _score(capsys, run_cli, model_json, source)
    assert code == 2 and out == ""


def test_an_unreadable_customers_file_gets_the_words_of_an_unreadable_data_file(
        capsys, run_cli, model_json, tmp_path):
    """One file opener: ``--input`` and ``--data`` say the same for the same failure."""
    from pyseg._data import load_dataset

    for source in (tmp_path / "nope.csv", tmp_path):
        code, out, err = _score(capsys, run_cli, model_json, source)
        with pytest.raises(InputError) as caught:
            load_dataset(source)
        assert code == 2 and out == ""
        assert err == f"pyseg: error: {caught.value}\n"
    assert err == f"pyseg: error: {tmp_path}: is a directory, not a CSV file\n"


def test_an_output_into_a_missing_directory_names_it(capsys, run_cli, model_json, tmp_path,
                                                      mall_like_csv):
    output = tmp_path / "missing" / "labelled.csv"
    code, _, err = _score(capsys, run_cli, model_json, mall_like_csv, "--output", str(output))
    assert code == 2
    assert err == (f"pyseg: error: cannot write {output}: directory {output.parent} does not "
                   "exist\n")
    assert list(tmp_path.iterdir()) == []


def test_rows_wider_or_narrower_than_the_header_are_refused(capsys, run_cli, model_json,
                                                           tmp_path):
    source = tmp_path / "short.csv"
    source.write_text(HEADER + "\n1,Male,30,20,50\n2,Male,20,50\n")
    code, _, err = _score(capsys, run_cli, model_json, source)
    assert code == 2
    assert "row 3 has 4 fields but the header has 5" in err


# -- grid ----------------------------------------------------------------------------------------

def test_a_huge_grid_is_refused_in_one_line(run_pyseg, model_json):
    """Item 6: `--grid 100000` was a MemoryError traceback (74.5 GiB)."""
    result = run_pyseg("predict", "--model", str(model_json), "--grid", "100000", timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "pyseg: error: --grid 100000 would classify 10,000,000,000 customers; the most is "
        f"--grid {_customers.MAX_GRID} ({_customers.MAX_GRID ** 2:,}); to score more customers, "
        "put them in a CSV and use --input\n")


def test_the_grid_csv_is_every_point_with_its_segment(capsys, run_cli, model, model_json,
                                                      monkeypatch):
    monkeypatch.setattr(_customers, "GRID_CHUNK_ROWS", 37)
    code, out, _ = run_cli(capsys, "predict", "--model", str(model_json), "--grid", "12")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Annual Income (k$),Spending Score (1-100),segment,segment_name,"
                        "distance")
    axes = [np.linspace(low, high, 12) for low, high in _customers.grid_bounds(model)]
    X = np.array([(a, b) for a in axes[0] for b in axes[1]])  # income-major, then score
    expected = model.predict(X)
    assert lines[1:] == [f"{a!r},{b!r},{p.index},{p.name},{p.distance!r}"
                         for (a, b), p in zip(X.tolist(), expected, strict=True)]


# -- customers outside the fitted range -----------------------------------------------------------

def test_a_batch_warns_about_customers_outside_the_fitted_range(capsys, run_cli, model,
                                                                 model_json, tmp_path):
    """Item 9 (CLI and JSON): the count, the first file line, and the fitted ranges."""
    high = model.feature_ranges_[0, 1]
    source = tmp_path / "far.csv"
    source.write_text(f"{HEADER}\n1,Male,30,50,50\n2,Male,30,{high + 500:g},50\n"
                      f"3,Male,30,1e99,50\n")
    code, out, err = _score(capsys, run_cli, model_json, source, "--output",
                            str(tmp_path / "o.csv"))
    assert code == 0 and out == ""
    assert err.startswith("pyseg: warning: 2 of 3 customers lie outside the range the model was "
                          "fitted on (Annual Income (k$) ")
    assert f"the first at row 3 of {source}" in err
    code, out, _ = _score(capsys, run_cli, model_json, source, "--json")
    payload = json.loads(out)
    assert payload["n_outside_range"] == 2
    assert len(payload["warnings"]) == 1 and "2 of 3 customers" in payload["warnings"][0]
    source.write_text(f"{HEADER}\n1,Male,30,50,50\n")
    code, out, err = _score(capsys, run_cli, model_json, source, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["warnings"] == []


@pytest.mark.r
def test_engine_both_scores_a_file_chunk_by_chunk(capsys, run_cli, model, model_json, tmp_path,
                                                  monkeypatch):
    monkeypatch.setattr(_customers, "CHUNK_BYTES", 256)
    lines = [f"{i:04d},Male,30,{15 + i % 120},{1 + (7 * i) % 99}" for i in range(400)]
    source = tmp_path / "both.csv"
    source.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    output = tmp_path / "both_out.csv"
    code, out, _ = _score(capsys, run_cli, model_json, source, "--engine", "both", "--output",
                          str(output))
    assert code == 0
    assert "Python and R agree on 400 of 400 customers (100.00%)" in out
    rows = output.read_text().splitlines()
    assert rows[0].endswith(",segment,segment_name,distance,segment_r,distance_r")
    cells = [row.split(",") for row in rows[1:]]
    assert all(cell[5] == cell[8] for cell in cells) and len(cells) == 400
