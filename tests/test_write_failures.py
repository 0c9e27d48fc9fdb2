"""A destination that cannot be written is one `pyseg: error:` line and exit 2 (issue 14, item 2).

Every command that writes a file (``synth --output``, ``fit --save``, ``predict --output``, also
with ``--engine both`` whose exit 1 means "parity failed", ``record-r --output``) must name the
path and the reason, exit 2, and leave nothing behind. Before the fix, the clean-up of the
temporary file in ``write_atomic`` raised a second ``OSError`` (on a read-only file system even
unlinking a file that does not exist fails with EROFS), which escaped as a traceback and exit 1.

The read-only directory is a real read-only tmpfs mount (``mount -t tmpfs -o ro``: ``chmod``
does not stop root, who runs these tests here and in CI). Where mounting is impossible (no root,
no mount permission in a container), the file system calls are made to fail with EROFS for paths
under the directory instead, in this process only; the reason is given in the test's output.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class ReadOnlyDir:
    path: Path
    real: bool  # a real read-only mount (else simulated in this process)


def _mount(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    except OSError as exc:  # no mount program
        return subprocess.CompletedProcess(["mount", *args], 127, "", str(exc))


def _fail_under(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make os.open, os.mkdir, os.replace and os.unlink fail with EROFS under ``directory``."""
    prefix = str(directory) + os.sep

    def failing(name: str):
        real = getattr(os, name)

        def call(*args, **kwargs):
            paths = [os.fspath(arg) for arg in args[:2] if isinstance(arg, (str, os.PathLike))]
            if any(str(Path(p).absolute()).startswith(prefix) for p in paths):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), paths[0])
            return real(*args, **kwargs)

        return call

    for name in ("open", "mkdir", "replace", "unlink"):
        monkeypatch.setattr(os, name, failing(name))


@pytest.fixture
def read_only_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadOnlyDir]:
    """An empty directory on a read-only file system (real if this machine allows it)."""
    directory = tmp_path / "read-only"
    directory.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(directory))
    if mounted.returncode == 0:
        try:
            yield ReadOnlyDir(directory, real=True)
        finally:
            subprocess.run(["umount", "-l", str(directory)], check=False)
        return
    print(f"no real read-only mount ({mounted.stderr.strip() or 'mount failed'}): simulating "
          "EROFS for paths under the directory")
    _fail_under(directory, monkeypatch)
    yield ReadOnlyDir(directory, real=False)


@pytest.fixture
def saved_model(tmp_path: Path, mall_like_model) -> Path:
    path = tmp_path / "model.json"
    mall_like_model.save(path)
    return path


def _assert_one_line_error(code: int, err: str, target: Path, what: str = "") -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"pyseg: error: cannot write {what}{target}: Read-only file system"
    ]


def test_synth_to_a_read_only_directory(read_only_dir, run_cli, capsys):
    target = read_only_dir.path / "s.csv"
    code, out, err = run_cli(capsys, "synth", "--n", "10", "--output", str(target))
    _assert_one_line_error(code, err, target)
    assert out == ""
    assert sorted(read_only_dir.path.iterdir()) == []


def test_fit_save_to_a_read_only_directory(read_only_dir, run_cli, capsys, mall_like_csv):
    target = read_only_dir.path / "model.json"
    code, _, err = run_cli(capsys, "fit", "--data", str(mall_like_csv), "--save", str(target))
    _assert_one_line_error(code, err, target, "model to ")
    assert sorted(read_only_dir.path.iterdir()) == []


def test_predict_output_to_a_read_only_directory(read_only_dir, run_cli, capsys, mall_like_csv,
                                                 saved_model):
    target = read_only_dir.path / "labelled.csv"
    code, _, err = run_cli(capsys, "predict", "--model", str(saved_model), "--input",
                           str(mall_like_csv), "--output", str(target))
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("pyseg: error: ") and str(target) in err
    assert "Read-only file system" in err
    assert sorted(read_only_dir.path.iterdir()) == []


@pytest.mark.r
def test_predict_both_engines_write_failure_is_not_parity_failure(
    read_only_dir, run_cli, capsys, mall_like_csv, saved_model
):
    # exit 1 would tell a CI gate that Python and R disagree
    target = read_only_dir.path / "labelled.csv"
    code, _, err = run_cli(capsys, "predict", "--model", str(saved_model), "--input",
                           str(mall_like_csv), "--engine", "both", "--output", str(target))
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert str(target) in err and "Read-only file system" in err


def test_record_r_to_a_read_only_directory_fails_before_running_r(
    read_only_dir, run_cli, capsys, mall_like_csv
):
    # Checked before R starts: no minutes of R for nothing, and the same answer without R.
    for target in (read_only_dir.path / "r.json", read_only_dir.path / "new" / "r.json"):
        code, _, err = run_cli(capsys, "record-r", "--data", str(mall_like_csv), "--k-max",
                               "2", "--output", str(target))
        _assert_one_line_error(code, err, target, "recorded R results to ")
    assert sorted(read_only_dir.path.iterdir()) == []


