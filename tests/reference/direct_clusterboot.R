# Reference for tests/test_stability.py: fpc::clusterboot with kmeansCBI on a CSV's two feature
# columns, called directly (no pyseg):
#
#   Rscript tests/reference/direct_clusterboot.R data.csv k B seed nstart
#
# prints the original partition (1-based) on one line, then bootmean, then the standard error of
# each cluster's Jaccards (sd / sqrt(B)), all in clusterboot's own cluster numbering.
args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[[1L]], check.names = FALSE)
X <- as.matrix(dataset[, c("Annual Income (k$)", "Spending Score (1-100)")])
k <- as.integer(args[[2L]]); B <- as.integer(args[[3L]]); seed <- as.integer(args[[4L]])
nstart <- as.integer(args[[5L]])
cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::kmeansCBI, krange = k,
                       runs = 1L, nstart = nstart, iter.max = 300L, seed = seed, count = FALSE)
cat(cb$partition, "\n")
cat(formatC(cb$bootmean, digits = 17, format = "g"), "\n")
cat(formatC(apply(cb$bootresult, 1, sd) / sqrt(B), digits = 17, format = "g"), "\n")
