"""Synthetic mall-like data: schema, determinism, clusters, the CSV writer and `pyseg synth`."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np
import pytest

from pyseg._data import load_dataset
from pyseg._errors import InputError
from pyseg._synth import (
    COURSE_HEADER,
    GROUP_CENTERS,
    GROUP_WEIGHTS,
    generate_columns,
    generate_mall_like,
    group_sizes,
    mall_like_csv_bytes,
    write_csv_atomic,
)
from pyseg.cli import main


def test_schema_and_ranges() -> None:
    frame = generate_mall_like(500, seed=4)
    assert tuple(frame.columns) == COURSE_HEADER
    assert frame["CustomerID"].tolist()[:2] == ["0001", "0002"]
    assert frame["CustomerID"].iloc[-1] == "0500"
    assert set(frame["Genre"]) == {"Male", "Female"}
    assert frame["Age"].between(18, 70).all()
    assert frame["Annual Income (k$)"].ge(0).all()
    assert frame["Spending Score (1-100)"].between(1, 100).all()
    for column in COURSE_HEADER[2:]:
        assert frame[column].dtype == np.int64
    assert frame["Annual Income (k$)"].is_monotonic_increasing  # sorted by income, like the course


def test_ids_widen_beyond_four_digits() -> None:
    ids = generate_mall_like(12_345, seed=0)["CustomerID"]
    assert ids.iloc[0] == "00001" and ids.iloc[-1] == "12345"


def test_group_sizes_follow_the_course() -> None:
    assert group_sizes(200).tolist() == list(GROUP_WEIGHTS)
    assert group_sizes(400).tolist() == [2 * w for w in GROUP_WEIGHTS]
    for n in (1, 2, 7, 199, 1001):
        sizes = group_sizes(n)
        assert sizes.sum() == n and (sizes >= 0).all()
        assert np.abs(sizes - n * np.array(GROUP_WEIGHTS) / 200).max() < 1


def test_group_labels_match_the_sizes() -> None:
    columns = generate_columns(1000, seed=2)
    assert np.bincount(columns.group, minlength=5).tolist() == group_sizes(1000).tolist()


def test_deterministic() -> None:
    assert mall_like_csv_bytes(300, seed=5) == mall_like_csv_bytes(300, seed=5)
    assert mall_like_csv_bytes(300, seed=5) != mall_like_csv_bytes(300, seed=6)
    assert generate_mall_like(50, 1).equals(generate_mall_like(50, 1))


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (9, 3), (200, 0), (10_000, 11), (12_345, 2)])
def test_fast_csv_writer_matches_pandas(n: int, seed: int) -> None:
    expected = generate_mall_like(n, seed).to_csv(index=False, lineterminator="\n").encode()
    assert mall_like_csv_bytes(n, seed) == expected


@pytest.mark.parametrize(("n", "tolerance"), [(200, 5.0), (5000, 2.0)])
def test_kmeans_finds_the_five_groups(n: int, tolerance: float) -> None:
    from scipy.optimize import linear_sum_assignment
    from sklearn.cluster import KMeans

    frame = generate_mall_like(n, seed=0)
    X = frame[["Annual Income (k$)", "Spending Score (1-100)"]].to_numpy(float)
    centers = KMeans(5, n_init=10, random_state=42).fit(X).cluster_centers_
    groups = np.asarray(GROUP_CENTERS)
    distance = np.abs(groups[:, None, :] - centers[None, :, :]).max(axis=2)
    rows, cols = linear_sum_assignment(distance)
    assert distance[rows, cols].max() < tolerance


@pytest.mark.parametrize(("n", "seed"), [(0, 0), (-3, 0), (2.5, 0), (10, -1), (10, 1.5)])
def test_bad_size_or_seed(n: object, seed: object) -> None:
    with pytest.raises(InputError, match="should be an integer"):
        generate_mall_like(n, seed)  # type: ignore[arg-type]


def test_shipped_sample_equals_a_fresh_generation(mall_like_csv: Path) -> None:
    assert mall_like_csv.read_bytes() == mall_like_csv_bytes(200, seed=0), (
        "data/mall_like_200.csv is stale: regenerate it with "
        "`python -m pyseg synth --n 200 --seed 0 --output data/mall_like_200.csv`"
    )


# --- write_csv_atomic --------------------------------------------------------------------------


def test_write_bytes_and_frames(tmp_path: Path) -> None:
    data = mall_like_csv_bytes(20, 1)
    target = tmp_path / "out.csv"
    assert write_csv_atomic(data, target) == hashlib.sha256(data).hexdigest()
    assert target.read_bytes() == data
    write_csv_atomic(generate_mall_like(20, 1), target)  # overwrite, from a frame
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_new_file_permissions_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_csv_atomic(b"a\n1\n", tmp_path / "out.csv")
    finally:
        os.umask(previous)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_failure_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old content\n")

    def fail(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match=r"cannot write .*out\.csv: No space left on device"):
        write_csv_atomic(mall_like_csv_bytes(50), target)
    assert target.read_bytes() == b"old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_into_a_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.csv"
    with pytest.raises(InputError, match=r"directory .*nope does not exist"):
        write_csv_atomic(b"x\n", target)


def test_write_onto_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a directory"):
        write_csv_atomic(b"x\n", tmp_path)


# --- pyseg synth -------------------------------------------------------------------------------


def test_cli_writes_the_canonical_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "customers.csv"
    assert main(["synth", "--n", "321", "--seed", "9", "--output", str(target)]) == 0
    data = target.read_bytes()
    assert data == mall_like_csv_bytes(321, 9)
    digest = hashlib.sha256(data).hexdigest()
    assert capsys.readouterr().out == f"wrote 321 rows to {target} (sha256 {digest})\n"
    dataset = load_dataset(target)
    assert dataset.sha256 == digest and dataset.n_rows == 321 and dataset.is_course_schema


def test_cli_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--output", str(tmp_path / "missing" / "x.csv")]) == 2
    assert capsys.readouterr().err.startswith("pyseg: error: cannot write ")


@pytest.mark.parametrize("arguments", [["--n", "0"], ["--seed", "-1"], ["--n", "ten"]])
def test_cli_bad_numbers(tmp_path: Path, arguments: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["synth", *arguments, "--output", str(tmp_path / "x.csv")])
    assert exited.value.code == 2
    assert not (tmp_path / "x.csv").exists()


def test_a_million_rows_generate_and_write_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    write_csv_atomic(mall_like_csv_bytes(1_000_000, seed=0), tmp_path / "million.csv")
    elapsed = time.perf_counter() - started
    # ~0.5 s on a 2-core box (pandas to_csv alone needs ~1.1 s); 10M rows take ~5 s.
    assert elapsed < 3.0, f"generating and writing 1M rows took {elapsed:.2f} s"


def test_output_dash_is_standard_output(run_pyseg, tmp_path: Path) -> None:
    done = run_pyseg("synth", "--n", "20", "--seed", "3", "--output", "-", cwd=tmp_path,
                     text=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == mall_like_csv_bytes(20, 3)
    assert list(tmp_path.iterdir()) == []  # no file named "-"
