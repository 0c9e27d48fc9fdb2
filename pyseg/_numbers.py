"""The one number parser: data cells, typed customers, form fields and model files use it alike.

A value is accepted when it is a real number (not a bool) or a text of one (``" 42 "``,
``"1e3"``, ``"15,5"`` in a decimal-comma file), finite and within :data:`MAX_ABS_VALUE`; a
feature with a course rule must also be in the course's range. Every refusal reads
``<what><value as written> <what is wrong>``, for example ``annual income 'abc' is not a
number`` or, for a data cell whose place the caller names, ``'nan' is not a number (missing
values are not allowed)``.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

from pyseg._course import INCOME_MIN, SCORE_RANGE
from pyseg._errors import InputError

#: Largest accepted absolute value. K-Means sums squared distances over all rows; with values
#: below 1e100 a squared difference stays below 4e200 and even 1e100 of them cannot overflow a
#: float64 (max ~1.8e308), while 1e308 itself would overflow at the first squared distance.
MAX_ABS_VALUE = 1e100

_TOO_LARGE = (
    f"is too large: values must lie within +-{MAX_ABS_VALUE:g} so that squared distances cannot "
    "overflow"
)
#: A new customer's fields, as the command line and both forms take them: the name (also the
#: course rule of :func:`parse_number`) and how messages name the feature (before a value).
CUSTOMER_FIELDS = (("income", "annual income "), ("score", "spending score "))
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_MISSING_MARKERS = frozenset({"nan", "na", "n/a", "null", "none", "missing", "?", "-", "--"})
_INFINITY_WORDS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})


def _as_float(value: object, decimal_comma: bool) -> tuple[float | None, str]:
    """``value`` as a float, or None with what is wrong (after the value's repr)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        return None, "is not a number"
    if not isinstance(value, str):
        try:
            return float(value), ""
        except OverflowError:  # an int beyond float64's range, e.g. 10**400
            return None, _TOO_LARGE
    stripped = value.strip()
    if not stripped:
        return None, "is not a number (the value is empty)"
    candidate = stripped.replace(",", ".", 1) if decimal_comma else stripped
    if NUMBER.fullmatch(candidate):
        return float(candidate), ""
    lowered = stripped.lower()
    if lowered in _INFINITY_WORDS:
        return math.inf, ""
    if lowered in _MISSING_MARKERS:
        return None, "is not a number (missing values are not allowed)"
    return None, "is not a number"


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said, so that a huge
    number or a pasted paragraph cannot flood a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 10]}... ({len(text)} characters)"


def _checked(value: object, rule: str, decimal_comma: bool) -> tuple[float, str | None]:
    """``value`` as a float and what is wrong with it (None: nothing)."""
    number, problem = _as_float(value, decimal_comma)
    seen = shown(value)
    if number is None:
        return math.nan, f"{seen} {problem}"
    if not math.isfinite(number):
        return number, f"{seen} is not a finite number"
    if abs(number) > MAX_ABS_VALUE:
        return number, f"{seen} {_TOO_LARGE}"
    if rule == "income" and number < INCOME_MIN:
        return number, f"{seen} is negative; an income must be >= {INCOME_MIN:g} (k$)"
    if rule == "score" and not SCORE_RANGE[0] <= number <= SCORE_RANGE[1]:
        return number, (f"{seen} is outside {SCORE_RANGE[0]:g}..{SCORE_RANGE[1]:g}, the range "
                        "of a spending score")
    return number, None


def value_problem(value: object, rule: str = "", *, decimal_comma: bool = False) -> str | None:
    """What is wrong with ``value`` (a number, or a text as typed or written in a file),
    starting with the value as written; None if it is valid. ``rule``: the course's range rule
    (``"income"``, ``"score"``) if any; ``decimal_comma``: ``15,5`` is 15.5 (``;``/tab files)."""
    return _checked(value, rule, decimal_comma)[1]


def within_rule(values: Any, rule: str = "") -> Any:
    """:func:`value_problem`'s size and range rules over a numpy array of numbers at once: a bool
    array, True where a value passes (NaN fails)."""
    ok = abs(values) <= MAX_ABS_VALUE
    if rule == "income":
        ok &= values >= INCOME_MIN
    elif rule == "score":
        ok &= (values >= SCORE_RANGE[0]) & (values <= SCORE_RANGE[1])
    return ok


def parse_number(
    value: object, what: str = "", rule: str = "", *, decimal_comma: bool = False
) -> float:
    """``value`` as a float, or :class:`~pyseg.InputError` ``<what><value> is not a number``
    (or not finite, too large, out of the course range); ``what`` e.g. ``"annual income "``,
    the rest as for :func:`value_problem`."""
    number, problem = _checked(value, rule, decimal_comma)
    if problem is not None:
        raise InputError(f"{what}{problem}")
    return number


def cluster_count(k: object) -> int:
    """``k`` as an int >= 1, else a one-line :class:`~pyseg.InputError` (every k check's)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise InputError(f"k={k!r} is not an integer; the number of clusters must be >= 1")
    if int(k) < 1:
        raise InputError(f"k={int(k)} should be >= 1")
    return int(k)
