# DBSCAN in R with the dbscan package, as functions that pyseg calls through rpy2, and as a script
# for R learners:
#
#   Rscript r_reference/dbscan.R path/to/Mall_Customers.csv eps minPts [columns]
#
# prints the cluster sizes and the number of noise points (columns 4 and 5 of the CSV unless
# `columns` names others, comma-separated).
#
# The R code is
#   db <- dbscan::dbscan(X, eps = eps, minPts = minPts)
# minPts counts the point itself, as scikit-learn's min_samples does; cluster 0 is noise (pyseg
# reports it as -1, scikit-learn's number). Not fpc::dbscan, which labels some core points as
# noise. The package is called with `dbscan::` and never attached: attaching it masks
# stats::as.dendrogram.

dbscan_available <- function() {
  as.integer(requireNamespace("dbscan", quietly = TRUE))
}

need_dbscan <- function() {
  if (!requireNamespace("dbscan", quietly = TRUE)) {
    stop("the R package 'dbscan' is not installed", call. = FALSE)
  }
}

# X: numeric matrix (n x d). Returns a list: cluster (0 = noise, 1..), core (1 for core points),
# n_clusters.
dbscan_fit <- function(X, eps, minPts = 5L) {
  need_dbscan()
  db <- dbscan::dbscan(X, eps = eps, minPts = minPts)
  list(
    cluster = as.integer(db$cluster),
    # pointdensity counts each row's eps-neighbourhood, itself included, without keeping the
    # neighbour lists that is.corepoint() holds (3 GB at 100,000 mall-like rows)
    core = as.integer(dbscan::pointdensity(X, eps = eps, type = "frequency") >= minPts),
    n_clusters = as.integer(max(c(0L, db$cluster)))
  )
}

# The k-nearest-neighbour distance of every row (the point itself not counted), for choosing
# eps: dbscan::kNNdist(X, k). kNNdistplot(X, k) draws these sorted.
knn_distances <- function(X, k = 4L) {
  need_dbscan()
  as.numeric(dbscan::kNNdist(X, k = k))
}

# New rows: predict(db, newdata, data = X). Its rule (dbscan 1.1's .predict_frNN, read from the
# package's source): drop the noise rows of X, then a new row joins the cluster of the nearest
# remaining row - core OR border point - within eps (frNN sorted by distance, then row number),
# else it is noise (0). It is not "the nearest core point": a new row within eps of a border
# point only still joins that point's cluster.
# When every row of X is noise, dbscan 1.1.11's predict crashes R (frNN on an empty matrix:
# segfault); every new row is then noise, so that case is answered here without calling it.
dbscan_predict <- function(X, newdata, eps, minPts = 5L) {
  need_dbscan()
  db <- dbscan::dbscan(X, eps = eps, minPts = minPts)
  if (all(db$cluster == 0L)) return(integer(nrow(newdata)))
  as.integer(predict(db, newdata = newdata, data = X))
}

main <- function(args) {
  if (length(args) < 3L || length(args) > 4L) {
    stop("usage: Rscript dbscan.R data.csv eps minPts [columns]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]], check.names = FALSE)
  columns <- if (length(args) == 4L && nzchar(args[[4L]])) {
    strsplit(args[[4L]], ",", fixed = TRUE)[[1L]]
  } else {
    colnames(dataset)[4:5]
  }
  X <- as.matrix(dataset[columns])
  fit <- dbscan_fit(X, eps = as.numeric(args[[2L]]), minPts = as.integer(args[[3L]]))
  cat("clusters:", fit$n_clusters, "\n")
  cat("cluster sizes:", tabulate(fit$cluster, nbins = fit$n_clusters), "\n")
  cat("noise points:", sum(fit$cluster == 0L), "\n")
  invisible(fit)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
