# Where the R reference of tests/test_hierarchical.py comes from: R's own hclust and cutree, run
# directly with Rscript, independently of pyseg and rpy2:
#
#   dataset <- read.csv("Mall_Customers.csv"); X <- as.matrix(dataset[4:5])
#   tree <- hclust(dist(X), method = "ward.D2"); cutree(tree, k)
#
# Usage: Rscript tests/reference/direct_hclust.R DATA.csv METHOD KMIN KMAX [COLUMNS] [vector]
#   METHOD   hclust's method: ward.D2, complete, average or single
#   COLUMNS  comma-separated header names (default: columns 4 and 5, as the course selects them)
#   vector   build the ward tree with fastcluster::hclust.vector(X, method = "ward") instead
# Prints "heights,<h1>,<h2>,..." (merge order, 17 significant digits) and one line
# "cutree,<k>,<label of row 1>,..." per k.
#
# Produced on R 4.2.2 (Debian 12, r-base-core 4.2.2.20221110-2; fastcluster 1.2.3) for the course
# file: ward.D2, the last three heights 262.56263410443182, 394.85965759553204, 405.66004104219013.
# The tests do not read these comment lines: they run this script and compare with what it prints.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
method <- args[2]
kmin <- as.integer(args[3])
kmax <- as.integer(args[4])
columns <- if (length(args) >= 5 && nzchar(args[5])) strsplit(args[5], ",", fixed = TRUE)[[1]] else NULL
X <- as.matrix(if (is.null(columns)) dataset[4:5] else dataset[columns])

tree <- if (length(args) >= 6 && args[6] == "vector") {
  fastcluster::hclust.vector(X, method = "ward")
} else {
  hclust(dist(X), method = method)
}
cat("heights", sprintf("%.17g", tree$height), sep = ",")
cat("\n")
for (k in kmin:kmax) {
  cat("cutree", k, cutree(tree, k), sep = ",")
  cat("\n")
}
