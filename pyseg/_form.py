"""The terminal form: type an income and a spending score, learn the customer's segment.

``pyseg predict`` opens it when no numbers are given and a terminal is attached. Input and output
are injectable (``read_line`` and ``output``) so tests can drive it without a terminal. The form
re-prompts for a bad value (saying what was wrong) and loops until the user quits with ``q``
(as the prompt says), end of input (Ctrl-D) or Ctrl-C; an empty line asks again, it does not
quit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from pyseg._errors import InputError
from pyseg._numbers import parse_number

if TYPE_CHECKING:
    from pyseg._model import Prediction

#: Answers that end the form.
QUIT_WORDS = frozenset({"q", "quit", "exit"})


class _Quit(Exception):
    """The user asked to leave the form."""


def format_prediction(prediction: Prediction, income: float, score: float) -> str:
    """The one human line ``pyseg predict`` prints for a customer."""
    center = ", ".join(f"{value:.2f}" for value in prediction.center)
    # Two decimals as usual; a customer far outside the data gets 1e+99, not 99 digits.
    distance = prediction.distance
    shown = f"{distance:.2f}" if distance < 1e9 else f"{distance:.3g}"
    return (
        f"income {income:g} k$, spending score {score:g} -> {prediction.name} "
        f"(segment {prediction.index}, distance {shown} to its center "
        f"({center})): {prediction.description}"
    )


def run_form(classify: Callable[[float, float], Prediction], *,
             read_line: Callable[[str], str] | None = None, output: TextIO | None = None) -> int:
    """Prompt for customers until the user quits; returns the number of customers classified.

    Parameters
    ----------
    classify : callable (income, score) -> Prediction
        Usually ``model.predict_one``; may raise :class:`~pyseg.PysegError` (e.g. the engines
        disagree), which ends the form by propagating.
    read_line : callable (prompt) -> str, optional
        Reads one answer; raises EOFError at end of input. Default: the built-in ``input``.
    output : text stream, default=sys.stdout
        Where answers and messages go.
    """
    out = output if output is not None else sys.stdout
    if read_line is None:
        read_line = input
    print("Classify a new customer (q to quit).", file=out)
    classified = 0
    try:
        while True:
            income = _ask("Annual income (k$): ", read_line, out, "annual income ", "income")
            score = _ask("Spending score (1-100): ", read_line, out, "spending score ", "score")
            print(format_prediction(classify(income, score), income, score), file=out, flush=True)
            classified += 1
    except _Quit:
        print("Bye.", file=out)
    return classified


def _ask(prompt: str, read_line: Callable[[str], str], out: TextIO, what: str, rule: str) -> float:
    """The first answer :func:`pyseg._numbers.parse_number` accepts (``what``, ``rule`` as there);
    a refused one is said and asked again."""
    while True:
        try:
            out.flush()
            answer = read_line(prompt)
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            raise _Quit from None
        text = answer.strip()
        if text.lower() in QUIT_WORDS:
            raise _Quit
        if not text:
            print("  type a number, or q to quit.", file=out)
            continue
        try:
            return parse_number(text, what, rule)
        except InputError as exc:
            print(f"  {exc} - please try again.", file=out)
