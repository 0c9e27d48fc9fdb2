"""Golden outputs: every command's text, ``--json``, exit code, error line and report files, as
main produced them before the method contract (issue 18), byte for byte but for timestamps and
version strings.

The goldens live in ``tests/golden/<data>/<case>.txt`` (one file per command: the command line,
the exit code, stdout, stderr, and the SHA-256 of every file the command wrote, after the
normalisation below). They were taken by running this file as a script on main at 986d24c,
before any of the restructuring (the ``check_*`` cases, for ``pyseg check``, which came later,
at the end of issue 18's last round of restructuring, after their output had been compared with
a snapshot taken before that round)::

    .venv/bin/python tests/test_golden.py --write

and the test runs the same commands again and compares. A difference is a change of behaviour:
either a bug of the change, or (if meant) new goldens written by the command above in the same
commit, with the reason in its message.

Normalised, because they do not depend on pyseg: UTC timestamps, the installed versions of
Python, R, rpy2, the numerical stack and the BLAS, and the ``Software`` text chunk matplotlib
writes into each PNG. Nothing else: labels, numbers, wording, order and exit codes are compared
as they are.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
#: Where the commands write reports and recordings (ignored by git), relative to the repo so that
#: the paths the commands print are the same in every checkout.
OUT = Path("tests") / "artifacts" / "golden"
COURSE = "../shared/data/Mall_Customers.csv"
MALL_LIKE = "data/mall_like_200.csv"
DATASETS = {"course": COURSE, "mall_like": MALL_LIKE}

INCOME_SCORE = ("--income", "60", "--score", "50")

#: case name -> the command's arguments after ``python -m pyseg``; {data} is the data file, {out}
#: a fresh folder for what the command writes.
CASES: dict[str, tuple[str, ...]] = {
    # compare: the classic course route and every method, both modes, features and scaling
    "compare": ("compare", "--data", "{data}"),
    "compare_json": ("compare", "--data", "{data}", "--json"),
    "compare_exact_json": ("compare", "--data", "{data}", "--mode", "exact", "--json"),
    "compare_k4_starts": ("compare", "--data", "{data}", "--k", "4", "--starts", "3",
                          "--py-seed", "1", "--r-seed", "2"),
    "compare_kmeans_columns": ("compare", "--data", "{data}", "--columns",
                               "income,score,age", "--scale", "z"),
    "compare_kmeans_columns_json": ("compare", "--data", "{data}", "--columns",
                                    "income,score,age", "--scale", "z", "--json"),
    "compare_hierarchical": ("compare", "--data", "{data}", "--method", "hierarchical"),
    "compare_hierarchical_json": ("compare", "--data", "{data}", "--method", "hierarchical",
                                  "--json"),
    "compare_complete_json": ("compare", "--data", "{data}", "--method", "hierarchical",
                              "--linkage", "complete", "--k", "9", "--json"),
    "compare_dbscan": ("compare", "--data", "{data}", "--method", "dbscan"),
    "compare_dbscan_json": ("compare", "--data", "{data}", "--method", "dbscan", "--eps", "8",
                            "--min-points", "4", "--json"),
    "compare_pam": ("compare", "--data", "{data}", "--method", "pam"),
    "compare_pam_gower_json": ("compare", "--data", "{data}", "--method", "pam", "--columns",
                               "income,score,age,gender", "--json"),
    "compare_gmm": ("compare", "--data", "{data}", "--method", "gmm"),
    "compare_gmm_json": ("compare", "--data", "{data}", "--method", "gmm", "--json"),
    "compare_gmm_exact_json": ("compare", "--data", "{data}", "--method", "gmm", "--mode",
                               "exact", "--covariance", "diag", "--json"),
    "compare_all": ("compare", "--data", "{data}", "--method", "all"),
    "compare_all_json": ("compare", "--data", "{data}", "--method", "all", "--json"),
    "compare_all_exact": ("compare", "--data", "{data}", "--method", "all", "--mode", "exact"),
    # reports
    "compare_report": ("compare", "--data", "{data}", "--report", "{out}"),
    "compare_columns_report": ("compare", "--data", "{data}", "--columns", "income,score,age",
                               "--report", "{out}"),
    "compare_hierarchical_report": ("compare", "--data", "{data}", "--method", "hierarchical",
                                    "--report", "{out}"),
    "compare_dbscan_report": ("compare", "--data", "{data}", "--method", "dbscan",
                              "--report", "{out}"),
    "compare_pam_report": ("compare", "--data", "{data}", "--method", "pam", "--report",
                           "{out}"),
    "compare_gmm_report": ("compare", "--data", "{data}", "--method", "gmm", "--report",
                           "{out}"),
    "compare_all_report": ("compare", "--data", "{data}", "--method", "all", "--report",
                           "{out}"),
    # choosing k
    "elbow": ("elbow", "--data", "{data}"),
    "elbow_json": ("elbow", "--data", "{data}", "--json"),
    "elbow_matched_json": ("elbow", "--data", "{data}", "--mode", "matched", "--k-max", "6",
                           "--json"),
    "elbow_report": ("elbow", "--data", "{data}", "--report", "{out}"),
    "elbow_dbscan": ("elbow", "--data", "{data}", "--method", "dbscan"),
    "elbow_dbscan_json": ("elbow", "--data", "{data}", "--method", "dbscan", "--json"),
    "elbow_dbscan_report": ("elbow", "--data", "{data}", "--method", "dbscan", "--report",
                            "{out}"),
    "elbow_gmm": ("elbow", "--data", "{data}", "--method", "gmm", "--k-max", "6"),
    "elbow_gmm_json": ("elbow", "--data", "{data}", "--method", "gmm", "--k-max", "6",
                       "--json"),
    "elbow_gmm_report": ("elbow", "--data", "{data}", "--method", "gmm", "--k-max", "5",
                         "--report", "{out}"),
    # stability and gap
    "stability_seeds": ("stability", "--data", "{data}", "--seeds", "4"),
    "stability_seeds_json": ("stability", "--data", "{data}", "--seeds", "4", "--json"),
    "stability_bootstrap_json": ("stability", "--data", "{data}", "--bootstrap", "6", "--json"),
    "stability_bootstrap": ("stability", "--data", "{data}", "--bootstrap", "6"),
    "stability_hierarchical_json": ("stability", "--data", "{data}", "--bootstrap", "5",
                                    "--method", "hierarchical", "--json"),
    "stability_pam_json": ("stability", "--data", "{data}", "--bootstrap", "4", "--method",
                           "pam", "--json"),
    "stability_gmm_json": ("stability", "--data", "{data}", "--bootstrap", "3", "--method",
                           "gmm", "--json"),
    "stability_report": ("stability", "--data", "{data}", "--bootstrap", "4", "--report",
                         "{out}"),
    "gap": ("gap", "--data", "{data}", "--B", "5", "--k-max", "5"),
    "gap_json": ("gap", "--data", "{data}", "--B", "5", "--k-max", "5", "--json"),
    "gap_hierarchical_json": ("gap", "--data", "{data}", "--B", "4", "--k-max", "4",
                              "--method", "hierarchical", "--json"),
    "gap_pam_json": ("gap", "--data", "{data}", "--B", "3", "--k-max", "4", "--method", "pam",
                     "--json"),
    "gap_gmm_json": ("gap", "--data", "{data}", "--B", "3", "--k-max", "4", "--method", "gmm",
                     "--json"),
    "gap_report": ("gap", "--data", "{data}", "--B", "4", "--k-max", "4", "--report", "{out}"),
    # predict and fit
    "fit_json": ("fit", "--data", "{data}", "--json"),
    "predict_kmeans": ("predict", "--data", "{data}", *INCOME_SCORE),
    "predict_kmeans_json": ("predict", "--data", "{data}", *INCOME_SCORE, "--json"),
    "predict_kmeans_method": ("predict", "--data", "{data}", *INCOME_SCORE, "--method",
                              "kmeans", "--scale", "z"),
    "predict_dbscan": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "dbscan"),
    "predict_dbscan_json": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "dbscan",
                            "--json"),
    "predict_pam": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "pam"),
    "predict_pam_json": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "pam",
                         "--json"),
    "predict_gmm": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "gmm"),
    "predict_gmm_json": ("predict", "--data", "{data}", *INCOME_SCORE, "--method", "gmm",
                         "--json"),
    "predict_hierarchical": ("predict", "--data", "{data}", *INCOME_SCORE, "--method",
                             "hierarchical"),
    "predict_input_json": ("predict", "--data", "{data}", "--input", "{data}", "--json"),
    # record-r and replay
    "record_kmeans": ("record-r", "--data", "{data}", "--k-max", "6", "--output",
                      "{out}/kmeans.json"),
    "replay_kmeans_json": ("compare", "--data", "{data}", "--r-results",
                           "{out:record_kmeans}/kmeans.json", "--json"),
    "replay_kmeans_elbow": ("elbow", "--data", "{data}", "--k-max", "6", "--r-results",
                            "{out:record_kmeans}/kmeans.json"),
    "record_all": ("record-r", "--data", "{data}", "--method", "all", "--k-max", "6",
                   "--output", "{out}/all.json"),
    "replay_all_json": ("compare", "--data", "{data}", "--method", "all", "--r-results",
                        "{out:record_all}/all.json", "--json"),
    "replay_all": ("compare", "--data", "{data}", "--method", "all", "--r-results",
                   "{out:record_all}/all.json"),
    "replay_all_report": ("compare", "--data", "{data}", "--method", "gmm", "--r-results",
                          "{out:record_all}/all.json", "--report", "{out}"),
    "record_gmm_z": ("record-r", "--data", "{data}", "--method", "gmm", "--columns",
                     "income,score,age", "--scale", "z", "--k", "4", "--output",
                     "{out}/gmm.json"),
    "replay_gmm_z_json": ("compare", "--data", "{data}", "--method", "gmm", "--columns",
                          "income,score,age", "--scale", "z", "--k", "4", "--r-results",
                          "{out:record_gmm_z}/gmm.json", "--json"),
    # check: a learner's answers, made by tests/reference/check_answers.py (scikit-learn and
    # pandas directly) from the same data, one per finding; {answer:FILE} is one of its files
    "check_match": ("check", "{answer:py_match.csv}", "--data", "{data}"),
    "check_centers_json": ("check", "{answer:py_centers.csv}", "--data", "{data}", "--json"),
    "check_local_optimum": ("check", "{answer:py_local_optimum.csv}", "--data", "{data}"),
    "check_scaled_json": ("check", "{answer:py_scaled.csv}", "--data", "{data}", "--json"),
    "check_other_columns": ("check", "{answer:py_other_columns.txt}", "--data", "{data}"),
    "check_other_k": ("check", "{answer:py_other_k.csv}", "--data", "{data}"),
    "check_unexplained_json": ("check", "{answer:py_unexplained.txt}", "--data", "{data}",
                               "--json"),
    # errors: one line, exit 2
    "error_bad_data": ("compare", "--data", "tests/bad_inputs/negative_income.csv"),
    "error_bad_data_method": ("compare", "--data", "tests/bad_inputs/blank_cell.csv",
                              "--method", "pam"),
    "error_k": ("compare", "--data", "{data}", "--k", "300"),
    "error_linkage": ("compare", "--data", "{data}", "--method", "hierarchical", "--linkage",
                      "median"),
    "error_covariance": ("compare", "--data", "{data}", "--method", "gmm", "--covariance",
                         "round"),
    "error_eps": ("compare", "--data", "{data}", "--method", "dbscan", "--eps", "-1"),
    "error_stability_method": ("stability", "--data", "{data}", "--bootstrap", "3",
                               "--method", "dbscan"),
    "error_gap_method": ("gap", "--data", "{data}", "--method", "dbscan"),
    "error_record_method": ("record-r", "--data", "{data}", "--method", "nope"),
}

_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")
_PNG_BASE64 = re.compile(rb"data:image/png;base64,([A-Za-z0-9+/=]+)")
_SECONDS = re.compile(rb"(\d+(?:\.\d+)?) ?s\b")


def _versions() -> list[bytes]:
    """The installed versions' strings, longest first (they are replaced by ``<version>``)."""
    code = ("import json, platform; from pyseg._provenance import versions; "
            "from pyseg.engines import REngine; v = versions(REngine()); "
            "print(json.dumps([x for x in v.values() if x]))")
    found = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                           text=True, check=True)
    import json

    values = {str(v) for v in json.loads(found.stdout)}
    values |= {line for v in list(values) for line in v.splitlines()}
    return sorted((v.encode() for v in values if len(v) >= 3), key=len, reverse=True)


