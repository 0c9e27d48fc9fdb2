"""Progress bars for the steps that can run long (many k, many starts, large data).

A bar is drawn only for a person watching a terminal: when stderr is a TTY and the output is not
machine-readable (``--json``). Everywhere else the same code runs with a silent no-op bar, so
pipes, logs and JSON consumers never see control characters.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol


class ProgressBar(Protocol):
    """The part of :class:`tqdm.tqdm` pyseg uses."""

    def update(self, n: int = 1) -> Any: ...

    def set_description_str(self, desc: str) -> Any: ...

    def close(self) -> Any: ...


class _SilentBar:
    """A bar that draws nothing: each of :class:`ProgressBar`'s methods does nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def progress_wanted(json_output: bool = False) -> bool:
    """True when a bar helps: stderr is a terminal and the output is not JSON."""
    return not json_output and sys.stderr.isatty()


def progress_bar(total: int, description: str, enabled: bool, position: int = 0) -> ProgressBar:
    """A tqdm bar on stderr with ``total`` steps, or a silent stand-in when ``enabled`` is false.

    Parameters
    ----------
    total : int
        Number of steps the caller will report with ``update()``.
    description : str
        Text shown left of the bar.
    enabled : bool
        Usually :func:`progress_wanted`; false gives an object with the same methods that prints
        nothing.
    position : int
        Line of the bar, counted from the cursor's (several bars shown at once).
    """
    if not enabled:
        return _SilentBar()
    from tqdm import tqdm

    # leave=False: the bar disappears when done so the table printed after it stays clean.
    return tqdm(total=total, desc=description, file=sys.stderr, leave=False, unit="step",
                position=position)


def language_bars(description: str, totals: dict[str, int],
                  enabled: bool) -> dict[str, ProgressBar]:
    """One bar per language (``totals``: language -> its steps), one above the other, each
    labelled with its language and ``description``; silent ones when ``enabled`` is false."""
    width = max(map(len, totals))
    return {language: progress_bar(total, f"{language:<{width}} {description}", enabled, line)
            for line, (language, total) in enumerate(totals.items())}
