# Tests of r_reference/kmeans_course.R: course_kmeans, lloyd_from and the Rscript entry point.
#
# Reference numbers on the course file (Mall_Customers.csv, 200 rows, sha256 901bc46e68f7178e...):
# R 4.2.2 (2022-11-10 r83330), Debian 12, reference BLAS/LAPACK 3.11.0, computed by
# r_reference/kmeans_course.R (course_kmeans / lloyd_from, sourced as in helper-r_reference.R) under
# Rscript on 2026-11-29, printed with sprintf("%.17g"). The course fit agrees with the header of
# tests/reference/direct_kmeans.R (the course's code run directly) and with README's table.

kmeans_course <- source_r_reference("kmeans_course.R")

# The course fit, set.seed(29); kmeans(X, 5, iter.max = 300, nstart = 10), in R's own cluster
# numbering (which the seed fixes).
course_centers <- rbind(
  c(88.200000000000003, 17.114285714285714),  # 1 Careful   (high income, low spending)
  c(26.304347826086957, 20.913043478260871),  # 2 Sensible  (low, low)
  c(86.538461538461533, 82.128205128205124),  # 3 Target    (high, high)
  c(25.727272727272727, 79.36363636363636),   # 4 Careless  (low, high)
  c(55.296296296296298, 49.518518518518519)   # 5 Standard  (middle, middle)
)
course_sizes <- c(35L, 23L, 39L, 22L, 81L)
course_tot_withinss <- 44448.455447933702

test_that("course_kmeans reproduces the course fit on the course file", {
  X <- course_X()
  fit <- kmeans_course$course_kmeans(X, k = 5L, seed = 29L, nstart = 10L)

  expect_equal(fit$centers, course_centers, tolerance = 1e-12)
  expect_identical(tabulate(fit$cluster, nbins = 5L), course_sizes)
  expect_equal(fit$tot_withinss, course_tot_withinss, tolerance = 1e-12)
  expect_identical(fit$ifault, 0L)
  # R 4.2.2 numbers the first customers 2, 4, 2, 4, ... (low income, alternately low and high
  # spending).
  expect_identical(head(fit$cluster, 6L), c(2L, 4L, 2L, 4L, 2L, 4L))
})

test_that("course_kmeans returns the documented list: 1-based integer labels, k x d centers", {
  X <- course_X()
  fit <- kmeans_course$course_kmeans(X)

  expect_named(fit, c("cluster", "centers", "tot_withinss", "iter", "ifault"))
  expect_type(fit$cluster, "integer")
  expect_length(fit$cluster, nrow(X))
  expect_setequal(unique(fit$cluster), 1:5)
  expect_identical(dim(fit$centers), c(5L, 2L))
  expect_null(dimnames(fit$centers))
  # Each center is the mean of its cluster, and tot_withinss the sum of squared distances to it.
  for (i in 1:5) {
    expect_equal(fit$centers[i, ], unname(colMeans(X[fit$cluster == i, , drop = FALSE])),
                 tolerance = 1e-12)
  }
  expect_equal(fit$tot_withinss, sum((X - fit$centers[fit$cluster, ])^2), tolerance = 1e-12)
})

test_that("course_kmeans on the matrix equals the course's code on the data frame", {
  # The file's claim: kmeans() turns the data frame into a double matrix first, so pyseg's numeric
  # matrix gives the same random draws and the same result as the course's `X <- dataset[4:5]`.
  X <- course_X()
  dataset <- utils::read.csv(course_data_path())
  set.seed(29)
  km <- kmeans(dataset[4:5], 5, iter.max = 300, nstart = 10)
  fit <- kmeans_course$course_kmeans(X)

  expect_identical(fit$cluster, as.integer(km$cluster))
  expect_equal(fit$centers, unname(km$centers), tolerance = 0)
  expect_identical(fit$tot_withinss, km$tot.withinss)
})

test_that("course_kmeans passes seed and nstart on to set.seed and kmeans", {
  # One random start after set.seed(1) stops in a worse local optimum (R 4.2.2, as above); with
  # set.seed(3) the single start already finds the course fit.
  X <- course_X()
  worse <- kmeans_course$course_kmeans(X, seed = 1L, nstart = 1L)
  expect_equal(worse$tot_withinss, 66531.978247356383, tolerance = 1e-12)
  best <- kmeans_course$course_kmeans(X, seed = 3L, nstart = 1L)
  expect_equal(best$tot_withinss, course_tot_withinss, tolerance = 1e-12)
})

