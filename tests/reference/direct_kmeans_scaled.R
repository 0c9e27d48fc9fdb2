# Where the R reference of tests/test_compare_methods.py comes from: the course's R K-Means on
# more features, written the R way and run directly with Rscript, independently of pyseg/rpy2:
#
#   dataset <- read.csv("Mall_Customers.csv")
#   X <- cbind(dataset[c(4, 5, 3)], Female = dataset$Genre == "Female",
#              Male = dataset$Genre == "Male")
#   X <- scale(X)                       # only with z
#   set.seed(29); kmeans(X, 5, iter.max = 300, nstart = 10)$tot.withinss
#
# Usage: Rscript tests/reference/direct_kmeans_scaled.R DATA.csv SHORT_NAMES [none|z]
#   SHORT_NAMES  comma-separated: income, score, age, gender (the course file's columns); gender
#                becomes one 0/1 column per level (levels sorted, every level kept)
# Prints the total within-cluster sum of squares with 17 significant digits.
#
# Produced on R 4.2.2 (Debian 12, r-base-core 4.2.2.20221110-2) for the course file:
#   income,score,age z: 167.40634227469056; income,score,age,gender none: 75448.451655541896;
#   income,score,age,gender z: 329.60867441616381
# The tests do not read these comment lines: they run this script and compare with what it prints.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
headers <- c(income = "Annual Income (k$)", score = "Spending Score (1-100)", age = "Age",
             gender = "Genre")
blocks <- list()
for (short in strsplit(args[2], ",", fixed = TRUE)[[1]]) {
  values <- dataset[[headers[[short]]]]
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
set.seed(29)
fit <- kmeans(X, 5, iter.max = 300, nstart = 10)
cat(sprintf("%.17g", fit$tot.withinss), "\n")
