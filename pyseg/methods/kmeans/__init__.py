"""K-Means, the course's method: scikit-learn ``KMeans`` and R ``kmeans`` (the course defaults,
k = 5, 10 starts, seeds 42 / 29, are its settings)."""

DESCRIBE = "scikit-learn KMeans / R kmeans"
PREDICTION = "the segment of the nearest center (Euclidean)"

#: Engine names :mod:`pyseg.engines` re-exports, by the module of this package that defines them.
ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("ELBOW_MODES", "ElbowFits", "FitResult", "KMeansEngine", "Silhouette",
              "silhouette_defined"),
    "_python": ("SklearnEngine", "initial_centers_kmeanspp", "nearest_center", "one_thread"),
    "_r": ("REngine",),
    "_record": ("RecordedREngine",),
}
#: The R engine class of ``_r.py`` (run in the R worker by this name).
R_ENGINE = "REngine"
#: The course's own run: the segment model (``fit``, ``predict --model``, ``record-r``'s K-Means
#: file) serves this method on the course's features, and ``stability --seeds`` sweeps its seeds.
COURSE_MODEL = True
#: How ``elbow`` helps choose k for this method: the WCSS per k.
CHOOSE_K = "wcss"
#: The method's name in prose.
TITLE = "K-Means"
#: What ``stability --bootstrap`` and ``gap`` refit, and R's own check of it.
RESAMPLING = ("K-Means runs Lloyd from the same k-means++ starts in both languages, the best "
              "WCSS kept; clusterboot's check: kmeansCBI.")
#: ``elbow --method``'s help for this view.
CHOOSE_K_HELP = "WCSS per k (default)"
