# Reference for tests/test_gap.py: cluster::clusGap on a CSV's two feature columns, called directly
# (plain cluster and stats, no pyseg):
#
#   Rscript tests/reference/direct_clusgap.R data.csv kmax B seed nstart d_power space
#
# prints, per k, "k logW E.logW gap SE.sim" with 17 significant digits, then the five maxSE rules.
args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[[1L]], check.names = FALSE)
X <- as.matrix(dataset[, c("Annual Income (k$)", "Spending Score (1-100)")])
k_max <- as.integer(args[[2L]]); B <- as.integer(args[[3L]]); seed <- as.integer(args[[4L]])
nstart <- as.integer(args[[5L]]); d_power <- as.numeric(args[[6L]]); space <- args[[7L]]
set.seed(seed)
gap <- cluster::clusGap(X, kmeans, K.max = k_max, B = B, d.power = d_power, spaceH0 = space,
                        nstart = nstart, iter.max = 300, verbose = FALSE)
for (k in seq_len(k_max)) cat(k, formatC(gap$Tab[k, ], digits = 17, format = "g"), "\n")
rules <- c("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")
cat(vapply(rules, function(m) cluster::maxSE(gap$Tab[, "gap"], gap$Tab[, "SE.sim"], method = m),
           numeric(1)), "\n")