def _png_without_text(data: bytes) -> bytes:
    """A PNG's chunks but its text ones (matplotlib writes its version there)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data
    out, at = [data[:8]], 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if kind not in (b"tEXt", b"iTXt", b"zTXt"):
            out.append(data[at:end])
        at = end
    return b"".join(out)


def normalise(data: bytes, versions: list[bytes]) -> bytes:
    data = _PNG_BASE64.sub(
        lambda m: b"data:image/png;sha256," + hashlib.sha256(
            _png_without_text(base64.b64decode(m.group(1)))).hexdigest().encode(), data)
    data = _png_without_text(data)
    data = _TIMESTAMP.sub(b"<time>", data)
    for version in versions:
        data = data.replace(version, b"<version>")
    return data


#: The data sets whose learners' answers this run has made (``check`` cases read them).
_ANSWERED: set[str] = set()


def answers(dataset: str) -> Path:
    """The folder of ``dataset``'s learner answers, made once per run by the reference script."""
    folder = OUT / dataset / "answers"
    if dataset not in _ANSWERED:
        shutil.rmtree(REPO / folder, ignore_errors=True)
        (REPO / folder).mkdir(parents=True)
        subprocess.run([sys.executable, "tests/reference/check_answers.py", DATASETS[dataset],
                        str(folder)], cwd=REPO, check=True, capture_output=True)
        _ANSWERED.add(dataset)
    return folder


