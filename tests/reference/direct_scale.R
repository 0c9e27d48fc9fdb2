# Where the R reference of tests/test_features.py comes from: R's own indicator columns and
# scale(), run directly with Rscript, independently of pyseg and rpy2:
#
#   dataset <- read.csv("Mall_Customers.csv")
#   X <- cbind(dataset[c(4, 5, 3)], Female = dataset$Genre == "Female",
#              Male = dataset$Genre == "Male")
#   scale(X)
#
# Usage: Rscript tests/reference/direct_scale.R DATA.csv COLUMNS [none|z]
#   COLUMNS  comma-separated header names; a text column becomes one 0/1 column per level
#            (levels sorted in byte order, every level kept)
# Prints one line per row: "row,<x1>,<x2>,..." with 17 significant digits.
#
# Produced on R 4.2.2 (Debian 12, r-base-core 4.2.2.20221110-2) for the course file with
# "Annual Income (k$),Spending Score (1-100),Age,Genre" and z: the first row is
# -1.734646247082269,-0.43371311410706131,-1.4210029051351947,-1.1253282349446478,1.1253282349446478
# The tests do not read these comment lines: they run this script and compare with what it prints.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
columns <- strsplit(args[2], ",", fixed = TRUE)[[1]]
blocks <- list()
for (name in columns) {
  values <- dataset[[name]]
  if (is.numeric(values)) {
    blocks[[length(blocks) + 1]] <- as.numeric(values)
  } else {
    for (level in sort(unique(values), method = "radix")) {
      blocks[[length(blocks) + 1]] <- as.numeric(values == level)
    }
  }
}
X <- do.call(cbind, blocks)
if (length(args) >= 3 && args[3] == "z") X <- scale(X)
for (i in seq_len(nrow(X))) {
  cat("row", sprintf("%.17g", X[i, ]), sep = ",")
  cat("\n")
}
