"""The course's facts, in one place: its file, its features and their ranges, its seeds and
settings, and its code as a learner reads it.

The exercise is "Customer Segmentation Using K-Means" on ``Mall_Customers.csv``: Annual Income
(k$) x Spending Score (1-100), k = 5. Python ran ``KMeans(n_clusters=5, init="k-means++",
random_state=42)`` with scikit-learn's old default ``n_init=10``; R ran ``set.seed(29);
kmeans(X, 5, iter.max = 300, nstart = 10)``. Its elbow seeded R once with ``set.seed(6)`` and
gave every k a single start. Nothing else in pyseg spells these numbers out.

This module imports nothing but the standard library, so every other module can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

#: The course file's header, column for column.
COURSE_HEADER: tuple[str, ...] = ("CustomerID", "Genre", "Age", "Annual Income (k$)",
                                  "Spending Score (1-100)")
#: The course's two features, in the order the course selects them (``dataset[4:5]`` in R).
COURSE_FEATURES: tuple[str, str] = (COURSE_HEADER[3], COURSE_HEADER[4])
#: Short names of the course file's columns -> normalised headers they match.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "income": ("annual_income_k", "annual_income", "income", "income_k"),
    "score": ("spending_score_1_100", "spending_score", "score", "score_1_100"),
    "age": ("age",),
    "gender": ("gender", "genre", "sex"),
}
#: Column names the course file (and common copies of it) uses for age and gender.
AGE_HEADERS: tuple[str, ...] = SHORT_NAMES["age"]
GENDER_HEADERS: tuple[str, ...] = SHORT_NAMES["gender"]
#: Normalised headers of a customer-id column: kept as text, never a feature.
ID_HEADERS = frozenset({"customerid", "customer_id", "id"})


def normalise_header(name: str) -> str:
    """``"Annual Income (k$)"`` -> ``"annual_income_k"``: lowercase, other runs folded to ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def is_income_header(name: str) -> bool:
    """True for a header naming the annual income: ``Annual Income (k$)``, ``annual_income_k``,
    ``annual_income_thousands``, ``annual_income``, ``income``, ``income (k$)``."""
    normalised = normalise_header(name)
    return normalised in {"income", "income_k"} or normalised.startswith("annual_income")


def is_score_header(name: str) -> bool:
    """True for a header naming the spending score: ``Spending Score (1-100)``,
    ``spending_score_1_100``, ``spending_score``, ``score``, ``spending``."""
    normalised = normalise_header(name)
    return normalised in {"score", "spending", "score_1_100"} or normalised.startswith(
        "spending_score"
    )


def is_course_schema(feature_names: Sequence[str]) -> bool:
    """The one rule for "these are the course's features": exactly two, an annual-income header
    then a spending-score header, in any of the spellings learners' copies use.

    Every command decides by it: the data loader (which columns get the income and 1..100 score
    checks), the segment names (the course's five names), a saved model (``--income/--score``,
    the terminal and web forms, ``--grid``'s bounds) and the customers file of ``predict --input``.
    """
    return (len(feature_names) == 2 and is_income_header(str(feature_names[0]))
            and is_score_header(str(feature_names[1])))


def course_rules(feature_names: Sequence[str]) -> tuple[str, ...]:
    """The range rule of each feature for :func:`pyseg._numbers.parse_number`: ``income`` and
    ``score`` for the course's features (:func:`is_course_schema`), else none (``""``)."""
    return ("income", "score") if is_course_schema(feature_names) else ("",) * len(feature_names)


#: Smallest annual income (k$) a customer can have.
INCOME_MIN = 0.0
#: The spending score's range, both ends included.
SCORE_RANGE: tuple[float, float] = (1.0, 100.0)
#: Income x score bounds of ``predict --grid`` and of the web form's map, for the course model.
COURSE_GRID: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 150.0), SCORE_RANGE)
#: The course's number of segments.
COURSE_K = 5


@dataclass(frozen=True)
class CourseSettings:
    """How one language's course code seeds and runs K-Means.

    Parameters
    ----------
    seed : int
        Python: ``random_state``; R: the argument of ``set.seed`` called just before ``kmeans``.
    n_starts : int, default=10
        Python: ``n_init``; R: ``nstart``.
    max_iter : int, default=300
        Python: ``max_iter``; R: ``iter.max``.
    """

    seed: int
    n_starts: int = 10
    max_iter: int = 300


