# Learners' K-Means answers made in R, for tests/test_check.py: plain R, run with Rscript,
# independent of pyseg and rpy2. Each file is what a learner doing the course exercise in R
# might hand to `pyseg check`, one per finding:
#
#   r_match.csv          course code, CustomerID + cluster (1-based), rows shuffled, write.csv
#   r_centers.csv        course code, write.csv(km$centers) (row names 1..5)
#   r_local_optimum.txt  kmeans(X, 5) with a single start that lands in a worse optimum;
#                        one label per line, in the data's order
#   r_scaled.csv         kmeans(scale(X), 5, nstart = 10), write.csv(km$cluster) ("","x")
#   r_other_columns.csv  Age x Spending Score at k = 4, labels as names ("seg1"...), shuffled
#   r_other_k.csv        the course's columns at k = 4, CustomerID + cluster
#   r_unexplained.txt    labels drawn at random
#
# Usage: Rscript tests/reference/check_answers.R DATA.csv OUTDIR
# Prints "local_seed,<seed>,<wcss>,<course wcss>" for the local optimum it found.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[1], check.names = FALSE)
out <- args[2]
X <- dataset[4:5]
n <- nrow(dataset)

set.seed(29)
km <- kmeans(X, 5, iter.max = 300, nstart = 10)
set.seed(1)
shuffled <- sample(n)
write.csv(data.frame(CustomerID = dataset$CustomerID, cluster = km$cluster)[shuffled, ],
          file.path(out, "r_match.csv"))
write.csv(km$centers, file.path(out, "r_centers.csv"))

# A single start (R's default nstart = 1) that stops in a worse local optimum.
for (seed in 1:500) {
  set.seed(seed)
  single <- kmeans(X, 5)
  if (single$tot.withinss > km$tot.withinss * (1 + 1e-9)) break
}
writeLines(as.character(single$cluster), file.path(out, "r_local_optimum.txt"))
cat("local_seed", seed, sprintf("%.17g", single$tot.withinss), sprintf("%.17g", km$tot.withinss),
    sep = ",")
cat("\n")

set.seed(29)
scaled <- kmeans(scale(X), 5, iter.max = 300, nstart = 10)
write.csv(scaled$cluster, file.path(out, "r_scaled.csv"))

set.seed(29)
age <- kmeans(dataset[c(3, 5)], 4, iter.max = 300, nstart = 10)
write.csv(data.frame(CustomerID = dataset$CustomerID,
                     segment = paste0("seg", age$cluster))[shuffled, ],
          file.path(out, "r_other_columns.csv"), row.names = FALSE)

set.seed(29)
four <- kmeans(X, 4, iter.max = 300, nstart = 10)
write.csv(data.frame(CustomerID = dataset$CustomerID, cluster = four$cluster),
          file.path(out, "r_other_k.csv"), row.names = FALSE)

set.seed(3)
writeLines(as.character(sample(1:5, n, replace = TRUE)), file.path(out, "r_unexplained.txt"))
