"""Broken R environments: exit 3 with the exact fix, and R's errors and warnings reach the user
as clean lines, never as raw console output.

How each broken environment is simulated:

- ``R_HOME`` pointing nowhere: the real CLI in a subprocess with ``R_HOME=/nonexistent``.
- R not installed: the real CLI with the real rpy2, ``R_HOME`` unset and a ``PATH`` holding every
  program of ``/usr/bin`` and ``/bin`` except ``R`` and ``Rscript`` (so rpy2 cannot find R).
- rpy2 not installed / rpy2 built against an R it cannot load: a fake ``rpy2`` package put first on
  ``PYTHONPATH`` whose import raises what the real failure raises (``ModuleNotFoundError``, or the
  ``OSError`` "undefined symbol: R_ParentEnv" of rpy2 3.6 on R < 4.5). The fake reaches the R
  worker process too, since it inherits the environment.
- R's ``cluster`` package missing: Debian ships it inside R's own library (``/usr/lib/R/library``),
  which no environment variable hides, so the R-side check ``cluster_available()`` is replaced by
  monkeypatching ``pyseg.r._bridge.r_call`` to answer 0; a separate R test checks that the
  real function answers 1 here, so the check itself is exercised.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pyseg._errors import ExitCode, REvaluationError, RUnavailableError
from pyseg.r._compat import installed_r_version, pip_fix

APT_FIX = "sudo apt-get install -y r-base-core r-cran-cluster"
#: The R these tests pretend rpy2 was not built for, in the unit tests of the diagnosis.
OLD_R = (4, 2)
#: The fix pyseg must print for this machine's R (R 4.2 where no R answers).
HOST_R = installed_r_version() or OLD_R
RPY2_FIX = pip_fix(HOST_R)
UNDEFINED_SYMBOL = (
    "cannot load library '/usr/lib/R/lib/libR.so': "
    "/usr/lib/R/lib/libR.so: undefined symbol: R_ParentEnv"
)


def assert_one_error_line(result: subprocess.CompletedProcess[str], code: int, *parts: str) -> str:
    """Exit ``code``, empty stdout, and stderr exactly one ``pyseg: error:`` line with ``parts``."""
    lines = result.stderr.splitlines()
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pyseg: error: "), lines[0]
    for part in parts:
        assert part in lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.fixture(params=["worker", "in-process"])
def r_mode(request: pytest.FixtureRequest) -> dict[str, str | None]:
    """Both ways ``compare`` runs R: a worker process (default) and rpy2 in this process."""
    return {"PYSEG_R_IN_PROCESS": "1" if request.param == "in-process" else None}


@pytest.fixture(scope="module")
def path_without_r(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH directory with every program of /usr/bin and /bin except R and Rscript."""
    bin_dir = tmp_path_factory.mktemp("bin-without-r")
    for directory in (Path("/usr/bin"), Path("/bin")):
        if not directory.is_dir():
            continue
        for program in directory.iterdir():
            if program.name in {"R", "Rscript"} or (bin_dir / program.name).exists():
                continue
            (bin_dir / program.name).symlink_to(program)
    return str(bin_dir)


def fake_rpy2(root: Path, raise_statement: str) -> str:
    """A directory holding a package ``rpy2`` whose import runs ``raise_statement``."""
    package = root / "rpy2"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(raise_statement + "\n", encoding="utf-8")
    return str(root)


# --- the diagnosis of each load failure, one by one ------------------------------------------


