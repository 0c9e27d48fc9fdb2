"""Alignment and agreement metrics: pure label arithmetic, no engines.

Alignment does not depend on how either side names its clusters (hypothesis).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyseg import agreement, align_labels, contingency_table

LABELS = np.array([0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 4, 4])


def test_contingency_table_counts_pairs():
    table = contingency_table([0, 0, 1, 2], [1, 1, 0, 0])
    np.testing.assert_array_equal(table, [[0, 2], [1, 0], [1, 0]])


def test_contingency_table_keeps_empty_clusters_when_counts_given():
    table = contingency_table([0, 0], [1, 1], n_a=3, n_b=2)
    assert table.shape == (3, 2)
    assert table.sum() == 2


def test_contingency_table_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="equal length"):
        contingency_table([0, 1], [0])


@pytest.mark.parametrize("permutation", list(itertools.permutations(range(5))))
def test_every_permutation_of_five_labels_is_undone(permutation):
    renamed = np.asarray(permutation)[LABELS]
    alignment = align_labels(LABELS, renamed)
    np.testing.assert_array_equal(alignment.relabel(renamed), LABELS)
    assert alignment.matched == LABELS.size
    measured = agreement(LABELS, renamed)
    assert measured.accuracy == 1.0
    assert measured.ari == pytest.approx(1.0)
    assert measured.nmi == pytest.approx(1.0)
    np.testing.assert_array_equal(np.diag(alignment.confusion), np.bincount(LABELS))


def test_one_moved_row_costs_one_match():
    other = LABELS.copy()
    other[0] = 1  # a row of cluster 0 lands in cluster 1
    measured = agreement(LABELS, (other + 2) % 5)
    assert measured.alignment.matched == LABELS.size - 1
    assert measured.accuracy == pytest.approx(1 - 1 / LABELS.size)
    assert measured.ari < 1.0


def test_fewer_clusters_on_the_other_side():
    # B merges A's clusters 3 and 4 into one: four B-clusters against five A-clusters.
    merged = np.where(LABELS == 4, 3, LABELS)
    renamed = np.array([2, 0, 3, 1])[merged]
    alignment = align_labels(LABELS, renamed)
    assert alignment.matched == LABELS.size - 1  # cluster 3 (one row) is lost to cluster 4
    assert sorted(alignment.mapping.tolist()) == [0, 1, 2, 4]


def test_more_clusters_on_the_other_side_numbers_surplus_after_reference():
    split = LABELS.copy()
    split[-1] = 5  # B splits one row of cluster 4 into a sixth cluster
    alignment = align_labels(LABELS, split)
    assert alignment.mapping[5] == 5
    assert alignment.confusion.shape == (5, 6)
    assert alignment.matched == LABELS.size - 1


def test_agreement_rejects_empty_labelings():
    with pytest.raises(ValueError, match="empty"):
        agreement([], [])


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.integers(0, 5), min_size=1, max_size=60),
    data=st.data(),
)
def test_alignment_is_invariant_to_renaming_either_side(labels, data):
    a = np.asarray(labels)
    other = data.draw(st.lists(st.integers(0, 5), min_size=a.size, max_size=a.size))
    b = np.asarray(other)
    base = agreement(a, b, 6, 6)
    perm_a = np.asarray(data.draw(st.permutations(range(6))))
    perm_b = np.asarray(data.draw(st.permutations(range(6))))
    renamed = agreement(perm_a[a], perm_b[b], 6, 6)
    assert renamed.alignment.matched == base.alignment.matched
    assert renamed.ari == pytest.approx(base.ari)
    assert renamed.nmi == pytest.approx(base.nmi)


@settings(max_examples=100, deadline=None)
@given(labels=st.lists(st.integers(0, 4), min_size=2, max_size=40))
def test_matched_count_is_the_best_of_all_assignments(labels):
    a = np.asarray(labels)
    b = np.roll(a, 1)
    table = contingency_table(a, b, 5, 5)
    best = max(table[range(5), list(p)].sum() for p in itertools.permutations(range(5)))
    assert align_labels(a, b, 5, 5).matched == best


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=st.integers(1, 80), k_a=st.integers(1, 6), k_b=st.integers(1, 6))
def test_ari_and_nmi_equal_scikit_learns(data, size, k_a, k_b):
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    a = np.asarray(data.draw(st.lists(st.integers(0, k_a - 1), min_size=size, max_size=size)))
    b = np.asarray(data.draw(st.lists(st.integers(0, k_b - 1), min_size=size, max_size=size)))
    measured = agreement(a, b)
    assert measured.ari == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert measured.nmi == pytest.approx(normalized_mutual_info_score(a, b), abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [([0, 0, 0], [1, 1, 1]), ([0, 1, 2], [0, 0, 0]), ([0, 1, 2], [2, 0, 1]), ([3, 3], [0, 5])],
)
def test_ari_and_nmi_degenerate_cases_equal_scikit_learns(a, b):
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    measured = agreement(a, b)
    assert measured.ari == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert measured.nmi == pytest.approx(normalized_mutual_info_score(a, b), abs=1e-12)


# --- renaming either side -------------------------------------------------------------------------


@st.composite
def labelings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    n = draw(st.integers(1, 60))
    n_a = draw(st.integers(1, 6))
    n_b = draw(st.integers(1, 6))
    a = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_a - 1)))
    b = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_b - 1)))
    return a, b, n_a, n_b


@settings(max_examples=300, deadline=None)
@given(labelings(), st.randoms(use_true_random=False))
def test_alignment_is_invariant_to_renaming_either_sides_labels(
    case: tuple[np.ndarray, np.ndarray, int, int], random: object
) -> None:
    a, b, n_a, n_b = case
    rename_a = np.array(random.sample(range(n_a), n_a))  # type: ignore[attr-defined]
    rename_b = np.array(random.sample(range(n_b), n_b))  # type: ignore[attr-defined]

    before = agreement(a, b, n_a, n_b)
    after = agreement(rename_a[a], rename_b[b], n_a, n_b)

    assert after.alignment.matched == before.alignment.matched
    assert after.accuracy == before.accuracy
    assert after.ari == pytest.approx(before.ari, rel=1e-12, abs=1e-12)
    assert after.nmi == pytest.approx(before.nmi, rel=1e-12, abs=1e-12)
    # The relabelled side really agrees with the other on the matched rows, whichever of several
    # equally good matchings the solver picked.
    relabelled = after.alignment.relabel(rename_b[b])
    assert int((relabelled == rename_a[a]).sum()) == after.alignment.matched


@settings(max_examples=200, deadline=None)
@given(labelings(), st.randoms(use_true_random=False))
def test_a_renamed_copy_aligns_perfectly(
    case: tuple[np.ndarray, np.ndarray, int, int], random: object
) -> None:
    a, _, n_a, _ = case
    rename = np.array(random.sample(range(n_a), n_a))  # type: ignore[attr-defined]
    alignment = align_labels(a, rename[a], n_a, n_a)
    assert alignment.matched == a.size
    assert np.array_equal(alignment.relabel(rename[a]), a)
