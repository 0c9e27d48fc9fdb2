"""pyseg stability (issue 12): seed sweeps and bootstrap Jaccards in Python and R.

fpc::clusterboot runs by Rscript without pyseg (tests/reference/direct_clusterboot.R) where it
defines the expected numbers.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest


def test_bootstrap_rows_are_the_distinct_rows_in_order_of_first_appearance() -> None:
    from pyseg._stability import bootstrap_rows

    rows = bootstrap_rows(50, 3, np.random.default_rng(5))
    draws = np.random.default_rng(5)
    for got in rows:
        draw = draws.integers(0, 50, size=50)
        expected = list(dict.fromkeys(draw.tolist()))  # clusterboot's unique(): first occurrence
        assert got.tolist() == expected


def test_max_jaccard_is_clujaccard_maximum() -> None:
    from pyseg.engines._stability_python import max_jaccard

    original = np.array([0, 0, 0, 1, 1, 2])
    found = np.array([5, 5, 1, 1, 1, 1])
    # segment 0 {0,1,2}: vs {0,1} 2/3, vs {2,3,4,5} 1/6; segment 1 {3,4}: vs {2..5} 2/4;
    # segment 2 {5}: 1/4
    np.testing.assert_allclose(max_jaccard(original, found, 3), [2 / 3, 0.5, 0.25])
    # a segment with no rows in the resample: 0/0 counts as 0 (zerobyzero = 0)
    np.testing.assert_allclose(max_jaccard(np.array([0, 0]), np.array([0, 1]), 2), [0.5, 0.0])


def test_interpretation_follows_clusterboot_guidelines() -> None:
    from pyseg._stability import interpret_jaccard

    assert "not be trusted" in interpret_jaccard(0.59)
    assert "doubtful" in interpret_jaccard(0.6)
    assert interpret_jaccard(0.75).startswith("stable")
    assert interpret_jaccard(0.85) == "highly stable"


@pytest.mark.r
def test_python_and_r_jaccards_equal_on_shared_draws(mall_like_dataset) -> None:
    from pyseg._stability import bootstrap_stability

    result = bootstrap_stability(mall_like_dataset, k=4, B=6, seed=2, starts=3,
                                 clusterboot=False)
    assert result.same_original
    np.testing.assert_allclose(result.python_jaccard, result.r_jaccard, rtol=0, atol=1e-12)
    assert result.python_jaccard.shape == (4, 6)


@pytest.mark.r
def test_hierarchical_jaccards_equal_where_merge_heights_do_not_tie() -> None:
    """On data without tied distances (continuous values) scipy and hclust build the same trees;
    with tied merge heights (integer data with repeated points) they may break ties differently."""
    from pyseg._stability import bootstrap_rows
    from pyseg.engines import PythonResampleEngine, RResampleEngine
    from pyseg.engines._stability_python import resampler

    rng = np.random.default_rng(4)
    X = np.concatenate([rng.normal(c, 1.0, size=(40, 2)) for c in (0, 5, 10)])
    rows = bootstrap_rows(X.shape[0], 5, rng)
    fit = resampler("hierarchical")
    r_original, r_jaccard, _ = RResampleEngine().bootstrap_jaccard(X, 3, rows, fit)
    python_engine = PythonResampleEngine()
    original = python_engine.fit_partition(X, 3, fit)
    assert np.array_equal(original, r_original)  # both number clusters as cutree does
    python_jaccard = python_engine.bootstrap_jaccard(X, 3, original, rows, fit)
    np.testing.assert_allclose(python_jaccard, r_jaccard, rtol=0, atol=1e-12)


@pytest.mark.r
def test_workers_do_not_change_the_result(mall_like_dataset) -> None:
    from pyseg._stability import bootstrap_stability

    one = bootstrap_stability(mall_like_dataset, k=3, B=4, seed=9, starts=2, clusterboot=False,
                              workers=1)
    two = bootstrap_stability(mall_like_dataset, k=3, B=4, seed=9, starts=2, clusterboot=False,
                              workers=2)
    assert one.to_dict() == two.to_dict()


@pytest.mark.r
@pytest.mark.slow
def test_clusterboot_numbers_are_fpc_clusterboot_run_directly(course_csv, course_dataset,
                                                             rscript, repo) -> None:
    from pyseg._stability import bootstrap_stability

    out = subprocess.run([rscript, str(repo / "tests" / "reference" / "direct_clusterboot.R"),
                          str(course_csv), "5", "30", "4", "10"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    bootmean = [float(v) for v in out[1].split()]
    result = bootstrap_stability(course_dataset, k=5, B=30, seed=4, starts=10)
    np.testing.assert_allclose(result.clusterboot["bootmean"], bootmean, rtol=1e-12)
    # pyseg's means (its own draws) agree with clusterboot's within their standard errors
    check = result.cross_check()
    assert sum(row["within_2se"] for row in check) >= 3, check
    assert min(result.python_jaccard.mean(axis=1)) > 0.85


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize(("starts", "same"), [(1, 42), (10, 100)])
def test_course_seed_sweep_reproduces_the_hand_measured_counts(run_cli, capsys, course_csv,
                                                               starts, same) -> None:
    code, out, err = run_cli(capsys, "stability", "--data", str(course_csv), "--seeds", "100",
                             "--starts", str(starts), "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["same_partition"] == same
    assert len(document["seeds"]) == 100
    assert document["seeds"][0].keys() >= {"seed", "python_wcss", "r_wcss", "identical"}
    assert document["optima"][0]["wcss"] == pytest.approx(44448.455447933702, rel=1e-12)


@pytest.mark.r
def test_bootstrap_json_keys_and_determinism(run_pyseg, mall_like_csv) -> None:
    args = ("stability", "--data", str(mall_like_csv), "--bootstrap", "3", "--k", "3",
            "--starts", "2", "--json")
    first, second = run_pyseg(*args), run_pyseg(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    assert len(document["segments"]) == 3
    for side in ("python", "r", "clusterboot"):
        assert len(document[side]["jaccard"]) == 3


@pytest.mark.parametrize(("args", "fragment"), [
    (("--bootstrap", "1"), "--bootstrap 1 should be >= 2"),
    (("--seeds", "0"), "--seeds 0 should be >= 1"),
    (("--bootstrap", "5", "--k", "1"), "k = 1 should be >= 2"),
    (("--bootstrap", "5", "--k", "194"), "is not below the 194 distinct points"),
    (("--seeds", "3", "--method", "hierarchical"), "has none"),
])
def test_stability_bad_input_is_one_line_exit_2(run_cli, capsys, mall_like_csv, args,
                                                fragment) -> None:
    code, out, err = run_cli(capsys, "stability", "--data", str(mall_like_csv), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pyseg: error: ") and fragment in err, err


@pytest.mark.r
def test_seed_report_has_the_wcss_per_seed_chart(run_cli, capsys, mall_like_csv,
                                                 tmp_path) -> None:
    outdir = tmp_path / "report"
    code, _, err = run_cli(capsys, "stability", "--data", str(mall_like_csv), "--seeds", "3",
                           "--starts", "1", "--report", str(outdir))
    assert code == 0, err
    assert (outdir / "wcss_per_seed.png").stat().st_size > 1000
    assert "Local optima seen" in (outdir / "report.html").read_text(encoding="utf-8")


def _bootstrap_with_check(shift: float, B: int):
    """A bootstrap result (k = 3) whose clusterboot means equal pyseg's, segment 0 lowered by
    ``shift``."""
    from pyseg._stability import BootstrapStability

    ours = np.clip(np.random.default_rng(0).normal(0.9, 0.05, (3, B)), 0.0, 1.0)
    theirs = ours.copy()
    theirs[0] -= shift
    return BootstrapStability(
        method="kmeans", linkage="ward", k=3, B=B, seed=1, starts=10, segments=("a", "b", "c"),
        sizes=(1, 1, 1), python_jaccard=ours, r_jaccard=ours, same_original=True,
        clusterboot={"bootresult": theirs, "bootmean": theirs.mean(axis=1), "agreement": 1.0,
                     "call": "fpc::clusterboot(...)"})


def test_clusterboot_check_says_in_plain_words_what_it_compares() -> None:
    """Issue 22, defect 15: "3 of 5 within 2 standard errors" at B = 20 said nothing of what is
    compared or why a few outside is expected."""
    outside = " ".join(_bootstrap_with_check(0.5, 20).summary())
    assert "2 of 3 within 2 standard errors of pyseg's mean for the segment." in outside
    assert ("clusterboot and pyseg estimate the same stability from different random resamples, "
            "so their means differ by chance") in outside
    assert "about 1 segment in 20 falls outside 2 standard errors by chance alone" in outside
    assert "more at a small B such as B = 20, whose standard errors are themselves rough" in outside
    assert "a larger --bootstrap tells chance from a real difference" in outside
    assert "such as B =" not in " ".join(_bootstrap_with_check(0.5, 200).summary())
    inside = " ".join(_bootstrap_with_check(0.0, 20).summary())
    assert ("each within 2 standard errors of pyseg's mean for the segment, as two estimates of "
            "the same stability from different resamples should be") in inside
