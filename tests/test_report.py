"""``compare --report DIR`` / ``elbow --report DIR``: deterministic JSON, self-contained HTML,
atomic writes, segment profiles and provenance.

The report of the course file is checked for the course's elbow difference at k = 5; determinism
and the embedded figures on ``data/mall_like_200.csv``.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest

from pyseg import _report
from pyseg._data import load_dataset
from pyseg._errors import InputError
from pyseg._pipeline import compare_report
from pyseg._segments import segment_profile
from pyseg._synth import mall_like_csv_bytes
from pyseg.cli import main
from pyseg.engines import SklearnEngine
from pyseg.methods.kmeans._compare import compare

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _compare_report(run_pyseg, data: Path, outdir: Path, runs: int) -> list[str]:
    """Run ``compare --data DATA --report OUTDIR`` ``runs`` times; the report.json texts."""
    texts = []
    for _ in range(runs):
        # a real process, so that the recorded command line is the real one
        result = run_pyseg("compare", "--data", str(data), "--report", str(outdir))
        assert result.returncode == 0, result.stderr
        texts.append((outdir / "report.json").read_text())
    return texts


@pytest.fixture(scope="module")
def report_twice(mall_like_csv: Path, tmp_path_factory: pytest.TempPathFactory, run_pyseg):
    """The same ``compare --report DIR`` run twice; returns DIR and both report.json texts."""
    outdir = tmp_path_factory.mktemp("reports") / "report"
    return outdir, _compare_report(run_pyseg, mall_like_csv, outdir, runs=2)


@pytest.fixture(scope="module")
def course_report(course_csv: Path, tmp_path_factory: pytest.TempPathFactory, run_pyseg):
    """``compare --report DIR`` on the course file; returns DIR and the report.json text."""
    outdir = tmp_path_factory.mktemp("reports") / "course-report"
    (text,) = _compare_report(run_pyseg, course_csv, outdir, runs=1)
    return outdir, text


@pytest.mark.r
@pytest.mark.slow
def test_two_runs_differ_only_in_generated_at(report_twice):
    _, texts = report_twice
    first, second = (json.loads(text) for text in texts)
    assert first["generated_at"] != "" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                                                         first["generated_at"])
    first.pop("generated_at")
    second.pop("generated_at")
    assert first == second
    assert texts[0].count('"generated_at"') == 1  # a single timestamp field
    # byte-identical apart from that line
    strip = re.compile(r'^  "generated_at": .*\n', re.MULTILINE)
    assert strip.sub("", texts[0]) == strip.sub("", texts[1])


@pytest.mark.r
@pytest.mark.slow
def test_report_html_embeds_every_figure(report_twice):
    outdir, _ = report_twice
    record = json.loads((outdir / "report.json").read_text())
    html = (outdir / "report.html").read_text()
    files = [figure["file"] for figure in record["figures"]]
    assert set(files) == {"elbow.png", "clusters.png", "confusion.png", "r_clusplot.png"}
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(embedded) == len(files)
    for name, data in zip(files, embedded, strict=True):
        assert base64.b64decode(data) == (outdir / name).read_bytes()
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network
    assert record["notes"] == []


@pytest.mark.r
@pytest.mark.slow
def test_report_has_profiles_elbow_flags_and_provenance(course_report):
    outdir, text = course_report
    record = json.loads(text)
    python_segments = record["segments"]["python"]
    assert sum(s["size"] for s in python_segments) == 200
    assert {s["name"] for s in python_segments} == {
        "Careful", "Standard", "Target", "Careless", "Sensible"}
    assert all(set(s["gender_shares"]) == {"Female", "Male"} for s in python_segments)
    assert 5 in record["elbow"]["differing_k"]
    provenance = record["provenance"]
    assert provenance["data_sha256"] == record["data"]["sha256"]
    assert provenance["data_rows"] == 200
    assert provenance["command_line"].startswith("pyseg compare --data")
    for key in ("python", "numpy", "scipy", "scikit_learn", "pandas", "matplotlib", "rpy2", "r",
                "blas"):
        assert provenance["versions"][key], key
    assert provenance["r_session_info"][0].startswith("R version")
    html = (outdir / "report.html").read_text()
    assert "sessionInfo()" in html and "Careless" in html


def test_segment_profile_matches_pandas(tmp_path):
    path = tmp_path / "mall.csv"
    path.write_bytes(mall_like_csv_bytes(n=90, seed=2))
    dataset = load_dataset(path)
    labels = (dataset.X[:, 0] > np.median(dataset.X[:, 0])).astype(np.int64)
    profile = segment_profile(dataset, labels, ["Low", "High"])
    # numbered from 0, as the CLI, predict, their JSON and the figures number segments
    assert [(row["segment"], row["name"]) for row in profile] == [(0, "Low"), (1, "High")]
    frame = dataset.frame.assign(segment=labels)
    for row in profile:
        members = frame[frame.segment == row["segment"]]
        assert row["size"] == len(members)
        assert row["mean_age"] == pytest.approx(members["Age"].mean())
        income = dataset.feature_names[0]
        assert row["means"][income] == pytest.approx(members[income].mean())
        shares = members["Genre"].value_counts(normalize=True).to_dict()
        assert row["gender_shares"] == pytest.approx(shares)


def test_html_is_autoescaped():
    record = {"title": "<script>alert(1)</script>", "generated_at": "t",
              "data": {"source": "a<b>.csv", "n_rows": 1, "features": ["x"], "sha256": "0",
                       "notice": None},
              "comparison": None, "notes": [], "segments": None, "elbow": None,
              "recorded_r_results": None,
              "provenance": {"command_line": "pyseg", "data_sha256": "0", "data_rows": 1,
                             "versions": {}, "r_components": None, "r_session_info": None}}
    html = _report._render_html(record, [])
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "a&lt;b&gt;.csv" in html


def test_failed_write_leaves_no_half_report(tmp_path, monkeypatch):
    outdir = tmp_path / "report"
    calls = []

    def fail_after_first_file(self, content):
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return len(content)

    monkeypatch.setattr(Path, "write_bytes", fail_after_first_file)
    with pytest.raises(InputError, match="No space left"):
        _report._write_atomically(outdir, {"report.json": b"{}", "report.html": b"<p>"})
    monkeypatch.undo()
    assert not outdir.exists()
    assert list(tmp_path.iterdir()) == []  # no staging directory left behind


def test_rewrite_replaces_an_earlier_report_but_never_foreign_files(tmp_path):
    outdir = tmp_path / "report"
    _report._write_atomically(outdir, {"report.json": b"1", "old.png": b"x"})
    _report._write_atomically(outdir, {"report.json": b"2"})
    assert sorted(p.name for p in outdir.iterdir()) == ["report.json"]
    assert (outdir / "report.json").read_bytes() == b"2"
    (outdir / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"notes\.txt"):
        _report._write_atomically(outdir, {"report.json": b"3"})
    assert (outdir / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.r
def test_elbow_report(tmp_path):
    data = tmp_path / "mall.csv"
    data.write_bytes(mall_like_csv_bytes(n=100, seed=5))
    outdir = tmp_path / "elbow-report"
    assert main(["elbow", "--data", str(data), "--k-max", "6", "--report", str(outdir)]) == 0
    assert sorted(p.name for p in outdir.iterdir()) == ["elbow.png", "report.html",
                                                        "report.json"]
    record = json.loads((outdir / "report.json").read_text())
    assert record["kind"] == "elbow" and len(record["elbow"]["rows"]) == 6


class _DrawingEngine(SklearnEngine):
    """scikit-learn standing in for R, with a clusplot that records what it was asked to draw."""

    def __init__(self) -> None:
        self.clusplots: list[dict] = []

    def check_ready(self, silhouette: bool = False) -> None:
        return None

    def clusplot_png(self, X, labels, title="", width=900, height=700, key=()) -> bytes:
        self.clusplots.append({"labels": np.asarray(labels), "title": title, "key": tuple(key)})
        return PNG_SIGNATURE

    def provenance(self) -> dict:
        return {}


def _report_of(dataset, outdir: Path, k: int = 3):
    """compare + compare_report + write_compare_report, R's side drawn by ``_DrawingEngine``."""
    engine = _DrawingEngine()
    comparison = compare(dataset, k, r_engine=engine)
    report = compare_report(comparison, dataset, engine, ["pyseg", "compare"])
    _report.write_compare_report(report, outdir)
    return comparison, engine.clusplots, json.loads((outdir / "report.json").read_text())


