# Hierarchical clustering in R, as functions that pyseg calls through rpy2, and as a script for R
# learners:
#
#   Rscript r_reference/hierarchical.R path/to/Mall_Customers.csv [k] [linkage] [columns] [png]
#
# prints the cluster sizes of cutree(hclust(...), k) and the last merge heights (columns 4 and 5
# of the CSV unless `columns` names others, comma-separated); with `png`, also draws the
# dendrogram there, as the course's plot(hclust) does.
#
# The R code is
#   hc <- hclust(dist(X), method = "ward.D2")   # or "complete", "average", "single"
#   cutree(hc, k)
# "ward.D2" is Ward's method on Euclidean distances, the one scipy's linkage(X, "ward") computes;
# R's older "ward.D" applies Ward's update to unsquared distances and gives other heights.
# For ward on many rows, fastcluster::hclust.vector(X, method = "ward") builds the same tree from
# the data itself in O(n) memory; dist() would need n(n - 1)/2 doubles (50,000 rows: 10 GB).

# Linkage names as pyseg (and scipy) spell them -> hclust's `method`.
hclust_method <- function(linkage) {
  methods <- c(ward = "ward.D2", complete = "complete", average = "average", single = "single")
  if (!(linkage %in% names(methods))) {
    stop("unknown linkage '", linkage, "': use ward, complete, average or single", call. = FALSE)
  }
  methods[[linkage]]
}

fastcluster_available <- function() {
  as.integer(requireNamespace("fastcluster", quietly = TRUE))
}

# The tree: hclust(dist(X)) or, with vector = TRUE (ward only), fastcluster::hclust.vector(X).
hierarchical_tree <- function(X, linkage = "ward", vector = FALSE) {
  method <- hclust_method(linkage)
  if (isTRUE(as.logical(vector))) {
    if (linkage != "ward") stop("the O(n)-memory route is for ward only", call. = FALSE)
    if (!requireNamespace("fastcluster", quietly = TRUE)) {
      stop("the R package 'fastcluster' is not installed", call. = FALSE)
    }
    return(fastcluster::hclust.vector(X, method = "ward"))
  }
  hclust(dist(X), method = method)
}

# The fit pyseg compares: the tree and cutree(tree, k).
#
# X: numeric matrix (n x d); k: number of clusters; linkage: ward, complete, average or single.
# Returns a list: cluster (1-based, cutree's numbering), height (merge heights, in merge order),
# merge ((n - 1) x 2, hclust's convention: -i is row i, j > 0 the cluster of merge j), order.
hierarchical_fit <- function(X, k = 5L, linkage = "ward", vector = FALSE) {
  tree <- hierarchical_tree(X, linkage, vector)
  list(
    cluster = as.integer(cutree(tree, k = k)),
    height = as.numeric(tree$height),
    merge = matrix(as.integer(tree$merge), ncol = 2L),
    order = as.integer(tree$order)
  )
}

# Leaves carry their row numbers up to this many rows, as in pyseg's Python dendrogram
# (LABELLED_LEAVES in pyseg/methods/hierarchical/_report.py); 200 labels would overlap.
LABELLED_LEAVES <- 60L

# The course's picture: plot(hclust) into a PNG at `path` (a character vector, never R code);
# with k > 0, rect.hclust(tree, k) boxes the k clusters of cutree(tree, k), as R learners mark
# the cut. Drawn like scipy's dendrogram: hang = -1 puts every leaf at height 0 (R's default
# hangs each leaf a tenth of the tree's height below its merge, so low leaves go below zero),
# and past LABELLED_LEAVES rows the axis says how many rows instead of their numbers.
dendrogram_png <- function(X, path, linkage = "ward", vector = FALSE,
                           main = "Dendrogram", xlab = NULL,
                           ylab = "Euclidean distances", width = 900L, height = 700L, k = 0L) {
  tree <- hierarchical_tree(X, linkage, vector)
  grDevices::png(path, width = width, height = height)
  on.exit(grDevices::dev.off())
  labelled <- nrow(X) <= LABELLED_LEAVES
  if (is.null(xlab)) xlab <- if (labelled) "Rows" else paste(nrow(X), "rows")
  plot(tree, labels = if (labelled) NULL else FALSE, hang = -1, main = main, xlab = xlab,
       ylab = ylab, sub = "")
  if (k > 0L) stats::rect.hclust(tree, k = k, border = "red")
  invisible(NULL)
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 5L) {
    stop("usage: Rscript hierarchical.R data.csv [k] [linkage] [columns] [png]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]], check.names = FALSE)
  k <- if (length(args) >= 2L) as.integer(args[[2L]]) else 5L
  linkage <- if (length(args) >= 3L) args[[3L]] else "ward"
  columns <- if (length(args) >= 4L && nzchar(args[[4L]])) {
    strsplit(args[[4L]], ",", fixed = TRUE)[[1L]]
  } else {
    colnames(dataset)[4:5]
  }
  X <- as.matrix(dataset[columns])
  fit <- hierarchical_fit(X, k = k, linkage = linkage)
  cat("cluster sizes:", tabulate(fit$cluster, nbins = k), "\n")
  cat("last merge heights:", format(tail(fit$height, k), digits = 15), "\n")
  if (length(args) == 5L) dendrogram_png(X, args[[5L]], linkage = linkage)
  invisible(fit)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
