# The course's K-Means in R, as functions that pyseg calls through rpy2, and as a script for R
# learners:
#
#   Rscript r_reference/kmeans_course.R path/to/Mall_Customers.csv [k]
#
# prints the centers of the course fit (columns 4 and 5 of the CSV, as the course selects them).
#
# The course code is
#   dataset <- read.csv("Mall_Customers.csv"); X <- dataset[4:5]
#   set.seed(29); kmeans(X, 5, iter.max = 300, nstart = 10)
# kmeans() turns the data frame into a double matrix first, so passing the numeric matrix that
# pyseg sends gives the same random draws and the same result.

# The course fit: Hartigan-Wong, `nstart` random starts, best total within-cluster SS kept.
#
# X: numeric matrix (n x d); k: number of clusters; seed: argument of set.seed().
# Returns a list: cluster (1-based integers), centers (k x d), tot_withinss, iter, ifault.
course_kmeans <- function(X, k = 5L, seed = 29L, nstart = 10L, iter_max = 300L) {
  set.seed(seed)
  km <- kmeans(X, centers = k, iter.max = iter_max, nstart = nstart)
  fit_as_list(km)
}

# Exact mode: plain Lloyd iterations from given initial centers, stopping only when no point
# changes cluster (R's Lloyd has no tolerance on center movement). For k = 1 R itself switches to
# MacQueen, which from one center is the same single step: every point joins it.
lloyd_from <- function(X, centers, iter_max = 1000L) {
  km <- kmeans(X, centers = centers, iter.max = iter_max, algorithm = "Lloyd")
  fit_as_list(km)
}

fit_as_list <- function(km) {
  list(
    cluster = as.integer(km$cluster),
    centers = unname(km$centers),
    tot_withinss = km$tot.withinss,
    iter = as.integer(km$iter),
    ifault = as.integer(if (is.null(km$ifault)) 0L else km$ifault)
  )
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 2L) {
    stop("usage: Rscript kmeans_course.R path/to/data.csv [k]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]])
  k <- if (length(args) == 2L) as.integer(args[[2L]]) else 5L
  X <- as.matrix(dataset[4:5])
  fit <- course_kmeans(X, k = k)
  centers <- fit$centers
  colnames(centers) <- colnames(dataset)[4:5]
  print(centers, digits = 15)
  cat("tot.withinss:", format(fit$tot_withinss, digits = 15), "\n")
  invisible(fit)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
