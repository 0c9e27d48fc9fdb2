# What stability.R and gap.R share: K-Means' best Lloyd run from given starts and mclust's
# starting partition and EM, the same in both (pyseg's bridge adds these functions to each
# script's environment, as its PYSEG_NEEDS asks; under Rscript each script sys.sources this file
# from its own folder). On its own, for R learners:
#
#   Rscript r_reference/resample_shared.R path/to/Mall_Customers.csv [k]
#
# prints mclust's starting partition hclass(hc(X), k) of columns 4 and 5 of the CSV (cluster
# sizes) and the EM iterations mclust's me takes from it (default k = 5).

# Relative WCSS margin by which a later start must beat the best so far to replace it. Python
# uses the same rule, so that two starts reaching the same optimum (WCSS equal up to rounding)
# cannot be picked differently by the two languages.
START_TIE <- 1e-9

# Lloyd from each start (starts: S x k x d array), the lowest WCSS kept (ties: the first start),
# exactly as kmeans(X, centers = <start>, iter.max = iter_max, algorithm = "Lloyd") per start.
# A start that kmeans() refuses (centers not distinct: it stops with an error) counts as failed;
# an empty cluster or no convergence are only warnings there, so such a start competes as it is.
# Returns a list: cluster (1-based), wcss, failed (number of failed starts).
#
# k >= 2 (stability and the gap refuse less; kmeans() would run MacQueen for k = 1). The loop
# calls the C routine kmeans() itself calls for Lloyd (.C(C_kmeans_Lloyd), the same arguments in
# the same storage modes) without kmeans()'s wrapping: the totals, scale() and the result object
# cost 7 times the fit on the course data (gap --B 100 makes 9,090 fits).
# kmeans()'s body is the same in R 4.2.2, 4.5.0 and 4.6.1; tests/reference/direct_lloyd_starts.R
# checks the two against each other on every R the CI runs.
best_lloyd <- function(X, starts, iter_max = 1000L) {
  k <- dim(starts)[2L]
  x <- as.matrix(X)
  storage.mode(x) <- "double"
  m <- nrow(x)
  p <- ncol(x)
  iter_max <- as.integer(iter_max)
  best <- NULL
  failed <- 0L
  for (s in seq_len(dim(starts)[1L])) {
    centers <- matrix(starts[s, , ], nrow = k)
    storage.mode(centers) <- "double"
    if (m < k || anyDuplicated(centers) > 0L) {
      failed <- failed + 1L
      next
    }
    Z <- .C(stats:::C_kmeans_Lloyd, x, m, p, centers = centers, k, c1 = integer(m),
            iter = iter_max, nc = integer(k), wss = double(k))
    wcss <- sum(Z$wss)
    if (is.null(best) || wcss < best$wcss - START_TIE * abs(best$wcss)) {
      best <- list(cluster = Z$c1, wcss = wcss)
    }
  }
  if (is.null(best)) stop("every start repeats a center (kmeans() refuses them all)", call. = FALSE)
  list(cluster = as.integer(best$cluster), wcss = best$wcss, failed = failed)
}

# mclust's hc, me, ... evaluate calls to their helpers in the caller's frame, so they are called
# from an environment that sees mclust's namespace (as in gmm.R).
mclust_call <- function(name, args) {
  do.call(name, args, envir = new.env(parent = asNamespace("mclust")))
}

# mclust's own starting partitions for k in ks, as Mclust(X, G = k) starts (gmm.R's gmm_start):
# hclass(hc(X), k); above mclust.options("subset") rows, hc on a seeded subset, the subset's
# partition extended to every row by one M-step and E-step. Returns an n x length(ks) matrix.
gmm_start_partitions <- function(X, ks, modelName = "VVV", seed = 29L) {
  n <- nrow(X)
  limit <- mclust::mclust.options("subset")
  rows <- X
  if (n > limit) {
    set.seed(seed)
    rows <- X[sample(seq_len(n), size = limit), , drop = FALSE]
  }
  tree <- mclust_call("hc", list(data = rows, modelName = mclust::mclust.options("hcModelName"),
                                 use = mclust::mclust.options("hcUse")))
  vapply(ks, function(k) {
    partition <- as.integer(mclust_call("hclass", list(tree, k)))
    if (n <= limit) return(partition)
    ms <- mclust_call("mstep", list(data = rows, modelName = modelName,
                                    z = mclust::unmap(partition, groups = seq_len(k))))
    es <- mclust_call("estep", list(data = X, modelName = modelName,
                                    parameters = ms$parameters))
    as.integer(max.col(es$z, ties.method = "first"))
  }, integer(n))
}

# EM from a partition (1-based), as pyseg's GMM exact mode: mclust::me(z = unmap(partition))
# with tol 1e-12 and no prior; the most probable component of every row (ties: the first), and
# the iterations me took. smaller: the option the error message advises to lower.
gmm_em <- function(X, k, partition, modelName = "VVV", tol = 1e-12, itmax = 100000L,
                   smaller = "k") {
  control <- mclust::emControl(tol = c(tol, sqrt(.Machine$double.eps)),
                               itmax = c(as.integer(itmax), .Machine$integer.max))
  fit <- mclust_call("me", list(data = X, modelName = modelName,
                                z = mclust::unmap(as.integer(partition), groups = seq_len(k)),
                                control = control))
  if (is.null(fit) || is.na(fit$loglik)) {
    stop("mclust's EM failed on ", nrow(X), " rows with ", k, " components (a singular ",
         "covariance): use a smaller ", smaller, call. = FALSE)
  }
  list(cluster = as.integer(max.col(matrix(fit$z, ncol = k), ties.method = "first")),
       iterations = as.integer(attr(fit, "info")[["iterations"]]))
}

show_start <- function(args) {
  if (length(args) < 1L || length(args) > 2L) {
    stop("usage: Rscript resample_shared.R path/to/data.csv [k]", call. = FALSE)
  }
  X <- as.matrix(read.csv(args[[1L]])[4:5])
  k <- if (length(args) >= 2L) as.integer(args[[2L]]) else 5L
  start <- gmm_start_partitions(X, k)[, 1L]
  print(table(start))
  cat("EM iterations from it:", gmm_em(X, k, start)$iterations, "\n")
  invisible(start)
}

# Only when Rscript runs this file itself (not when stability.R or gap.R sys.sources it).
if (identical(environment(), globalenv()) && !interactive() &&
    identical(basename(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1L])),
              "resample_shared.R")) {
  show_start(commandArgs(trailingOnly = TRUE))
}