#: ``KMeans(n_clusters=5, init="k-means++", n_init=10, max_iter=300, random_state=42)``
PYTHON_COURSE = CourseSettings(seed=42)
#: ``set.seed(29); kmeans(X, 5, iter.max = 300, nstart = 10)``
R_COURSE = CourseSettings(seed=29)
#: ``compare --mode``: each language's course code, or both from the same centers (Lloyd).
COMPARE_MODES: tuple[str, ...] = ("course", "exact")
#: Largest center difference tolerated in exact mode (and called "the same" elsewhere).
CENTER_TOLERANCE = 1e-9
#: Iteration cap of exact mode. Lloyd stops as soon as no label changes; this only bounds runaway.
EXACT_MAX_ITER = 1000

#: ``iter.max`` / ``max_iter`` of every elbow fit.
ELBOW_MAX_ITER = 300
#: Python's course elbow: ``random_state=42`` and the old default ``n_init=10`` for every k.
PYTHON_ELBOW = CourseSettings(seed=42, n_starts=10, max_iter=ELBOW_MAX_ITER)
#: R's course elbow: ``set.seed(6)`` once before the loop, then ``kmeans(X, i)`` with one start.
R_ELBOW_SEED = 6
R_ELBOW_STARTS = 1
#: The k values of the course's elbow.
ELBOW_K_MAX = 10

#: Size and seed of the generated data used when no file is found (``data/mall_like_200.csv``).
GENERATED_ROWS = 200
GENERATED_SEED = 0


def python_kmeans_code(k: int, settings: CourseSettings) -> str:
    """The course's scikit-learn call with ``settings``, as a learner reads it."""
    return (
        f"KMeans(n_clusters={k}, init='k-means++', n_init={settings.n_starts}, "
        f"max_iter={settings.max_iter}, random_state={settings.seed})"
    )


def r_kmeans_code(k: int, settings: CourseSettings) -> str:
    """The course's R call with ``settings``, as a learner reads it."""
    return (
        f"set.seed({settings.seed}); "
        f"kmeans(X, {k}, iter.max = {settings.max_iter}, nstart = {settings.n_starts})"
    )


def elbow_code(mode: str, starts: int) -> tuple[str, str]:
    """The Python and R elbow loops that ``mode`` runs (``"course"`` or ``"matched"``)."""
    course = mode == "course"
    python = (f"for k in K: KMeans(n_clusters=k, init='k-means++', n_init="
              f"{PYTHON_ELBOW.n_starts if course else starts}, random_state={PYTHON_ELBOW.seed})")
    if course:
        return python, f"set.seed({R_ELBOW_SEED}); for (k in K) kmeans(X, k)  # one start per k"
    return python, (f"for (k in K) {{ set.seed({R_ELBOW_SEED}); kmeans(X, k, iter.max = "
                    f"{ELBOW_MAX_ITER}, nstart = {starts}) }}")


#: The course's R cluster plot, as the course wrote it.
R_CLUSPLOT_CODE = (
    "clusplot(X, y_kmeans, lines = 0, shade = TRUE, color = TRUE, labels = 2, "
    "plotchar = FALSE, span = TRUE)"
)

def header_matches(name: str, header: Sequence[str]) -> Iterator[list[int]]:
    """The columns of ``header`` a requested ``name`` may mean, by ever looser rules: the header
    as written, stripped of blanks, normalised (:func:`normalise_header`), and any spelling of
    the same course column (:data:`SHORT_NAMES`: ``income`` and ``Annual Income (k$)`` alike).
    The first rule that picks a column decides."""
    wanted = normalise_header(name)
    group = next((aliases for aliases in SHORT_NAMES.values() if wanted in aliases), ())
    for same in (lambda h: h == name, lambda h: h.strip() == name.strip(),
                 lambda h: normalise_header(h) == wanted,
                 lambda h: normalise_header(h) in group):
        yield [index for index, column in enumerate(header) if same(column)]
