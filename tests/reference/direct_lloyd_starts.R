# Reference for tests/test_gap.py::test_r_best_lloyd_is_kmeans_from_each_start: R's kmeans()
# run directly (no pyseg) from each given start, the lowest WCSS kept, as pyseg's R side
# (r_reference/resample_shared.R's best_lloyd) must give it:
#
#   Rscript tests/reference/direct_lloyd_starts.R data.txt starts.txt
#
# data.txt: n, d, then the n x d matrix by columns. starts.txt: the number of jobs, then per job
# k, S, iter.max and the S x k x d array in R's order (first index fastest). For each job prints
# one line: the number of starts kmeans() refused (an error), the best WCSS as 17 significant
# digits, and the best start's clusters ("none" when every start was refused). A later start
# replaces the best only when its tot.withinss is lower by more than 1e-9 relative (pyseg's tie
# rule: the first start wins ties).
args <- commandArgs(trailingOnly = TRUE)
data <- scan(args[[1L]], quiet = TRUE)
X <- matrix(data[-(1:2)], nrow = data[[1L]], ncol = data[[2L]])
jobs <- scan(args[[2L]], quiet = TRUE)
at <- 2L
for (j in seq_len(jobs[[1L]])) {
  k <- jobs[[at]]; S <- jobs[[at + 1L]]; iter_max <- jobs[[at + 2L]]
  values <- jobs[at + 2L + seq_len(S * k * ncol(X))]
  at <- at + 3L + S * k * ncol(X)
  starts <- array(values, dim = c(S, k, ncol(X)))
  best <- NULL
  failed <- 0L
  for (s in seq_len(S)) {
    km <- tryCatch(suppressWarnings(kmeans(X, centers = matrix(starts[s, , ], nrow = k),
                                           iter.max = iter_max, algorithm = "Lloyd")),
                   error = function(e) NULL)
    if (is.null(km)) {
      failed <- failed + 1L
    } else if (is.null(best) ||
               km$tot.withinss < best$tot.withinss - 1e-9 * abs(best$tot.withinss)) {
      best <- km
    }
  }
  if (is.null(best)) {
    cat(failed, "none\n")  # every start refused
  } else {
    cat(failed, formatC(best$tot.withinss, digits = 17, format = "g"), best$cluster, "\n")
  }
}