def test_report_numbers_segments_from_0_in_tables_figures_and_r_clusplot(mall_like_dataset,
                                                                        tmp_path):
    comparison, (clusplot,), record = _report_of(mall_like_dataset, tmp_path / "report")
    names = comparison.segment_names()
    assert [row["segment"] for row in record["segments"]["python"]] == [0, 1, 2]
    assert [row["segment"] for row in record["segments"]["r"]] == [0, 1, 2]
    html = (tmp_path / "report" / "report.html").read_text()
    first_row = re.search(r"<tr><td>(\d+)</td><td class=\"text\">([^<]+)</td>", html)
    assert first_row.groups() == ("0", names[0])
    # R draws pyseg's 0-based labels on its ellipses and a key naming each number
    assert set(clusplot["labels"]) == {0, 1, 2}
    assert np.array_equal(clusplot["labels"], comparison.r.labels)
    assert clusplot["key"] == tuple(f"{i} {name}" for i, name in enumerate(names))
    assert clusplot["title"] == "Clusters of customers"


def test_cluster_titles_claim_customers_only_for_the_course_schema(tmp_path):
    rng = np.random.default_rng(3)
    eruptions = np.r_[rng.normal(2.0, 0.3, 60), rng.normal(4.3, 0.4, 60)]
    waiting = np.r_[rng.normal(54, 5, 60), rng.normal(80, 5, 60)]
    data = tmp_path / "faithful.csv"
    data.write_text("eruptions,waiting\n" + "".join(
        f"{e:.3f},{w:.0f}\n" for e, w in zip(eruptions, waiting, strict=True)))
    dataset = load_dataset(data, "eruptions,waiting")
    assert not dataset.is_course_schema
    _, (clusplot,), record = _report_of(dataset, tmp_path / "report", k=2)
    titles = [figure["title"] for figure in record["figures"]]
    assert "Clusters by eruptions and waiting, Python and R" in titles
    assert not any("customer" in title for title in titles)
    assert clusplot["title"] == "Clusters by eruptions and waiting"


def _report_line(outdir: Path) -> str:
    return f"report written to {outdir / 'report.html'} (report.json and the figures beside it)"


@pytest.mark.parametrize("command", ["compare", "elbow"])
def test_report_says_where_it_went(command, course_csv, repo, run_cli, capsys, tmp_path):
    recorded = repo / "r_reference" / "results" / "course.json"
    outdir = tmp_path / "text-report"
    args = [command, "--data", str(course_csv), "--r-results", str(recorded)]
    code, out, err = run_cli(capsys, *args, "--report", str(outdir))
    assert code == 0 and (outdir / "report.html").is_file()
    assert out.splitlines()[-1] == _report_line(outdir) and "report" not in err
    # with --json: stdout stays one JSON document, the line goes to stderr
    outdir = tmp_path / "json-report"
    code, out, err = run_cli(capsys, *args, "--report", str(outdir), "--json")
    assert code == 0 and isinstance(json.loads(out), dict)
    assert err.splitlines()[-1] == f"pyseg: {_report_line(outdir)}"
