"""Writing files so that a reader sees either the whole new file or the old one."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from pathlib import Path
from typing import Any

from pyseg._errors import InputError


def write_atomic(data: bytes, path: str | os.PathLike[str], what: str = "") -> str:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    The bytes go to a temporary file in the same directory, are flushed to disk, and replace
    ``path`` with :func:`os.replace`; on any failure the temporary file is removed, so no partial
    output is ever left behind.

    Parameters
    ----------
    data : bytes
        The whole file.
    path : path-like
        Destination. Its directory must exist.
    what : str, default=""
        Words for error messages, e.g. ``"model to "`` gives "cannot write model to PATH: ...".

    Returns
    -------
    str
        SHA-256 (hex) of the bytes written.

    Raises
    ------
    InputError
        The destination cannot be written (missing directory, a directory, no permission...).
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"cannot write {what}{target}: it is a directory; give a file name")
    if not target.parent.is_dir():
        raise InputError(
            f"cannot write {what}{target}: directory {target.parent} does not exist"
        )
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # os.open with mode 0o666 lets the umask decide the permissions, as for any new file.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write {what}{target}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


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
