# Tests of r_reference/predict.R: predict_nearest (nearest center, lowest index on a tie) and its
# Rscript entry point.
#
# The small examples are computed by hand (exact in binary floating point). The course-file
# number: R 4.2.2 (2022-11-10 r83330), Debian 12, computed by r_reference/predict.R's
# predict_nearest on the centers of r_reference/kmeans_course.R's course_kmeans under Rscript on
# 2026-11-29, printed with sprintf("%.17g").

prediction <- source_r_reference("predict.R")

test_that("predict_nearest returns the nearest center and the Euclidean distance to it", {
  centers <- rbind(c(0, 0), c(10, 0), c(0, 10))
  X <- rbind(c(3, 4), c(10, 1), c(1, 7), c(13, 4))
  result <- prediction$predict_nearest(X, centers)

  expect_identical(result$index, c(1L, 2L, 3L, 2L))
  expect_identical(result$distance, c(5, 1, sqrt(10), 5))
})

test_that("predict_nearest gives an exact tie to the lowest index", {
  # (1, 0) is exactly 1 from both (0, 0) and (2, 0).
  X <- matrix(c(1, 0), nrow = 1L)
  expect_identical(prediction$predict_nearest(X, rbind(c(0, 0), c(2, 0)))$index, 1L)
  expect_identical(prediction$predict_nearest(X, rbind(c(2, 0), c(0, 0)))$index, 1L)
  # A tie between the 2nd and 3rd of three centers goes to the 2nd, whichever of them it is.
  expect_identical(prediction$predict_nearest(X, rbind(c(9, 9), c(0, 0), c(2, 0)))$index, 2L)
  expect_identical(prediction$predict_nearest(X, rbind(c(9, 9), c(2, 0), c(0, 0)))$index, 2L)
  # Four-way tie around (1, 1): the first center wins; the distance is that of every center.
  tie <- prediction$predict_nearest(matrix(c(1, 1), nrow = 1L),
                                    rbind(c(2, 1), c(1, 2), c(0, 1), c(1, 0)))
  expect_identical(tie$index, 1L)
  expect_identical(tie$distance, 1)
})

test_that("predict_nearest names the course fit's segment of a customer (70, 80)", {
  # The course fit's centers in R's numbering (see test-kmeans_course.R); (70, 80) is nearest to
  # center 3, "Target" (high income, high spending).
  centers <- rbind(
    c(88.200000000000003, 17.114285714285714),
    c(26.304347826086957, 20.913043478260871),
    c(86.538461538461533, 82.128205128205124),
    c(25.727272727272727, 79.36363636363636),
    c(55.296296296296298, 49.518518518518519)
  )
  result <- prediction$predict_nearest(matrix(c(70, 80), nrow = 1L), centers)

  expect_identical(result$index, 3L)
  expect_equal(result$distance, 16.674830347769358, tolerance = 1e-12)
  expect_equal(result$distance, sqrt(sum((c(70, 80) - centers[3L, ])^2)), tolerance = 1e-15)
})

test_that("predict_nearest accepts integer data frames and zero rows", {
  centers <- rbind(c(0, 0), c(10, 0))
  result <- prediction$predict_nearest(data.frame(a = c(1L, 9L), b = c(0L, 0L)), centers)
  expect_identical(result$index, c(1L, 2L))
  expect_identical(result$distance, c(1, 1))

  empty <- prediction$predict_nearest(matrix(numeric(), ncol = 2L), centers)
  expect_identical(empty$index, integer())
  expect_identical(empty$distance, numeric())
})

test_that("predict_nearest refuses X and centers with different numbers of columns", {
  expect_error(
    prediction$predict_nearest(matrix(1, nrow = 1L, ncol = 3L), rbind(c(0, 0), c(1, 1))),
    "X has 3 columns but centers have 2",
    fixed = TRUE
  )
})

test_that("Rscript r_reference/predict.R prints the segment and distance", {
  rscript <- file.path(R.home("bin"), "Rscript")
  script <- file.path(r_reference_dir, "predict.R")
  out <- system2(rscript, shQuote(c(script, "1", "0", "2", "0", "0", "0")), stdout = TRUE,
                 stderr = TRUE)

  expect_null(attr(out, "status"))
  expect_identical(trimws(out), "segment: 1 distance: 1")
})
