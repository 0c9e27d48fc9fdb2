# Tests of r_reference/elbow.R: course_elbow, matched_elbow, silhouette_widths, course_clusplot.
#
# Reference numbers on the course file (Mall_Customers.csv, 200 rows, sha256 901bc46e68f7178e...):
# R 4.2.2 (2022-11-10 r83330), Debian 12, reference BLAS/LAPACK 3.11.0, cluster 2.1.4, computed by
# r_reference/elbow.R (course_elbow, matched_elbow, silhouette_widths, sourced as in
# helper-r_reference.R) under Rscript on 2026-11-29, printed with sprintf("%.17g"). The k = 5 WCSS
# is also in the header of tests/reference/course_elbow.R (the course's loop run directly).
# The silhouette of the small example is computed by hand below.

elbow <- source_r_reference("elbow.R")

# The course elbow: set.seed(6) once, then sum(kmeans(X, i)$withinss) for i = 1..10.
course_elbow_wcss <- c(
  269981.27999999997,
  186206.7600225861,
  106348.37306211116,
  73679.789039488373,
  66465.148102264677,  # a local optimum: the course fit (10 starts) reaches 44448.455447933702
  37442.247450375711,
  35620.047571130417,
  29995.055781335519,
  28601.893620913965,
  20598.971600238841
)

test_that("course_elbow reproduces R 4.2.2's course elbow WCSS for k = 1..10", {
  X <- course_X()
  result <- elbow$course_elbow(X, kmax = 10L, seed = 6L)

  expect_equal(result$wcss, course_elbow_wcss, tolerance = 1e-12)
  expect_identical(dim(result$clusters), c(nrow(X), 10L))
  expect_type(result$clusters, "integer")
  # Column i is the partition for k = i, labels 1..i.
  for (i in 1:10) expect_setequal(unique(result$clusters[, i]), seq_len(i))
  expect_length(result$iter, 10L)
})

test_that("course_elbow at k = 1 is the total sum of squares around the mean", {
  X <- course_X()
  result <- elbow$course_elbow(X, kmax = 1L)
  expect_equal(result$wcss, sum(scale(X, scale = FALSE)^2), tolerance = 1e-12)
})

test_that("course_elbow is the course's loop: one set.seed, then kmeans(X, i) for each k", {
  X <- course_X()
  set.seed(6)
  wcss <- vector()
  for (i in 1:10) wcss[i] <- sum(kmeans(X, i)$withinss)

  expect_identical(elbow$course_elbow(X)$wcss, wcss)
})

test_that("matched_elbow seeds every k on its own, with 10 starts", {
  X <- course_X()
  both <- elbow$matched_elbow(X, c(3L, 5L))
  alone <- elbow$matched_elbow(X, 5L)

  # With 10 starts k = 5 reaches the course fit's WCSS, not the course elbow's local optimum.
  expect_equal(both$wcss, c(106348.37306211116, 44448.455447933702), tolerance = 1e-12)
  expect_identical(both$wcss[[2L]], alone$wcss[[1L]])
  expect_identical(both$clusters[, 2L], alone$clusters[, 1L])
})

test_that("silhouette_widths of a small partition, computed by hand", {
  # Points 0, 1, 10, 11 on a line, clusters {0, 1} and {10, 11}. Every point has a = 1;
  # b = 10.5 for the outer points (0 and 11) and 9.5 for the inner ones, so
  # s = 1 - 1/10.5 = 19/21 and 1 - 1/9.5 = 17/19, in row order.
  X <- cbind(c(0, 1, 10, 11), 0)
  result <- elbow$silhouette_widths(X, c(1L, 1L, 2L, 2L))

  expect_equal(result$widths, c(19 / 21, 17 / 19, 17 / 19, 19 / 21), tolerance = 1e-14)
  expect_equal(result$mean, (19 / 21 + 17 / 19) / 2, tolerance = 1e-14)
})

test_that("silhouette_widths accepts any label coding and keeps the row order of X", {
  X <- cbind(c(11, 0, 10, 1), 0)
  result <- elbow$silhouette_widths(X, c(7L, 3L, 7L, 3L))
  expect_equal(result$widths, c(19 / 21, 19 / 21, 17 / 19, 17 / 19), tolerance = 1e-14)
})

test_that("silhouette_widths of the course fit equals cluster::silhouette and R 4.2.2's mean", {
  X <- course_X()
  set.seed(29)
  labels <- kmeans(X, 5, iter.max = 300, nstart = 10)$cluster
  result <- elbow$silhouette_widths(X, labels)

  direct <- cluster::silhouette(labels, stats::dist(X))
  expect_equal(result$widths, as.numeric(direct[, "sil_width"]), tolerance = 0)
  expect_equal(result$mean, mean(direct[, "sil_width"]), tolerance = 0)
  expect_equal(result$mean, 0.55393199744464805, tolerance = 1e-12)
  expect_identical(elbow$silhouette_mean(X, labels), result$mean)
})

test_that("silhouette_widths of a single cluster is NA", {
  X <- course_X()
  result <- elbow$silhouette_widths(X, rep(1L, nrow(X)))
  expect_identical(result$mean, NA_real_)
  expect_identical(result$widths, rep(NA_real_, nrow(X)))
})

test_that("cluster_available says whether the cluster package loads", {
  expect_identical(elbow$cluster_available(), as.integer(requireNamespace("cluster", quietly = TRUE)))
})

test_that("course_clusplot writes a PNG file and returns its path", {
  X <- course_X()
  set.seed(29)
  labels <- kmeans(X, 5, iter.max = 300, nstart = 10)$cluster
  path <- tempfile(fileext = ".png")
  on.exit(unlink(path))

  expect_identical(elbow$course_clusplot(X, labels, path), path)
  expect_gt(file.size(path), 1000)
  png_signature <- as.raw(c(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))
  expect_identical(readBin(path, "raw", 8L), png_signature)
})
