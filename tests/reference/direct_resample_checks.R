# Reference for tests/test_stability_methods.py: fpc::clusterboot and cluster::clusGap for PAM and
# Gaussian mixtures on a CSV's two feature columns, called directly (no pyseg):
#
#   Rscript tests/reference/direct_resample_checks.R data.csv method k B seed
#
# method pam: clusterboot with claraCBI (usepam = TRUE), clusGap with
# pam(x, k, cluster.only = TRUE); method gmm: clusterboot with noisemclustCBI (G = k, VVV,
# nnk = 0), clusGap with Mclust(x, G = k, modelNames = "VVV")$classification. k is clusterboot's
# k and clusGap's K.max. Prints clusterboot's bootmean (its own numbering) on one line, then
# clusGap's gap column (k = 1..K.max, scaledPCA, d.power 1, set.seed(seed) first).
suppressPackageStartupMessages(library(mclust))  # Mclust's helpers need it attached here
args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[[1L]], check.names = FALSE)
X <- as.matrix(dataset[, c("Annual Income (k$)", "Spending Score (1-100)")])
method <- args[[2L]]
k <- as.integer(args[[3L]]); B <- as.integer(args[[4L]]); seed <- as.integer(args[[5L]])
if (method == "pam") {
  cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::claraCBI, k = k,
                         usepam = TRUE, seed = seed, count = FALSE)
  fun <- function(x, k) list(cluster = cluster::pam(x, k, cluster.only = TRUE))
} else {
  cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::noisemclustCBI,
                         G = k, modelNames = "VVV", nnk = 0L, seed = seed, count = FALSE)
  fun <- function(x, k) {
    list(cluster = Mclust(x, G = k, modelNames = "VVV", verbose = FALSE)$classification)
  }
}
cat(formatC(cb$bootmean, digits = 17, format = "g"), "\n")
set.seed(seed)
gap <- cluster::clusGap(X, FUNcluster = fun, K.max = k, B = B, verbose = FALSE)
cat(formatC(gap$Tab[, "gap"], digits = 17, format = "g"), "\n")