@pytest.mark.parametrize(
    ("failure", "r_home", "r_on_path", "expected"),
    [
        (
            ModuleNotFoundError("No module named 'rpy2'", name="rpy2"),
            None, True, ["rpy2 is not installed", pip_fix(OLD_R)],
        ),
        (
            OSError(UNDEFINED_SYMBOL),
            None, True, ["rpy2 3.6.9 needs R >= 4.5 (R_ParentEnv is missing from R 4.2)",
                         pip_fix(OLD_R)],
        ),
        (
            ImportError("_rinterface_cffi_api.abi3.so: undefined symbol: R_getVar"),
            None, True, ["R_getVar is missing from R 4.2", pip_fix(OLD_R)],
        ),
        (
            RuntimeError("invalid R_HOME"),
            "/nonexistent", True, ["R_HOME='/nonexistent' is not an R installation",
                                   "unset R_HOME", "R RHOME", APT_FIX],
        ),
        (
            ValueError("openrlib.R_HOME cannot be None."),
            None, False, ["R is not installed", APT_FIX],
        ),
        (
            RuntimeError("R_HOME cannot be determined\nsecond line"),
            None, True, ["R could not be loaded through rpy2",
                         "R_HOME cannot be determined second line", APT_FIX, pip_fix(OLD_R)],
        ),
    ],
    ids=["rpy2-missing", "undefined-symbol-oserror", "undefined-symbol-importerror",
         "bad-r-home", "r-not-installed", "other"],
)
def test_each_load_failure_maps_to_exit_3_with_its_fix(
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    r_home: str | None,
    r_on_path: bool,
    expected: list[str],
) -> None:
    from pyseg.r import _bridge as _rbridge

    if r_home is None:
        monkeypatch.delenv("R_HOME", raising=False)
    else:
        monkeypatch.setenv("R_HOME", r_home)
    monkeypatch.setattr(_rbridge.shutil, "which",
                        lambda name: f"/usr/bin/{name}" if r_on_path else None)
    # The diagnosis asks R and rpy2 for their versions: here R 4.2 and rpy2 3.6.9.
    monkeypatch.setattr(_rbridge, "installed_r_version", lambda: OLD_R)
    monkeypatch.setattr(_rbridge, "rpy2_version", lambda: "3.6.9")

    error = _rbridge._diagnose_load_failure(failure)

    assert isinstance(error, RUnavailableError)
    assert error.exit_code == ExitCode.R_UNAVAILABLE
    message = str(error)
    assert "\n" not in message
    for part in expected:
        assert part in message


# --- the real command line in broken environments -------------------------------------------


def test_compare_with_r_home_pointing_nowhere_exits_3_with_the_fix(
    mall_like_csv: Path, r_mode: dict[str, str | None], run_pyseg
) -> None:
    env = dict(R_HOME="/nonexistent", **r_mode)
    result = run_pyseg("compare", "--data", str(mall_like_csv), env=env)
    assert_one_error_line(result, 3, "R_HOME='/nonexistent' is not an R installation",
                          "run `unset R_HOME`", APT_FIX)


@pytest.mark.slow
def test_python_only_commands_still_work_without_r(
    mall_like_csv: Path, tmp_path: Path, run_pyseg
) -> None:
    env = dict(R_HOME="/nonexistent")

    help_result = run_pyseg("--help", env=env)
    assert help_result.returncode == 0 and "compare" in help_result.stdout

    predicted = run_pyseg("predict", "--data", str(mall_like_csv), "--engine", "python",
                          "--income", "88", "--score", "17", "--json", env=env)
    assert predicted.returncode == 0, predicted.stderr
    assert "Traceback" not in predicted.stderr
    answer = json.loads(predicted.stdout)
    assert answer, "predict --json printed an empty document"

    model_file = tmp_path / "model.json"
    fitted = run_pyseg("fit", "--data", str(mall_like_csv), "--save", str(model_file), env=env)
    assert fitted.returncode == 0, fitted.stderr
    assert model_file.is_file()

    synthetic = tmp_path / "synthetic.csv"
    written = run_pyseg("synth", "--n", "50", "--output", str(synthetic), env=env)
    assert written.returncode == 0, written.stderr
    assert len(synthetic.read_text(encoding="utf-8").splitlines()) == 51


@pytest.mark.slow
def test_compare_against_recorded_r_results_works_without_r(
    mall_like_csv: Path, tmp_path: Path, run_pyseg
) -> None:
    results = tmp_path / "r-results.json"
    recording = run_pyseg("record-r", "--data", str(mall_like_csv), "--output", str(results))
    assert recording.returncode == 0, recording.stderr
    env = dict(R_HOME="/nonexistent")
    result = run_pyseg("compare", "--data", str(mall_like_csv), "--r-results", str(results),
                       env=env)
    assert result.returncode == 0, result.stderr
    assert "PASS" in result.stdout


def test_compare_without_r_installed_exits_3_with_the_fix(
    mall_like_csv: Path, path_without_r: str, r_mode: dict[str, str | None], run_pyseg
) -> None:
    env = dict(R_HOME=None, PATH=path_without_r, **r_mode)
    result = run_pyseg("compare", "--data", str(mall_like_csv), env=env)
    assert_one_error_line(result, 3, "R is not installed", APT_FIX)


