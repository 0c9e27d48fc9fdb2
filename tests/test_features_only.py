"""load_dataset(keep_table=False), the path compare's R worker uses, behaves like the full read.

Same matrix for every valid variant, and the same one-line message for every bad input, including
rows with more fields than the header (which pandas alone would drop silently when it reads only
some columns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_bad_inputs import CORPUS, CORPUS_CASES
from test_large_data import VARIANTS, _rows

from pyseg import InputError, load_dataset
from pyseg._data import _no_line_wider_than


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("name", sorted(CORPUS_CASES))
def test_corpus_messages_are_the_same_without_the_table(name: str) -> None:
    path = CORPUS / name
    assert _error(path, keep_table=False) == _error(path)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_valid_variants_give_the_same_matrix_without_the_table(
    course_csv: Path, tmp_path: Path, variant: str
) -> None:
    path = tmp_path / "variant.csv"
    path.write_bytes(VARIANTS[variant](*_rows(course_csv)))
    full = load_dataset(path)
    lean = load_dataset(path, keep_table=False)
    assert lean.frame is None and full.frame is not None
    np.testing.assert_array_equal(lean.X, full.X)
    assert (lean.feature_names, lean.sha256, lean.is_course_schema) == (
        full.feature_names, full.sha256, full.is_course_schema)


def test_a_row_wider_than_the_header_is_refused_without_the_table(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    message = _error(path, columns="a,b", keep_table=False)
    assert message == _error(path, columns="a,b")
    assert "row 3 has 4 fields but the header has 3" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b\n1,2\n3,4\n", True),
        ("a,b\n1,2\n3,4,5\n", False),
        ("a,b\n1,2\n3", True),  # no final newline
        ('a,b\n"1,5",2\n', False),  # quotes: a delimiter may be inside a field
        ("a,b\r1,2\r3,4\r", False),  # bare CR: one long line here, so the full read decides
    ],
)
def test_width_check(text: str, expected: bool) -> None:
    data = text.encode()
    assert _no_line_wider_than(data, data.index(b"\n" if b"\n" in data else b"\r") + 1, ",",
                               ["a", "b"]) is expected


def test_width_check_spans_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyseg._data

    monkeypatch.setattr(pyseg._data, "_COUNT_CHUNK", 7)
    data = b"a,b\n" + b"1,2\n" * 50 + b"1,2,3\n" + b"1,2\n" * 5
    assert _no_line_wider_than(data, 4, ",", ["a", "b"]) is False
    assert _no_line_wider_than(data.replace(b"1,2,3", b"1,2"), 4, ",", ["a", "b"]) is True
