# Tests of r_reference/pam.R (cluster::pam on dist or daisy Gower, nearest medoid) and
# r_reference/gmm.R (mclust's start, Mclust, me from a partition, predict).
#
# The small examples are computed by hand (exact in binary floating point). The course-file checks
# compare gmm.R's functions with mclust's own calls made here directly (Mclust, me, predict), so
# they hold on any mclust version: R 4.2.2, mclust 6.0.0 gave logL -1755.3533752065866 (Mclust,
# G = 5, VVV) and -1755.3442717172097 (me to tol 1e-12 from the same start, 43 iterations).

pam <- source_r_reference("pam.R")
gmm <- source_r_reference("gmm.R")

# An environment that sees mclust's namespace: mclust's functions call their helpers (mclustBIC,
# meVVV...) in the caller's frame, which fails unless mclust is attached (gmm.R's mclust_call does
# the same).
in_mclust <- function(...) list2env(list(...), parent = asNamespace("mclust"))

test_that("pam_fit finds the middle of two groups as medoids, with the mean distance", {
  X <- matrix(c(0, 1, 2, 10, 11, 12), ncol = 1L)
  fit <- pam$pam_fit(X, k = 2L)
  expect_identical(fit$medoids, c(2L, 5L))
  expect_identical(fit$cluster, c(1L, 1L, 1L, 2L, 2L, 2L))
  # swap objective: mean distance to the medoid, (1 + 0 + 1 + 1 + 0 + 1) / 6
  expect_equal(fit$objective[[2L]], 4 / 6)
  expect_null(fit$distances)
  expect_identical(pam$pam_fit(X, k = 2L, keep_distances = TRUE)$distances, as.numeric(dist(X)))
})

test_that("pam_distances is daisy's Gower: scaled numeric differences and level mismatches", {
  columns <- list(c(0, 5, 10), c("a", "a", "b"))
  D <- pam$pam_distances(NULL, columns, c("x", "g"), distance = "gower")
  # d(1,2) = (0.5 + 0) / 2, d(1,3) = (1 + 1) / 2, d(2,3) = (0.5 + 1) / 2
  expect_identical(as.numeric(D), c(0.25, 1, 0.75))
  expect_error(pam$pam_distances(NULL, columns, c("x", "g"), distance = "manhattan"),
               "unknown distance")
})

test_that("pam_fit_mixed rebuilds the columns in their order from pyseg's two matrices", {
  numeric <- cbind(c(1, 2, 3), c(7, 8, 9))
  categorical <- cbind(c("m", "f", "m"))
  columns <- pam$mixed_columns(numeric, categorical, c("numeric", "categorical", "numeric"))
  expect_identical(columns, list(c(1, 2, 3), c("m", "f", "m"), c(7, 8, 9)))
  kinds <- c("categorical", "numeric")
  fit <- pam$pam_fit_mixed(NULL, cbind(c(0, 1, 2, 10, 11, 12)),
                           cbind(c("a", "a", "a", "b", "b", "b")), kinds, c("g", "x"),
                           k = 2L, distance = "gower")
  expect_identical(fit$medoids, c(2L, 5L))
})

test_that("pam_nearest puts new rows at their nearest medoid, Gower on the training ranges", {
  medoids <- list(c(0, 10), c("a", "b"))
  new <- list(c(1, 9, 6), c("b", "a", "b"))
  # training ranges: numeric column min 0, range 20; row 1: d = (0.05 + 1) / 2 to medoid 1,
  # (0.45 + 0) / 2 to medoid 2
  nearest <- pam$pam_nearest(medoids, new, minimum = c(0, NA), range = c(20, NA),
                             distance = "gower")
  expect_identical(nearest, c(2L, 1L, 2L))
  euclid <- pam$pam_nearest(list(c(0, 10)), list(c(4, 6, 5)), NA, NA, distance = "euclidean")
  expect_identical(euclid, c(1L, 2L, 1L))  # a tie (5) goes to the first medoid
})

test_that("gmm_start is Mclust's own start: EM from it to mclust's tolerance is Mclust's fit", {
  X <- course_X()
  start <- gmm$gmm_start(X, 5L, "VVV")
  expect_length(start, nrow(X))
  expect_setequal(unique(start), 1:5)
  own <- evalq(Mclust(X, G = 5, modelNames = "VVV", verbose = FALSE), in_mclust(X = X))
  # Mclust's default emControl: tol 1e-5, no iteration limit
  from_start <- gmm$gmm_fit(X, 5L, "VVV", start = start, tol = 1e-5,
                            itmax = .Machine$integer.max)
  expect_identical(from_start$loglik, own$loglik)
  expect_identical(gmm$gmm_fit(X, 5L, "VVV")$loglik, own$loglik)
})

test_that("gmm_fit from a partition is mclust's me() with a tight tolerance", {
  X <- course_X()
  start <- gmm$gmm_start(X, 5L, "VVV")
  direct <- evalq(
    me(data = X, modelName = "VVV", z = unmap(start),
       control = emControl(tol = c(1e-12, sqrt(.Machine$double.eps)),
                           itmax = c(100000L, .Machine$integer.max))),
    in_mclust(X = X, start = start)
  )
  fit <- gmm$gmm_fit(X, 5L, "VVV", start = start)
  expect_identical(fit$loglik, direct$loglik)
  expect_equal(fit$iterations, as.integer(attr(direct, "info")[["iterations"]]))
  expect_identical(fit$z, matrix(direct$z, ncol = 5L))
  expect_gt(fit$loglik, gmm$gmm_fit(X, 5L, "VVV", start = start, tol = 1e-5,
                                    itmax = .Machine$integer.max)$loglik)
})

test_that("gmm_predict gives predict.Mclust's memberships from the parameters alone", {
  X <- course_X()
  for (model in c("VVV", "VVI", "VII", "EEE")) {
    fit <- evalq(Mclust(X, G = 3, modelNames = model, verbose = FALSE),
                 in_mclust(X = X, model = model))
    new <- rbind(c(20, 80), c(70, 50), c(120, 10))
    expected <- predict(fit, newdata = new)$z
    sigma <- as.numeric(fit$parameters$variance$sigma)
    z <- gmm$gmm_predict(new, model, fit$parameters$pro, t(fit$parameters$mean), sigma)
    expect_equal(z, unname(matrix(expected, ncol = 3L)), tolerance = 1e-12, info = model)
  }
})
