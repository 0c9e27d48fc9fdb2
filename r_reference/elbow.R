# The course's elbow method and cluster plot in R, as functions pyseg calls through rpy2, and as a
# script for R learners:
#
#   Rscript r_reference/elbow.R path/to/Mall_Customers.csv [kmax]
#
# prints the WCSS per k of the course elbow (columns 4 and 5 of the CSV, as the course selects them).
#
# The course code is
#   set.seed(6)
#   wcss = vector()
#   for (i in 1:10) wcss[i] = sum(kmeans(X, i)$withinss)
# i.e. ONE set.seed before the loop and a single random start per k (kmeans' default nstart = 1),
# so every k continues the same random stream and each k may land in a local optimum.

# 1L when the `cluster` package (silhouette, clusplot) can be loaded, else 0L. pyseg asks first so
# that a missing package becomes a clear "install r-cran-cluster" message instead of an R error.
# (An integer rather than a logical: rpy2's numpy converter leaves logical vectors unconverted.)
cluster_available <- function() {
  as.integer(requireNamespace("cluster", quietly = TRUE))
}

# The course elbow: set.seed(seed) once, then kmeans(X, i) for i = 1..kmax with R's defaults.
#
# X: numeric matrix (n x d); kmax: largest k; seed: argument of the single set.seed().
# Returns a list: wcss (length kmax), clusters (n x kmax integer matrix, 1-based, column i is the
# partition for k = i), iter (length kmax).
course_elbow <- function(X, kmax = 10L, seed = 6L) {
  set.seed(seed)
  fits <- lapply(seq_len(kmax), function(i) kmeans(X, i))
  elbow_as_list(fits)
}

# The elbow with matched settings: for each k, set.seed(seed) then kmeans with `nstart` starts.
# Seeding per k makes every k independent of which other k values are asked for.
#
# X: numeric matrix (n x d); k_values: integer vector of k; seed, nstart, iter_max as in kmeans.
# Returns the same list as course_elbow, with one column / entry per element of k_values.
matched_elbow <- function(X, k_values, seed = 6L, nstart = 10L, iter_max = 300L) {
  fits <- lapply(k_values, function(i) {
    set.seed(seed)
    kmeans(X, i, iter.max = iter_max, nstart = nstart)
  })
  elbow_as_list(fits)
}

elbow_as_list <- function(fits) {
  list(
    wcss = vapply(fits, function(km) km$tot.withinss, numeric(1)),
    clusters = vapply(fits, function(km) as.integer(km$cluster), integer(length(fits[[1]]$cluster))),
    iter = vapply(fits, function(km) as.integer(km$iter), integer(1))
  )
}

# Silhouette widths of a partition, as cluster::silhouette(labels, dist(X)) computes them.
#
# X: numeric matrix (n x d); labels: integer cluster labels (any coding).
# Returns a list: widths (length n, in the row order of X) and mean (their average). With fewer
# than 2 clusters the silhouette is undefined and both are NA.
silhouette_widths <- function(X, labels) {
  if (length(unique(labels)) < 2L) {
    return(list(widths = rep(NA_real_, nrow(X)), mean = NA_real_))
  }
  sil <- cluster::silhouette(as.integer(labels), stats::dist(X))
  widths <- as.numeric(sil[, "sil_width"])
  list(widths = widths, mean = mean(widths))
}

# Mean silhouette width of a partition (the number the elbow table shows per k).
silhouette_mean <- function(X, labels) {
  silhouette_widths(X, labels)$mean
}

# The course's cluster plot: cluster::clusplot drawn into a PNG file.
#
# clusplot projects the rows on their first two principal components (for two features that is a
# centring and rotation of the data), draws every point with its row number and an ellipse per
# cluster, labelled with the cluster's value in `labels`. The arguments below are the course's.
#
# X: numeric matrix (n x d); labels: integer labels (pyseg passes its 0-based segment numbers);
# path: PNG file to write; key: optional text per cluster, e.g. "0 Sensible", drawn as a key
# under the plot (the PNG grows by the key's height, so the plot keeps width x height).
# Returns the path.
course_clusplot <- function(X, labels, path, main = "Clusters of customers",
                            xlab = "Component 1", ylab = "Component 2",
                            width = 900L, height = 700L, key = character(0)) {
  main <- paste(strwrap(main, 90L), collapse = "\n")  # a long title on two lines, not cut
  columns <- if (length(key) > 3L && max(nchar(key)) <= 40L) 2L else 1L
  key_height <- if (length(key)) (ceiling(length(key) / columns) + 2L) * 18L else 0L
  grDevices::png(path, width = width, height = height + key_height, type = "cairo")
  on.exit(grDevices::dev.off())
  if (length(key)) {
    graphics::layout(matrix(1:2, ncol = 1L), heights = c(height, key_height))
  }
  cluster::clusplot(X, as.integer(labels), lines = 0, shade = TRUE, color = TRUE, labels = 2,
                    plotchar = FALSE, span = TRUE, main = main, xlab = xlab, ylab = ylab)
  if (length(key)) {
    graphics::par(mar = c(0, 1, 1, 1))
    graphics::plot.new()
    # Shrink the text only if the widest entry would not fit the device's width.
    needed <- columns * (max(graphics::strwidth(key, units = "inches")) + 0.6)
    size <- min(1, (width / 72 - 0.4) / needed)
    graphics::legend("top", legend = key, ncol = columns, bty = "n", cex = size,
                     title = "Segments (the numbers on the ellipses)")
  }
  path
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 2L) {
    stop("usage: Rscript elbow.R path/to/data.csv [kmax]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]])
  kmax <- if (length(args) == 2L) as.integer(args[[2L]]) else 10L
  X <- as.matrix(dataset[4:5])
  elbow <- course_elbow(X, kmax = kmax)
  print(data.frame(k = seq_len(kmax), wcss = elbow$wcss), digits = 15)
  invisible(elbow)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
