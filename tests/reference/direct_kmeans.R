# Where the R reference numbers of tests/test_compare_parity_r.py come from.
#
# This is the course's R code run directly with Rscript, independently of pyseg and rpy2:
#
#   dataset <- read.csv("Mall_Customers.csv")
#   X <- dataset[4:5]
#   set.seed(29)
#   kmeans(X, 5, iter.max = 300, nstart = 10)
#
# Usage: Rscript tests/reference/direct_kmeans.R DATA.csv [COLUMNS] [K] [SEED] [NSTART]
#   COLUMNS  comma-separated header names (default: columns 4 and 5, as the course selects them)
# Prints one line per center ("center,<i>,<x1>,<x2>,...") and "wcss,<value>", all with 17
# significant digits, sorted by the first coordinate so that the order does not depend on labels.
#
# Produced on R 4.2.2 (Debian 12, r-base-core 4.2.2.20221110-2) for the course file:
#   center,1,25.727272727272727,79.36363636363636
#   center,2,26.304347826086957,20.913043478260871
#   center,3,55.296296296296298,49.518518518518519
#   center,4,86.538461538461533,82.128205128205124
#   center,5,88.200000000000003,17.114285714285714
#   wcss,44448.455447933702
# The tests do not read these comment lines: they run this script and compare with what it prints.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
columns <- if (length(args) >= 2 && nzchar(args[2])) strsplit(args[2], ",", fixed = TRUE)[[1]] else NULL
k <- if (length(args) >= 3) as.integer(args[3]) else 5L
seed <- if (length(args) >= 4) as.integer(args[4]) else 29L
nstart <- if (length(args) >= 5) as.integer(args[5]) else 10L

X <- if (is.null(columns)) dataset[4:5] else dataset[columns]
set.seed(seed)
km <- kmeans(X, k, iter.max = 300, nstart = nstart)

centers <- km$centers[do.call(order, unname(as.data.frame(km$centers))), , drop = FALSE]
for (i in seq_len(nrow(centers))) {
  cat("center", i, sprintf("%.17g", centers[i, ]), sep = ",")
  cat("\n")
}
cat("wcss", sprintf("%.17g", km$tot.withinss), sep = ",")
cat("\n")
