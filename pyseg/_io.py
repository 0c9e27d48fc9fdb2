"""Reading input files and writing files so that a reader sees either the whole new file or the
old one: the one file opener (one wording for a missing or unreadable file) and the one atomic
writer (a file, or a report directory) every command uses."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pyseg._errors import InputError


@contextlib.contextmanager
def _reading(
    path: str | os.PathLike[str], source: str | None, hint: str, kind: str
) -> Iterator[None]:
    """Turn an unreadable file into the one-line :class:`InputError` every reader gives."""
    where = f"{path if source is None else source}{hint}"
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except PermissionError:
        raise InputError(f"{where}: permission denied; cannot read the file") from None
    except IsADirectoryError:
        raise InputError(f"{where}: is a directory, not a {kind}") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read the file: {exc.strerror or exc}") from None


def _not_a_directory(path: str | os.PathLike[str]) -> Path:
    if Path(path).is_dir():
        raise IsADirectoryError
    return Path(path)


def open_input(
    path: str | os.PathLike[str], source: str | None = None, hint: str = "",
    kind: str = "CSV file",
) -> IO[bytes]:
    """``path`` opened for reading bytes. A missing or unreadable file is one
    :class:`InputError` line naming ``source`` (default: ``path``) and ``hint`` (e.g.
    ``" (set by PYSEG_DATA)"``): ``no such file``, ``permission denied; cannot read the file``,
    ``is a directory, not a KIND`` or ``cannot read the file: REASON``."""
    with _reading(path, source, hint, kind):
        return open(_not_a_directory(path), "rb")


def read_input(
    path: str | os.PathLike[str], source: str | None = None, hint: str = "",
    kind: str = "CSV file",
) -> bytes:
    """The bytes of ``path``, with the errors of :func:`open_input` (also while reading)."""
    with _reading(path, source, hint, kind):
        return _not_a_directory(path).read_bytes()


def _refuse_directory(target: Path, what: str) -> None:
    if target.is_dir():
        raise InputError(f"cannot write {what}{target}: it is a directory; give a file name")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], what: str = "") -> Iterator[IO[bytes]]:
    """A binary stream whose bytes replace ``path`` only once the ``with`` block has succeeded.

    The bytes go to a temporary file in the same directory (which must exist), are flushed to
    disk, and replace ``path`` with :func:`os.replace`; on any failure the temporary file is
    removed, so no partial output is ever left behind. A failure, also an :class:`OSError` in
    the block, is an :class:`InputError` "cannot write WHAT PATH: REASON" (``what`` e.g.
    ``"model to "``).
    """
    target = Path(path)
    _refuse_directory(target, what)
    if not target.parent.is_dir():
        raise InputError(
            f"cannot write {what}{target}: directory {target.parent} does not exist"
        )
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    created = False
    try:
        # os.open with mode 0o666 lets the umask decide the permissions, as for any new file.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        created = False
    except OSError as exc:
        _remove_quietly(temporary, created)
        raise InputError(f"cannot write {what}{target}: {exc.strerror or exc}") from None
    except BaseException:
        _remove_quietly(temporary, created)
        raise


def write_atomic(data: bytes, path: str | os.PathLike[str], what: str = "") -> str:
    """Write ``data`` to ``path`` through :func:`atomic_file`; the SHA-256 (hex) of the bytes."""
    with atomic_file(path, what) as stream:
        stream.write(data)
    return hashlib.sha256(data).hexdigest()


def check_writable(path: str | os.PathLike[str], what: str = "") -> None:
    """Fail now, before a long computation, if :func:`write_atomic` could not write ``path``
    (it is a directory, or a file cannot be created where it would go): the same
    :class:`InputError` line (``what`` as for :func:`write_atomic`).

    A temporary file is created and removed in the nearest existing directory on the way to
    ``path`` (its parent, or the ancestor a later ``mkdir(parents=True)`` would create it in), so
    a read-only file system or a missing permission is found by the operating system itself.
    Nothing is left behind and no directory is created.
    """
    target = Path(path)
    _refuse_directory(target, what)
    directory = target.absolute().parent
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    if not directory.is_dir():
        raise InputError(f"cannot write {what}{target}: {directory} is not a directory")
    probe = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise InputError(f"cannot write {what}{target}: {exc.strerror or exc}") from None
    _remove_quietly(probe, created=True)


def _remove_quietly(temporary: Path, created: bool) -> None:
    """Remove a temporary file this process created, never raising.

    Only a file that was created is removed: on a read-only file system even unlinking a missing
    file fails (EROFS), and that error must not replace the one that explains the failure.
    """
    if created:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def replace_directory(outdir: Path, files: dict[str, bytes], what: str = "report") -> None:
    """Make ``outdir`` a directory holding exactly ``files``, atomically.

    The files are written into a temporary directory in ``outdir``'s parent (same file system, so
    renames are atomic), which then takes ``outdir``'s place. An earlier ``outdir`` is moved
    aside first and deleted only once the new one is in place: if the last rename fails or is
    interrupted, the earlier one is put back, and if even that fails it is kept (the error says
    where). The caller decides whether an earlier ``outdir`` may be replaced at all. A failure
    is one :class:`InputError` line, "cannot create (or write) WHAT directory OUTDIR: ...".
    """
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    except OSError as exc:
        raise InputError(f"cannot create {what} directory {outdir}: {exc.strerror}") from None
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is meant to be shared
        _swap_in(staging, outdir, what)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot write {what} to {outdir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, outdir: Path, what: str) -> None:
    """Rename ``staging`` to ``outdir``, never losing an earlier ``outdir`` on the way."""
    if not outdir.is_dir():
        os.rename(staging, outdir)
        return
    old = staging.with_name(f"{staging.name}.old")
    os.rename(outdir, old)
    try:
        os.rename(staging, outdir)
    except BaseException as failure:
        try:
            os.rename(old, outdir)  # put the earlier one back
        except OSError:
            reason = getattr(failure, "strerror", None) or "interrupted"
            raise InputError(f"cannot write {what} to {outdir}: {reason}; the earlier {what} "
                             f"is kept in {old}") from None
        raise
    shutil.rmtree(old, ignore_errors=True)


def json_ready(value: Any) -> Any:
    """``value`` with numpy arrays and scalars as Python lists and numbers, and non-finite floats
    (which JSON lacks) as None, recursively through dicts, lists and tuples."""
    if hasattr(value, "tolist"):  # numpy arrays and numpy scalars
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    return value


def json_text(document: Any) -> str:
    """``document`` as every pyseg JSON output is written: sorted keys, two-space indent, NaN and
    inf refused, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n"


def to_json_text(document: dict[str, Any], sides: tuple[str, ...],
                 one_line: tuple[str, ...] = ("labels",)) -> str:
    """``document`` as JSON: sorted keys, two-space indent, NaN/inf refused, and the lists
    ``document[side][key]`` of each side in ``sides`` and key in ``one_line`` (its label list,
    by default) on one line.

    One label per line made a million-row comparison 18 MB and 0.6 s to write, instead of 6 MB
    and 0.15 s.
    """
    compact: dict[tuple[str, str], str] = {}
    for side in sides:
        for key in one_line:
            placeholder = f"{key} of {side}"
            compact[key, placeholder] = json.dumps(document[side][key], separators=(",", ":"),
                                                   allow_nan=False)
            document[side][key] = placeholder
    text = json_text(document)
    for (key, placeholder), values in compact.items():
        # '"KEY": "' with unescaped quotes only occurs as structure, never inside a string
        text = text.replace(f'"{key}": {json.dumps(placeholder)}', f'"{key}": {values}', 1)
    return text