def run_case(name: str, dataset: str, versions: list[bytes]) -> str:
    """One case's golden text."""
    out = OUT / dataset / name
    shutil.rmtree(REPO / out, ignore_errors=True)
    args = []
    for arg in CASES[name]:
        arg = arg.replace("{data}", DATASETS[dataset]).replace("{out}", str(out))
        arg = re.sub(r"\{out:(\w+)\}", lambda m: str(OUT / dataset / m.group(1)), arg)
        arg = re.sub(r"\{answer:([\w.]+)\}", lambda m: str(answers(dataset) / m.group(1)), arg)
        args.append(arg)
    if "{out}" in " ".join(CASES[name]):
        (REPO / out).mkdir(parents=True, exist_ok=True)
        if any(a == str(out) for a in args):  # a report folder: the command makes it
            (REPO / out).rmdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYSEG_")}
    env.update(COLUMNS="100", LC_ALL="C.UTF-8", PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-m", "pyseg", *args], cwd=REPO, env=env,
                          capture_output=True, timeout=900, stdin=subprocess.DEVNULL)
    parts = [f"$ pyseg {shlex.join(args)}", f"exit {done.returncode}", "--- stdout",
             normalise(done.stdout, versions).decode("utf-8", "replace"), "--- stderr",
             normalise(done.stderr, versions).decode("utf-8", "replace"), "--- files"]
    if (REPO / out).is_dir():
        for path in sorted((REPO / out).rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(normalise(path.read_bytes(), versions)).hexdigest()
                parts.append(f"{path.relative_to(REPO / out)} {digest}")
    return "\n".join(parts) + "\n"


#: (data, case) of the recordings made by this test run (the replays read those).
_RECORDED: set[tuple[str, str]] = set()


def _course_available() -> bool:
    return (REPO / COURSE).is_file()


def _ordered_cases() -> list[str]:
    """Recordings before the replays that read them."""
    return sorted(CASES, key=lambda name: not name.startswith("record_"))


def _params() -> list[tuple[str, str]]:
    return [(dataset, name) for dataset in DATASETS for name in _ordered_cases()]


@pytest.fixture(scope="module")
def golden_versions() -> list[bytes] | str:
    """The version strings, or why they could not be had (no R)."""
    try:
        return _versions()
    except subprocess.CalledProcessError as exc:
        return f"R and rpy2 are needed for the golden outputs: {exc.stderr[-300:]}"


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "name"), _params(), ids=[f"{d}-{n}" for d, n in _params()])
def test_golden_output(dataset: str, name: str, golden_versions: list[bytes] | str,
                       missing_dependency) -> None:
    if isinstance(golden_versions, str):
        missing_dependency(golden_versions)
        return
    if dataset == "course" and not _course_available():
        missing_dependency(f"the course data set is not at {COURSE}")
    expected = (GOLDEN / dataset / f"{name}.txt").read_text(encoding="utf-8")
    if name.startswith("replay_"):
        recording = re.search(r"\{out:(\w+)\}", " ".join(CASES[name]))
        assert recording is not None
        source = recording.group(1)
        if (dataset, source) not in _RECORDED:  # a recording of this run, not a stale one
            run_case(source, dataset, golden_versions)
    if name.startswith("record_"):
        _RECORDED.add((dataset, name))
    assert run_case(name, dataset, golden_versions) == expected


def main() -> None:
    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_golden.py --write [CASE ...]: writes the goldens")
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    versions = _versions()
    for dataset in DATASETS:
        if dataset == "course" and not _course_available():
            sys.exit(f"the course data set is not at {COURSE}")
        (GOLDEN / dataset).mkdir(parents=True, exist_ok=True)
        for name in _ordered_cases():
            if only and name not in only:
                continue
            text = run_case(name, dataset, versions)
            (GOLDEN / dataset / f"{name}.txt").write_text(text, encoding="utf-8")
            print(f"{dataset}/{name}: {text.splitlines()[1]}", flush=True)


if __name__ == "__main__":
    main()
