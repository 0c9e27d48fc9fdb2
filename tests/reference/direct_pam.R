# Where the R reference of tests/test_pam.py and tests/test_gower.py comes from: R's own
# cluster::pam and cluster::daisy, run directly with Rscript, independently of pyseg and rpy2.
#
# Usage: Rscript tests/reference/direct_pam.R DATA.csv K COLUMNS DISTANCE [daisy]
#   COLUMNS   comma-separated header names; text columns become factors (daisy's real Gower)
#   DISTANCE  euclidean: cluster::pam(X, k) on the numeric matrix; gower: pam(daisy(df, "gower"))
#   daisy     also print the distances (dist order, 17 significant digits)
# Prints "medoids,<1-based rows>", "objective,<build>,<swap>", "cluster,<labels>" [, "daisy,..."].
# Produced on R 4.2.2 with cluster 2.1.4: income+score k = 5 medoids 25 16 81 162 167, objective
# swap 13.096739336801301; income,score,age,gender (gower) medoids 82 95 158 151 80.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
k <- as.integer(args[2])
columns <- strsplit(args[3], ",", fixed = TRUE)[[1]]
frame <- dataset[columns]
for (name in columns) if (is.character(frame[[name]])) frame[[name]] <- factor(frame[[name]])
if (args[4] == "gower") {
  D <- cluster::daisy(frame, metric = "gower")
  p <- cluster::pam(D, k)
} else {
  p <- cluster::pam(as.matrix(frame), k)
}
cat("medoids", p$id.med, sep = ",")
cat("\n")
cat("objective", sprintf("%.17g", p$objective), sep = ",")
cat("\n")
cat("cluster", p$clustering, sep = ",")
cat("\n")
if (length(args) >= 5 && args[5] == "daisy") {
  cat("daisy", sprintf("%.17g", as.numeric(cluster::daisy(frame, metric = "gower"))), sep = ",")
  cat("\n")
}
