"""Where `pyseg record-r` writes, and that the same inputs give the same bytes (issue 14, item 7).

Without ``--output`` the recording goes to ``<data file stem>-r-results.json`` in the current
directory, never into the installed package or a checkout's ``r_reference/results/``.
``recorded_by`` is the canonical command that records the same numbers (the data file's name,
``--columns`` unless they are the course's, ``--k-max``, ``--starts``), so neither the directory
the command ran in, nor the data's path, nor the output path, nor how the options were typed
changes the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def shop_csv(tmp_path: Path, mall_like_csv: Path) -> Path:
    """A copy of the generated course-like data at ``tmp_path/data/shop.csv``."""
    path = tmp_path / "data" / "shop.csv"
    path.parent.mkdir()
    path.write_bytes(mall_like_csv.read_bytes())
    return path


def _listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()} if directory.is_dir() else {}


@pytest.mark.r
def test_default_output_is_in_the_current_directory(shop_csv, tmp_path, run_cli, capsys,
                                                    monkeypatch):
    from pyseg.engines import r_reference_dir

    package_results = r_reference_dir() / "results"
    before = _listing(package_results)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run_cli(capsys, "record-r", "--data", str(shop_csv), "--k-max", "2")
    assert code == 0, err
    assert sorted(p.name for p in work.iterdir()) == ["shop-r-results.json"]
    assert out.strip().endswith("in shop-r-results.json")
    assert _listing(package_results) == before, "record-r wrote into the package's folder"


@pytest.mark.r
def test_the_same_inputs_give_the_same_bytes(shop_csv, tmp_path, run_cli, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run_cli(capsys, "record-r", "--data", "data/shop.csv", "--k-max", "2",
                    "--output", "first.json")
    monkeypatch.chdir(shop_csv.parent)
    second = run_cli(capsys, "record-r", "--starts=10", "--output", str(tmp_path / "second.json"),
                     "--k-max=2", "--data", str(shop_csv.resolve()))
    assert first[0] == 0 and second[0] == 0, (first[2], second[2])
    text = (tmp_path / "first.json").read_bytes()
    assert (tmp_path / "second.json").read_bytes() == text
    record = json.loads(text)
    assert record["recorded_by"] == "pyseg record-r --data shop.csv --k-max 2 --starts 10"


def test_recorded_by_names_the_columns_only_when_they_are_not_the_courses(mall_like_csv):
    from pyseg._data import load_dataset
    from pyseg.methods.kmeans._record import canonical_command

    course = load_dataset(mall_like_csv)
    assert canonical_command(course, range(1, 11), 10) == (
        "pyseg record-r --data mall_like_200.csv --k-max 10 --starts 10")
    other = load_dataset(mall_like_csv, "Age,Spending Score (1-100)")
    assert canonical_command(other, range(1, 4), 25) == (
        "pyseg record-r --data mall_like_200.csv --columns 'Age,Spending Score (1-100)' "
        "--k-max 3 --starts 25")
    # k values the command line cannot ask for (only 1..K) are listed after it
    assert canonical_command(course, [2, 4], 10) == (
        "pyseg record-r --data mall_like_200.csv --starts 10 (k = 2, 4)")