def test_the_program_exits_2_without_a_traceback(read_only_dir, run_pyseg):
    if not read_only_dir.real:
        pytest.skip("needs a real read-only mount: another process cannot be monkeypatched")
    target = read_only_dir.path / "s.csv"
    done = run_pyseg("synth", "--n", "10", "--output", str(target))
    _assert_one_line_error(done.returncode, done.stderr, target)


def test_write_atomic_keeps_the_first_error_when_clean_up_fails_too(tmp_path, monkeypatch):
    # Independent of mounts: creating the temporary file and removing it both fail with EROFS.
    from pyseg._errors import InputError
    from pyseg._io import write_atomic

    _fail_under(tmp_path, monkeypatch)
    with pytest.raises(InputError, match="Read-only file system"):
        write_atomic(b"x", tmp_path / "out.txt")


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path, run_cli, capsys):
    directory = tmp_path / "small"
    directory.mkdir()
    if _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory)).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        target = directory / "s.csv"
        assert run_cli(capsys, "synth", "--n", "10", "--output", str(target))[0] == 0
        before = target.read_bytes()
        code, _, err = run_cli(capsys, "synth", "--n", "100000", "--output", str(target))
        assert code == 2, err
        assert err.strip().splitlines() == [
            f"pyseg: error: cannot write {target}: No space left on device"]
        assert target.read_bytes() == before
        assert sorted(p.name for p in directory.iterdir()) == ["s.csv"]
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


@pytest.mark.parametrize(
    "args",
    [["synth", "--n", "5", "--output", "{tmp}/s.csv"],
     ["predict", "--data", "{data}", "--grid", "50"]],
    ids=["synth", "predict-grid-csv"],
)
def test_standard_output_on_a_full_device_is_one_line_exit_2(args, tmp_path, mall_like_csv,
                                                               pyseg_env, repo):
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full is missing on this system")
    words = [w.format(tmp=tmp_path, data=mall_like_csv) for w in args]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "pyseg", *words], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=pyseg_env(), cwd=repo,
                              timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "pyseg: error: cannot write the output: No space left on device"]


# -- a report directory: the last rename never loses the earlier report ----------------------------

def _earlier_report(tmp_path: Path) -> Path:
    from pyseg import _report

    outdir = tmp_path / "report"
    _report._write_atomically(outdir, {"report.json": b"earlier", "a.png": b"png"})
    return outdir


def _failing_rename(monkeypatch: pytest.MonkeyPatch, outdir: Path, error: BaseException,
                    put_back_fails: bool = False) -> None:
    """Make the rename of the new report onto ``outdir`` raise ``error`` (and, with
    ``put_back_fails``, the rename of the earlier report back onto it fail too)."""
    real = os.rename

    def rename(source, target):
        if Path(target) == outdir and not Path(source).name.endswith(".old"):
            raise error
        if Path(target) == outdir and put_back_fails:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(source, target)

    monkeypatch.setattr(os, "rename", rename)


def test_an_interrupted_last_rename_puts_the_earlier_report_back(tmp_path, monkeypatch):
    # Before the fix the earlier report was deleted and no new one took its place.
    from pyseg import _report

    outdir = _earlier_report(tmp_path)
    _failing_rename(monkeypatch, outdir, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        _report._write_atomically(outdir, {"report.json": b"new"})
    monkeypatch.undo()
    assert (outdir / "report.json").read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # nothing left beside it


def test_a_failed_last_rename_puts_the_earlier_report_back(tmp_path, monkeypatch):
    from pyseg import _report
    from pyseg._errors import InputError

    outdir = _earlier_report(tmp_path)
    _failing_rename(monkeypatch, outdir, OSError(errno.EXDEV, os.strerror(errno.EXDEV)))
    with pytest.raises(InputError) as caught:
        _report._write_atomically(outdir, {"report.json": b"new"})
    monkeypatch.undo()
    assert str(caught.value) == f"cannot write report to {outdir}: {os.strerror(errno.EXDEV)}"
    assert (outdir / "report.json").read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_when_the_earlier_report_cannot_be_put_back_it_is_kept_and_named(tmp_path, monkeypatch):
    # Before the fix the earlier report was deleted: neither report was left.
    from pyseg import _report
    from pyseg._errors import InputError

    outdir = _earlier_report(tmp_path)
    _failing_rename(monkeypatch, outdir, OSError(errno.EXDEV, os.strerror(errno.EXDEV)),
                    put_back_fails=True)
    with pytest.raises(InputError) as caught:
        _report._write_atomically(outdir, {"report.json": b"new"})
    monkeypatch.undo()
    kept = list(tmp_path.iterdir())
    assert len(kept) == 1 and kept[0].name.endswith(".old")
    assert (kept[0] / "report.json").read_bytes() == b"earlier"
    assert str(caught.value) == (f"cannot write report to {outdir}: {os.strerror(errno.EXDEV)}; "
                                 f"the earlier report is kept in {kept[0]}")
