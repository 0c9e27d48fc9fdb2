"""K-Means, the course's method: scikit-learn ``KMeans`` and R ``kmeans`` (the course defaults,
k = 5, 10 starts, seeds 42 / 29, are its settings)."""

DESCRIBE = "scikit-learn KMeans / R kmeans"
PREDICTION = "the segment of the nearest center (Euclidean)"

ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("ELBOW_MODES", "ElbowFits", "FitResult", "KMeansEngine", "Silhouette",
              "silhouette_defined"),
    "_python": ("SklearnEngine", "initial_centers_kmeanspp", "nearest_center", "one_thread"),
    "_r": ("REngine",),
    "_record": ("RecordedREngine",),
}
R_ENGINE = "REngine"
#: The course's own run: the segment model (``fit``, ``predict --model``, ``record-r``'s K-Means
#: file) serves this method on the course's features, and ``stability --seeds`` sweeps its seeds.
COURSE_MODEL = True
#: ``elbow``: the WCSS per k.
CHOOSE_K = "wcss"
TITLE = "K-Means"
RESAMPLING = ("K-Means runs Lloyd from the same k-means++ starts in both languages, the best "
              "WCSS kept; clusterboot's check: kmeansCBI.")
CHOOSE_K_HELP = "WCSS per k (default)"
