# Where the R reference of tests/test_dbscan.py comes from: the dbscan package run directly with
# Rscript, independently of pyseg and rpy2:
#
#   dataset <- read.csv("Mall_Customers.csv"); X <- as.matrix(dataset[4:5])
#   db <- dbscan::dbscan(X, eps = eps, minPts = minPts)
#
# Usage: Rscript tests/reference/direct_dbscan.R DATA.csv EPS MINPTS [COLUMNS] [KNN_K]
# Prints "cluster,<cluster of row 1>,..." (R's numbers: 0 is noise), "core,<0/1>,..." from
# dbscan::is.corepoint, and with KNN_K "knndist,<d1>,..." from dbscan::kNNdist(X, KNN_K).
#
# Produced on R 4.2.2 (Debian 12, r-base-core 4.2.2.20221110-2; dbscan 1.1-11) for the course
# file: eps 5, minPts 5 gives 5 clusters and 87 noise points; eps 8, minPts 4: 7 clusters, 22
# noise; eps 10, minPts 6: 4 clusters, 20 noise.
# The tests do not read these comment lines: they run this script and compare with what it prints.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
eps <- as.numeric(args[2])
minPts <- as.integer(args[3])
columns <- if (length(args) >= 4 && nzchar(args[4])) strsplit(args[4], ",", fixed = TRUE)[[1]] else NULL
X <- as.matrix(if (is.null(columns)) dataset[4:5] else dataset[columns])

db <- dbscan::dbscan(X, eps = eps, minPts = minPts)
cat("cluster", db$cluster, sep = ",")
cat("\n")
cat("core", as.integer(dbscan::is.corepoint(X, eps = eps, minPts = minPts)), sep = ",")
cat("\n")
if (length(args) >= 5) {
  cat("knndist", sprintf("%.17g", dbscan::kNNdist(X, k = as.integer(args[5]))), sep = ",")
  cat("\n")
}
