# Where the R reference of tests/test_gmm.py comes from: R's own mclust, run directly with
# Rscript, independently of pyseg and rpy2.
#
# Usage: Rscript tests/reference/direct_mclust.R DATA.csv K MODEL
# Prints, for income and score (columns 4 and 5):
#   "course,<loglik>,<bic>"       fit <- Mclust(X, G = K, modelNames = MODEL); fit$loglik, fit$bic
#   "start,<labels>"              hclass(hc(X, "VVV", use = "SVD"), K): mclust's starting partition
#   "exact,<loglik>"              me(X, MODEL, z = unmap(start), tol = 1e-12)$loglik
#   "classification,<labels>"     of the exact fit
# Produced on R 4.2.2 with mclust 6.0.0: K = 5, VVV: course loglik -1755.3533752066, exact
# -1755.3442717172.

suppressPackageStartupMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
X <- as.matrix(dataset[4:5])
k <- as.integer(args[2])
model <- args[3]
fit <- Mclust(X, G = k, modelNames = model, verbose = FALSE)
cat("course", sprintf("%.17g", c(fit$loglik, fit$bic)), sep = ",")
cat("\n")
start <- hclass(hc(X, modelName = "VVV", use = "SVD"), k)
cat("start", start, sep = ",")
cat("\n")
exact <- me(data = X, modelName = model, z = unmap(start),
            control = emControl(tol = c(1e-12, sqrt(.Machine$double.eps))))
cat("exact", sprintf("%.17g", exact$loglik), sep = ",")
cat("\n")
cat("classification", map(exact$z), sep = ",")
cat("\n")
