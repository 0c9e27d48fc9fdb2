"""pyseg gap (issue 12): the gap statistic in Python and R on shared references, clusGap's own.

Independent numbers come from cluster::clusGap and cluster::maxSE run by Rscript without pyseg
(tests/reference/direct_clusgap.R, direct_maxse.R).
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

RULES = ("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")


def _r_max_se(rscript: str, repo, f: np.ndarray, se: np.ndarray) -> list[int]:
    out = subprocess.run(
        [rscript, str(repo / "tests" / "reference" / "direct_maxse.R"),
         ",".join(repr(float(v)) for v in f), ",".join(repr(float(v)) for v in se)],
        capture_output=True, text=True, check=True).stdout
    return [int(float(v)) for v in out.split()]


def test_max_se_port_gives_cluster_maxse_k_for_every_rule(rscript, repo) -> None:
    from pyseg._gap import max_se

    rng = np.random.default_rng(12)
    cases = [(np.array([0.36, 0.26, 0.34, 0.34, 0.46, 0.43, 0.43, 0.47, 0.47, 0.47]),
              np.full(10, 0.02)),
             (np.array([0.1, 0.2, 0.3, 0.29, 0.5]), np.array([0.01, 0.01, 0.2, 0.01, 0.01])),
             (np.array([0.5, 0.4, 0.3]), np.zeros(3)),
             (np.array([0.1, 0.2, 0.3, 0.4]), np.full(4, 0.05))]
    cases += [(rng.normal(size=8).cumsum(), rng.uniform(0, 0.8, 8)) for _ in range(6)]
    for f, se in cases:
        assert [max_se(f, se, rule) for rule in RULES] == _r_max_se(rscript, repo, f, se), f


def test_reference_sets_lie_in_the_box_clusgap_draws_from() -> None:
    from pyseg._gap import reference_sets

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) @ np.array([[3.0, 1.0], [0.0, 0.5]]) + 10
    original = reference_sets(X, 5, "original", np.random.default_rng(1))
    assert original.shape == (5, 300, 2)
    assert (original >= X.min(axis=0)).all() and (original <= X.max(axis=0)).all()
    rotated = reference_sets(X, 5, "scaledPCA", np.random.default_rng(1))
    centred = X - X.mean(axis=0)
    V = np.linalg.svd(centred, full_matrices=False)[2].T
    inside = (rotated - X.mean(axis=0)) @ V
    span = centred @ V
    assert (inside >= span.min(axis=0) - 1e-9).all() and (inside <= span.max(axis=0) + 1e-9).all()
    # the PCA box is not the original one: some references leave the original box
    assert not ((rotated >= X.min(axis=0)) & (rotated <= X.max(axis=0))).all()
    same = reference_sets(X, 5, "scaledPCA", np.random.default_rng(1))
    assert np.array_equal(rotated, same)


@pytest.mark.r
def test_python_and_r_gap_agree_on_shared_references(mall_like_dataset) -> None:
    from pyseg._gap import gap_statistic

    for reference, d_power in (("scaledPCA", 1), ("original", 2)):
        result = gap_statistic(mall_like_dataset, k_max=5, B=5, seed=3, starts=3,
                               reference=reference, d_power=d_power, clusgap=False)
        np.testing.assert_allclose(result.python.gap, result.r.gap, rtol=0, atol=1e-9)
        np.testing.assert_allclose(result.python.se, result.r.se, rtol=0, atol=1e-9)
        assert result.r_maxse_on_python == {rule: k for rule, k in
                                            result.to_dict()["python"]["rules"].items()}


@pytest.mark.r
def test_hierarchical_gap_agrees_in_both_languages(mall_like_dataset) -> None:
    from pyseg._gap import gap_statistic

    result = gap_statistic(mall_like_dataset, k_max=4, B=4, seed=2, method="hierarchical",
                           clusgap=False)
    np.testing.assert_allclose(result.python.gap, result.r.gap, rtol=0, atol=1e-9)


@pytest.mark.r
@pytest.mark.slow
def test_data_log_w_and_clusgap_rules_match_cluster_clusgap_run_directly(
        course_csv, course_dataset, rscript, repo) -> None:
    """clusGap's logW of the data is pyseg's (same definition of W_k, same optima with 10
    starts); clusGap's own rules as pyseg reports them are those of clusGap run by Rscript."""
    from pyseg._gap import gap_statistic

    out = subprocess.run([rscript, str(repo / "tests" / "reference" / "direct_clusgap.R"),
                          str(course_csv), "6", "10", "7", "10", "1", "scaledPCA"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    table = np.array([[float(v) for v in line.split()[1:]] for line in out[:6]])
    rules = [int(float(v)) for v in out[6].split()]
    result = gap_statistic(course_dataset, k_max=6, B=10, seed=7, starts=10)
    # k = 1..5: both reach the same partitions, so the same W_k (the definition is clusGap's);
    # at k = 6 pyseg's k-means++ Lloyd starts and R's Hartigan-Wong starts stop in different optima
    np.testing.assert_allclose(result.python.logw[:5], table[:5, 0], rtol=1e-12)
    np.testing.assert_allclose(result.clusgap["gap"], table[:, 2], rtol=1e-12)
    assert list(result.clusgap["rules"].values()) == rules


@pytest.mark.r
def test_gap_json_has_the_issue_keys_and_is_deterministic(run_pyseg, mall_like_csv) -> None:
    args = ("gap", "--data", str(mall_like_csv), "--k-max", "3", "--B", "3", "--starts", "2",
            "--json")
    first, second = run_pyseg(*args), run_pyseg(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    assert document["k"] == [1, 2, 3]
    for side in ("python", "r"):
        assert len(document[side]["gap"]) == len(document[side]["se"]) == 3
    assert set(document["clusgap"]["rules"]) == set(RULES)


@pytest.mark.parametrize(("args", "fragment"), [
    (("--B", "1"), "--B 1 should be >= 2"),
    (("--k-max", "1"), "K = 1 should be >= 2"),
    (("--k-max", "194"), "is not below the 194 distinct points"),
    (("--starts", "0"), "--starts 0 should be >= 1"),
])
def test_gap_bad_input_is_one_line_exit_2(run_cli, capsys, mall_like_csv, args, fragment) -> None:
    code, out, err = run_cli(capsys, "gap", "--data", str(mall_like_csv), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pyseg: error: ") and fragment in err, err


@pytest.mark.r
def test_gap_report_shows_gap_and_elbow_on_one_page(run_cli, capsys, mall_like_csv,
                                                    tmp_path) -> None:
    outdir = tmp_path / "report"
    code, _, err = run_cli(capsys, "gap", "--data", str(mall_like_csv), "--k-max", "3", "--B",
                           "3", "--starts", "2", "--report", str(outdir))
    assert code == 0, err
    html = (outdir / "report.html").read_text(encoding="utf-8")
    assert "The gap statistic per k" in html and "The elbow" in html
    assert sorted(p.name for p in outdir.iterdir()) == ["elbow.png", "gap.png", "report.html",
                                                        "report.json"]


def _stderr_on_a_terminal(repo, pyseg_env, *args: str) -> str:
    """What ``python -m pyseg ARGS`` writes to stderr when stderr is a terminal (a pty)."""
    import fcntl
    import os
    import pty
    import struct
    import sys
    import termios
    import threading

    main, child = pty.openpty()
    # 24 rows of 100 columns: a terminal of no width shows a bar of no width
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def read() -> None:  # drained while the command runs, so that a full pty never blocks it
        while True:
            try:
                data = os.read(main, 4096)
            except OSError:  # the child end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "pyseg", *args], cwd=repo, stderr=child,
                              stdout=subprocess.DEVNULL, env=pyseg_env(LD_LIBRARY_PATH=None),
                              timeout=300)
    finally:
        os.close(child)
        reader.join(timeout=10)
        os.close(main)
    assert done.returncode == 0, b"".join(chunks)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.r
@pytest.mark.slow
def test_a_terminal_shows_a_bar_per_language_and_json_none(repo, pyseg_env,
                                                           mall_like_csv) -> None:
    args = ("gap", "--data", str(mall_like_csv), "--k-max", "3", "--B", "4", "--starts", "2")
    shown = _stderr_on_a_terminal(repo, pyseg_env, *args)
    assert "Python gap: B=4" in shown and "R      gap: B=4" in shown, shown
    assert _stderr_on_a_terminal(repo, pyseg_env, *args, "--json") == ""


@pytest.mark.r
def test_r_best_lloyd_is_kmeans_from_each_start(rscript, repo, tmp_path) -> None:
    """R's side of the K-Means gap and bootstrap (``best_lloyd``, which calls kmeans()'s Lloyd
    routine without kmeans()'s wrapping) against kmeans() itself run by Rscript: the same
    clusters, the same WCSS to the last bit and the same refused starts, including starts with
    repeated centers (refused), a center no point is near (an empty cluster, only a warning in
    kmeans()) and an iteration limit hit."""
    from pyseg._errors import REvaluationError
    from pyseg.r import _bridge

    rng = np.random.default_rng(21)
    X = np.round(rng.normal(size=(80, 2)) * [15, 25] + [60, 50])
    X[40:44] = X[0]  # repeated rows, so that drawn starts can repeat a center
    jobs = []
    for job in range(24):
        k, S = 2 + job % 7, 1 + job % 4
        starts = X[rng.integers(0, 80, size=(S, k))].astype(np.float64)
        if job % 6 == 1:
            starts[0, 1] = starts[0, 0]  # not distinct: kmeans() stops
        if job % 6 == 2:
            starts[-1, -1] = [1e6, 1e6]  # an empty cluster
        jobs.append((k, S, 2 if job % 5 == 3 else 1000, starts))
    data = [80.0, 2.0, *X.ravel(order="F").tolist()]
    (tmp_path / "data.txt").write_text(" ".join(map(repr, data)))
    words = [len(jobs)]
    for k, S, iter_max, starts in jobs:
        words += [k, S, iter_max, *starts.ravel(order="F").tolist()]
    (tmp_path / "starts.txt").write_text(" ".join(map(repr, map(float, words))))
    out = subprocess.run([rscript, str(repo / "tests" / "reference" / "direct_lloyd_starts.R"),
                          str(tmp_path / "data.txt"), str(tmp_path / "starts.txt")],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    refused = 0
    for (k, S, iter_max, starts), line in zip(jobs, out, strict=True):
        failed, wcss, *clusters = line.split()
        if wcss == "none":
            with pytest.raises(REvaluationError, match="every start"):
                _bridge.r_call("resample_shared.R", "best_lloyd", X, np.asfortranarray(starts),
                               iter_max=iter_max)
            continue
        value, _ = _bridge.r_call("resample_shared.R", "best_lloyd", X, np.asfortranarray(starts),
                                  iter_max=iter_max)
        assert int(value["failed"][0]) == int(failed), (k, S)
        assert float(value["wcss"][0]) == float(wcss), (k, S)
        assert [int(c) for c in value["cluster"]] == [int(c) for c in clusters], (k, S)
        refused += int(failed)
    assert refused >= 3  # the refused starts were exercised
