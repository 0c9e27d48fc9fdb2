# Reference numbers for tests/test_elbow.py: the course's R elbow, written exactly as the course
# wrote it (plain base R, independent of pyseg's r_reference/elbow.R):
#
#   Rscript tests/reference/course_elbow.R path/to/Mall_Customers.csv
#
# prints one line per k: "k wcss" with 17 significant digits. The tests run this script with
# Rscript during the test run and compare pyseg's R side (through rpy2) and its elbow table with
# these numbers. Produced and checked with R 4.2.2 (Debian 12); on the course file it prints
# WCSS 66465.148102264677 at k = 5, where Python's 10 k-means++ starts reach 44448.455.

args <- commandArgs(trailingOnly = TRUE)
dataset <- read.csv(args[[1L]])
X <- dataset[4:5]

set.seed(6)
wcss <- vector()
for (i in 1:10) wcss[i] <- sum(kmeans(X, i)$withinss)

for (i in 1:10) cat(i, formatC(wcss[i], digits = 17, format = "g"), "\n")
