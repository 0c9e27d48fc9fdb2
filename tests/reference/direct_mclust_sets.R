# Where tests/test_stability_methods.py's check of the gap's R partitions comes from: R's own
# Mclust, run directly with Rscript, independently of pyseg and rpy2 (clusGap's FUNcluster for
# a Gaussian mixture).
#
# Usage: Rscript tests/reference/direct_mclust_sets.R SETS.csv K_MAX MODEL
# SETS.csv: columns set, x1, x2, ... (no header), the rows of each data set in order. Prints, for
# every set and k = 2..K_MAX, one line "<set>,<k>,<labels>": Mclust(x, G = k, modelNames =
# MODEL)$classification.

suppressPackageStartupMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)
table <- as.matrix(read.csv(args[1], header = FALSE))
k_max <- as.integer(args[2])
for (set in unique(table[, 1L])) {
  X <- table[table[, 1L] == set, -1L, drop = FALSE]
  colnames(X) <- paste0("x", seq_len(ncol(X)))
  for (k in 2:k_max) {
    fit <- Mclust(X, G = k, modelNames = args[3], verbose = FALSE)
    cat(set, k, fit$classification, sep = ",")
    cat("\n")
  }
}
