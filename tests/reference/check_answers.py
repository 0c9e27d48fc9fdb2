"""Learners' K-Means answers made with scikit-learn and pandas directly (not with pyseg), for
``tests/test_check.py``; the R ones come from ``check_answers.R``. One file per finding:

- ``py_match.csv``: the course code, ``CustomerID,cluster`` (0-based), rows shuffled;
- ``py_centers.csv``: the course code, ``pd.DataFrame(km.cluster_centers_).to_csv()``;
- ``py_centers.txt``: the same centers as a numbers-only file (``np.savetxt``);
- ``py_local_optimum.csv``: ``KMeans(n_init=1, init="random")`` stopped in a worse optimum,
  ``pd.Series(labels).to_csv()`` (index and labels, in the data's order);
- ``py_scaled.csv``: ``StandardScaler`` then the course's KMeans, the whole table with a
  ``cluster`` column added, rows shuffled;
- ``py_other_columns.txt``: Age x Spending Score at k = 4, one label per line (``np.savetxt``);
- ``py_other_k.csv``: the course's columns at k = 3, ``CustomerID,label``;
- ``py_unexplained.txt``: labels drawn at random.

Usage: python tests/reference/check_answers.py DATA.csv OUTDIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler


def course_kmeans(k: int, **changes: object) -> KMeans:
    return KMeans(**{"n_clusters": k, "init": "k-means++", "n_init": 10, "max_iter": 300,
                     "random_state": 42, **changes})


def main(data: str, out: str) -> None:
    folder = Path(out)
    dataset = pd.read_csv(data, dtype={"CustomerID": str})
    X = dataset.iloc[:, [3, 4]].values
    km = course_kmeans(5).fit(X)
    shuffled = np.random.default_rng(1).permutation(len(dataset))
    answer = pd.DataFrame({"CustomerID": dataset["CustomerID"], "cluster": km.labels_})
    answer.iloc[shuffled].to_csv(folder / "py_match.csv", index=False)
    pd.DataFrame(km.cluster_centers_).to_csv(folder / "py_centers.csv")
    np.savetxt(folder / "py_centers.txt", km.cluster_centers_)

    for seed in range(500):  # a single random start that stops in a worse optimum
        single = KMeans(n_clusters=5, init="random", n_init=1, random_state=seed).fit(X)
        if single.inertia_ > km.inertia_ * (1 + 1e-9):
            break
    pd.Series(single.labels_).to_csv(folder / "py_local_optimum.csv")
    print(f"local_seed,{seed},{single.inertia_!r},{km.inertia_!r}")

    scaled = course_kmeans(5).fit(StandardScaler().fit_transform(X))
    whole = dataset.assign(cluster=scaled.labels_)
    whole.iloc[shuffled].to_csv(folder / "py_scaled.csv", index=False)

    age = course_kmeans(4).fit(dataset.iloc[:, [2, 4]].values)
    np.savetxt(folder / "py_other_columns.txt", age.labels_, fmt="%d")

    three = course_kmeans(3).fit(X)
    pd.DataFrame({"CustomerID": dataset["CustomerID"], "label": three.labels_}).to_csv(
        folder / "py_other_k.csv", index=False)

    random = np.random.default_rng(3).integers(0, 5, len(dataset))
    np.savetxt(folder / "py_unexplained.txt", random, fmt="%d")


if __name__ == "__main__":
    main(*sys.argv[1:3])