def test_compare_without_rpy2_exits_3_with_the_fix(
    mall_like_csv: Path, tmp_path: Path, r_mode: dict[str, str | None], run_pyseg
) -> None:
    fake = fake_rpy2(
        tmp_path, "raise ModuleNotFoundError(\"No module named 'rpy2'\", name='rpy2')"
    )
    env = dict(PYTHONPATH=fake, **r_mode)
    result = run_pyseg("compare", "--data", str(mall_like_csv), env=env)
    assert_one_error_line(result, 3, "rpy2 is not installed", RPY2_FIX)


def test_compare_with_rpy2_built_for_a_newer_r_exits_3_with_the_fix(
    mall_like_csv: Path, tmp_path: Path, r_mode: dict[str, str | None], run_pyseg
) -> None:
    fake = fake_rpy2(tmp_path, f"raise OSError({UNDEFINED_SYMBOL!r})")
    env = dict(PYTHONPATH=fake, **r_mode)
    result = run_pyseg("compare", "--data", str(mall_like_csv), env=env)
    if HOST_R >= (4, 5):
        pytest.skip(f"R {HOST_R} has R_ParentEnv: no rpy2 can be built for an R newer than it")
    assert_one_error_line(result, 3, f"R_ParentEnv is missing from R {HOST_R[0]}.{HOST_R[1]}",
                          "needs R >= 4.5", RPY2_FIX)


# --- R's cluster package -----------------------------------------------------------------------


def test_missing_cluster_package_gives_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyseg.engines import REngine
    from pyseg.r import _bridge as _rbridge

    asked: list[tuple[str, str]] = []

    def cluster_missing(script: str, function: str, *args: object, **kwargs: object):
        asked.append((script, function))
        return np.array([0], dtype=np.int32), ()

    monkeypatch.setattr(_rbridge, "r_call", cluster_missing)
    with pytest.raises(RUnavailableError, match="sudo apt-get install -y r-cran-cluster") as info:
        REngine().check_ready(silhouette=True)
    assert info.value.exit_code == ExitCode.R_UNAVAILABLE
    assert "\n" not in str(info.value)
    assert asked == [("elbow.R", "cluster_available")]

    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]])
    with pytest.raises(RUnavailableError, match="r-cran-cluster"):
        REngine().silhouette(X, [0, 0, 1, 1])


def test_missing_cluster_package_stops_the_elbow_before_the_long_part(
    monkeypatch: pytest.MonkeyPatch, mall_like_dataset
) -> None:
    from pyseg.methods.kmeans._elbow import elbow
    from pyseg.r import _bridge as _rbridge

    calls: list[str] = []

    def cluster_missing(script: str, function: str, *args: object, **kwargs: object):
        calls.append(function)
        if function == "cluster_available":
            return np.array([0], dtype=np.int32), ()
        raise AssertionError(f"R function {function} ran although 'cluster' is missing")

    monkeypatch.setattr(_rbridge, "r_call", cluster_missing)
    dataset = mall_like_dataset
    with pytest.raises(RUnavailableError, match="r-cran-cluster"):
        elbow(dataset, range(1, 4))
    assert calls == ["cluster_available"]


def test_missing_cluster_package_makes_the_elbow_command_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pyseg.cli import main
    from pyseg.r import _bridge as _rbridge

    def cluster_missing(script: str, function: str, *args: object, **kwargs: object):
        if function == "cluster_available":
            return np.array([0], dtype=np.int32), ()
        raise AssertionError(f"R function {function} ran although 'cluster' is missing")

    monkeypatch.setattr(_rbridge, "r_call", cluster_missing)
    monkeypatch.delenv("PYSEG_DATA", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no data/Mall_Customers.csv here: generated data
    code = main(["elbow", "--k-max", "3"])
    _, err = capsys.readouterr()
    assert code == ExitCode.R_UNAVAILABLE
    errors = [line for line in err.splitlines() if line.startswith("pyseg: error:")]
    assert len(errors) == 1 and "sudo apt-get install -y r-cran-cluster" in errors[0]
    assert "Traceback" not in err


@pytest.mark.r
def test_cluster_check_answers_1_where_cluster_is_installed() -> None:
    from pyseg.engines import REngine
    from pyseg.r._bridge import r_call

    value, warnings = r_call("elbow.R", "cluster_available")
    assert int(value[0]) == 1
    assert warnings == ()
    REngine().check_ready(silhouette=True)  # must not raise here


# --- errors and warnings raised inside R --------------------------------------------------------


@pytest.mark.r
@pytest.mark.parametrize(
    ("X", "k", "r_message"),
    [
        (np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]), 2,
         "more cluster centers than distinct data points"),
        (np.array([[1.0, 2.0], [np.nan, 3.0], [2.0, 3.0]]), 2,
         "NA/NaN/Inf in foreign function call"),
    ],
    ids=["too-few-distinct-points", "nan"],
)
def test_an_error_inside_r_is_one_clean_line_with_rs_message(
    X: np.ndarray, k: int, r_message: str, capfd: pytest.CaptureFixture[str]
) -> None:
    from pyseg._course import CourseSettings
    from pyseg.engines import REngine

    with pytest.raises(REvaluationError) as info:
        REngine().fit(X, k, CourseSettings(seed=1))
    message = str(info.value)
    assert r_message in message
    assert "\n" not in message
    assert not message.startswith("Error")
    assert info.value.exit_code == ExitCode.USAGE_ERROR
    out, err = capfd.readouterr()
    assert out == "" and err == "", "R printed on the terminal"