test_that("lloyd_from runs Lloyd from the given centers to the fixed point (by hand)", {
  # Six points; computed by hand. From centers (0, 0) and (1, 1):
  #   step 1: cluster 1 = {(0, 0)}, cluster 2 = the other five, centers (0, 0) and (29/5, 6/5);
  #   step 2: (0, 2) and (1, 1) move to cluster 1: centers (1/3, 1) and (28/3, 1);
  #   step 3: nothing changes. WCSS = 2 * (10/9 + 10/9 + 4/9) = 16/3.
  X <- rbind(c(0, 0), c(0, 2), c(1, 1), c(9, 0), c(9, 2), c(10, 1))
  fit <- kmeans_course$lloyd_from(X, rbind(c(0, 0), c(1, 1)))

  expect_identical(fit$cluster, c(1L, 1L, 1L, 2L, 2L, 2L))
  expect_equal(fit$centers, rbind(c(1 / 3, 1), c(28 / 3, 1)), tolerance = 1e-14)
  expect_equal(fit$tot_withinss, 16 / 3, tolerance = 1e-14)
  expect_identical(fit$ifault, 0L)
})

test_that("lloyd_from from given centers on the course file reaches R 4.2.2's fixed point", {
  # From these five starting centers Lloyd stops in a local optimum next to the course fit: the
  # middle cluster keeps one customer (80 instead of 81) that the course fit gives to "Careful".
  X <- course_X()
  start <- rbind(c(20, 20), c(20, 80), c(55, 50), c(90, 20), c(90, 80))
  fit <- kmeans_course$lloyd_from(X, start)

  expected_centers <- rbind(
    c(26.304347826086957, 20.913043478260871),
    c(25.727272727272727, 79.36363636363636),
    c(55.087499999999999, 49.712499999999999),
    c(87.75, 17.583333333333332),
    c(86.538461538461533, 82.128205128205124)
  )
  expect_equal(fit$centers, expected_centers, tolerance = 1e-12)
  expect_identical(tabulate(fit$cluster, nbins = 5L), c(23L, 22L, 80L, 36L, 39L))
  expect_equal(fit$tot_withinss, 44454.476479679746, tolerance = 1e-12)
  expect_identical(fit$iter, 4L)
})

test_that("lloyd_from with k = 1 puts every point in one cluster at the mean", {
  X <- course_X()
  fit <- kmeans_course$lloyd_from(X, matrix(c(0, 0), nrow = 1L))

  expect_identical(fit$cluster, rep(1L, nrow(X)))
  expect_equal(fit$centers, matrix(unname(colMeans(X)), nrow = 1L), tolerance = 1e-12)
  # 269981.28: the total sum of squares of the course file (R 4.2.2, as above).
  expect_equal(fit$tot_withinss, 269981.28, tolerance = 1e-12)
})

test_that("Rscript r_reference/kmeans_course.R CSV prints the course's five centers", {
  X <- course_X()
  rscript <- file.path(R.home("bin"), "Rscript")
  script <- file.path(r_reference_dir, "kmeans_course.R")
  out <- system2(rscript, shQuote(c(script, course_data_path())), stdout = TRUE, stderr = TRUE)

  expect_null(attr(out, "status"))
  # print(centers, digits = 15): a header with the CSV's column names (as read.csv mangles them),
  # then one line "[i,] income score" per center.
  expect_match(out[[1L]], "Annual.Income..k..\\s+Spending.Score..1.100.")
  rows <- grep("^\\[[0-9]+,\\]", out, value = TRUE)
  expect_length(rows, 5L)
  values <- lapply(strsplit(trimws(sub("^\\[[0-9]+,\\]", "", rows)), "\\s+"), as.numeric)
  printed <- do.call(rbind, values)
  expect_equal(printed, course_centers, tolerance = 1e-12)
  expect_match(out, "^tot.withinss: 44448.455447933[67]", all = FALSE)
})

test_that("Rscript r_reference/kmeans_course.R with a bad argument list stops with its usage", {
  rscript <- file.path(R.home("bin"), "Rscript")
  script <- file.path(r_reference_dir, "kmeans_course.R")
  out <- suppressWarnings(system2(rscript, shQuote(script), stdout = TRUE, stderr = TRUE))

  expect_identical(attr(out, "status"), 1L)
  expect_match(out, "usage: Rscript kmeans_course.R", all = FALSE)
})
