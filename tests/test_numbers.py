"""The one number parser (pyseg._numbers): what it accepts, and one message style for the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyseg._errors import InputError
from pyseg._numbers import parse_number, value_problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" 42 ", 42.0), ("1e3", 1000.0), (7, 7.0), (np.int64(3), 3.0), (np.float64(2.5), 2.5),
     ("-0.5", -0.5), (".5", 0.5)],
)
def test_accepted_values(value: object, expected: float) -> None:
    assert parse_number(value) == expected


def test_a_decimal_comma_only_where_asked() -> None:
    assert parse_number("15,5", decimal_comma=True) == 15.5
    assert value_problem("15,5") == "'15,5' is not a number"


@pytest.mark.parametrize(
    ("value", "rule", "message"),
    [
        ("", "", "'' is not a number (the value is empty)"),
        ("NA", "", "'NA' is not a number (missing values are not allowed)"),
        ("inf", "", "'inf' is not a finite number"),
        (math.nan, "", "nan is not a finite number"),
        (True, "", "True is not a number"),
        ("-3", "income", "'-3' is negative; an income must be >= 0 (k$)"),
        (0, "score", "0 is outside 1..100, the range of a spending score"),
    ],
)
def test_each_problem_starts_with_the_value_as_written(value: object, rule: str,
                                                        message: str) -> None:
    assert value_problem(value, rule) == message
    with pytest.raises(InputError) as caught:
        parse_number(value, "annual income ", rule)
    assert str(caught.value) == f"annual income {message}"


def test_an_integer_beyond_float64_is_too_large_not_a_crash() -> None:
    # float(10**400) raises OverflowError; the parser must answer with its own message.
    problem = value_problem(10**400)
    assert problem is not None and "is too large" in problem


def test_a_huge_value_is_shown_short() -> None:
    problem = value_problem("9" * 5000)
    assert problem is not None and "(5002 characters)" in problem and len(problem) < 200
    short = value_problem("abc")
    assert short == "'abc' is not a number"
