# Which segment does a new customer belong to? The nearest center, in R, for pyseg's parity check
# (pyseg/_model.py computes the same thing in Python) and for R learners:
#
#   Rscript r_reference/predict.R INCOME SCORE C1_INCOME C1_SCORE C2_INCOME C2_SCORE ...
#
# prints the 1-based segment index and the distance to its center.
#
# Written and checked against R 4.2.2 (Debian 12); it uses base R only.

# Nearest center of every row of X.
#
# X: numeric matrix (n x d) of customers; centers: numeric matrix (k x d).
# Returns a list: index (integer, 1-based, length n) and distance (Euclidean distance to that
# center, length n).
#
# Squared distances are summed one coordinate at a time, starting from 0, in column order: pyseg's
# Python code adds them in the same order so both languages round identically and a point that is
# (nearly) equidistant from two centers lands on the same side.
# Tie rule: when two centers are exactly equally near, the LOWEST index wins (which.min returns
# the first minimum; numpy.argmin does the same).
predict_nearest <- function(X, centers) {
  X <- as.matrix(X)
  centers <- as.matrix(centers)
  storage.mode(X) <- "double"
  storage.mode(centers) <- "double"
  if (ncol(X) != ncol(centers)) {
    stop(sprintf("X has %d columns but centers have %d", ncol(X), ncol(centers)), call. = FALSE)
  }
  squared <- matrix(0, nrow = nrow(X), ncol = nrow(centers))
  for (j in seq_len(ncol(X))) {
    squared <- squared + outer(X[, j], centers[, j], "-")^2
  }
  index <- if (nrow(X) == 0L) integer() else as.integer(apply(squared, 1L, which.min))
  distance <- sqrt(squared[cbind(seq_len(nrow(X)), index)])
  list(index = index, distance = as.numeric(distance))
}

main <- function(args) {
  values <- suppressWarnings(as.numeric(args))
  if (length(values) < 4L || length(values) %% 2L != 0L || anyNA(values)) {
    stop("usage: Rscript predict.R INCOME SCORE C1_INCOME C1_SCORE [C2_INCOME C2_SCORE ...]",
         call. = FALSE)
  }
  X <- matrix(values[1:2], nrow = 1L)
  centers <- matrix(values[-(1:2)], ncol = 2L, byrow = TRUE)
  result <- predict_nearest(X, centers)
  cat("segment:", result$index, "distance:", format(result$distance, digits = 15), "\n")
  invisible(result)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