@pytest.mark.r
def test_an_error_inside_r_crosses_the_worker_process_unchanged() -> None:
    from pyseg._course import CourseSettings
    from pyseg.engines import RWorkerEngine

    X = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]])
    with RWorkerEngine() as engine, pytest.raises(REvaluationError) as info:
        engine.fit(X, 2, CourseSettings(seed=1))
    assert "more cluster centers than distinct data points" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.r
def test_r_warnings_are_captured_not_printed(
    capfd: pytest.CaptureFixture[str], mall_like_dataset
) -> None:
    from pyseg.engines import REngine

    X = mall_like_dataset.X
    fit = REngine().fit_from(X, X[:5].copy(), 1)

    assert fit.warnings == ("did not converge in 1 iteration",)
    out, err = capfd.readouterr()
    assert out == "" and err == "", "R printed on the terminal"


@pytest.mark.r
def test_r_warnings_from_the_worker_process_are_returned(mall_like_dataset) -> None:
    from pyseg.engines import RWorkerEngine

    X = mall_like_dataset.X
    with RWorkerEngine() as engine:
        fit = engine.fit_from(X, X[:5].copy(), 1)
    assert fit.warnings == ("did not converge in 1 iteration",)


@pytest.mark.r
def test_what_r_prints_on_its_console_is_captured(
    course_csv: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from pyseg.r._bridge import r_call

    # The learners' script entry point prints the centers with print() and cat().
    _, warnings = r_call("kmeans_course.R", "main", str(course_csv))
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    printed = [w for w in warnings if w.startswith("R printed: ")]
    assert len(printed) == 1 and "tot.withinss: 44448.455" in printed[0]


@pytest.mark.r
def test_r_warnings_reach_the_compare_output_and_report(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], mall_like_dataset
) -> None:
    from pyseg._course import R_COURSE, CourseSettings
    from pyseg._provenance import run_provenance
    from pyseg._report import CompareReport, write_compare_report
    from pyseg.cli.compare import format_summary
    from pyseg.methods.kmeans._compare import compare

    dataset = mall_like_dataset
    one_step = CourseSettings(seed=R_COURSE.seed, n_starts=R_COURSE.n_starts, max_iter=1)
    comparison = compare(dataset, 5, r_settings=one_step)

    assert "did not converge in 1 iteration" in comparison.r.warnings
    assert len(comparison.r.warnings) == len(set(comparison.r.warnings))
    summary = format_summary(comparison, {"r": "R", "scikit_learn": "sklearn"})
    assert "R warned: did not converge in 1 iteration" in summary
    record = json.loads(comparison.to_json())
    assert "did not converge in 1 iteration" in record["r"]["warnings"]

    outdir = tmp_path / "report"
    provenance = run_provenance(dataset, ["pyseg", "compare"], None)
    write_compare_report(CompareReport(comparison, dataset, provenance), outdir)
    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    assert "did not converge in 1 iteration" in report["comparison"]["r"]["warnings"]
    assert "did not converge in 1 iteration" in (outdir / "report.html").read_text(
        encoding="utf-8"
    )
    out, err = capfd.readouterr()
    assert out == "" and err == "", "something printed raw on the terminal"
