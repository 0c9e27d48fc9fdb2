# Gaussian mixtures in R with mclust, as functions that pyseg calls through rpy2, and as a script
# for R learners:
#
#   Rscript r_reference/gmm.R path/to/Mall_Customers.csv [k] [model] [columns]
#
# prints the log-likelihood, mclust's BIC, the cluster sizes and the first rows' membership
# probabilities (columns 4 and 5 of the CSV unless `columns` names others, comma-separated).
#
# The R code is
#   fit <- mclust::Mclust(X, G = k, modelNames = "VVV")
#   fit$loglik; fit$bic; fit$classification; fit$z     # z: membership probabilities
#   predict(fit, newdata)$z
# Model names: VVV = scikit-learn's covariance_type "full", VVI "diag", VII "spherical",
# EEE "tied". mclust's BIC is 2 logL - p log n (higher is better); scikit-learn's bic() is
# minus that. Mclust starts EM from a model-based hierarchical clustering (mclust::hc, hclass);
# with more than 2,000 rows, from one of a random subset of 2,000 rows (set.seed first).
# pyseg's exact mode runs EM from a given partition instead:
#   mclust::me(data = X, modelName = "VVV", z = mclust::unmap(partition),
#              control = mclust::emControl(tol = c(1e-12, sqrt(.Machine$double.eps))))

mclust_available <- function() {
  as.integer(requireNamespace("mclust", quietly = TRUE))
}

need_mclust <- function() {
  if (!requireNamespace("mclust", quietly = TRUE)) {
    stop("the R package 'mclust' is not installed", call. = FALSE)
  }
}

# mclust's hc, me, Mclust... evaluate calls to their helpers (hcVVV, mclustBIC...) in the
# caller's frame, so they fail unless mclust is attached; pyseg never attaches packages, so they
# are called from an environment that sees mclust's namespace. `name`: one of mclust's functions
# (a constant of this file), `args`: its arguments.
mclust_call <- function(name, args) {
  do.call(name, args, envir = new.env(parent = asNamespace("mclust")))
}

# Mclust's own start for G = k: hclass(hc(X), k), on a seeded subset of rows above
# mclust.options("subset") rows, then extended to every row by one M-step and E-step.
gmm_start <- function(X, k, modelName = "VVV", seed = 29L) {
  need_mclust()
  n <- nrow(X)
  limit <- mclust::mclust.options("subset")
  hc_model <- mclust::mclust.options("hcModelName")
  hc_use <- mclust::mclust.options("hcUse")
  partition <- function(rows) {
    tree <- mclust_call("hc", list(data = rows, modelName = hc_model, use = hc_use))
    mclust_call("hclass", list(tree, k))
  }
  if (n <= limit) return(as.integer(partition(X)))
  set.seed(seed)
  subset <- sample(seq_len(n), size = limit)
  rows <- X[subset, , drop = FALSE]
  ms <- mclust_call("mstep", list(data = rows, modelName = modelName,
                                  z = mclust::unmap(partition(rows), groups = seq_len(k))))
  es <- mclust_call("estep", list(data = X, modelName = modelName,
                                  parameters = ms$parameters))
  as.integer(max.col(es$z, ties.method = "first"))
}

# What pyseg reads of a fit (mclust's parameters as plain arrays).
gmm_result <- function(fit, k, iterations = NA_integer_) {
  if (is.null(fit) || is.na(fit$loglik)) {
    stop("mclust could not fit this model (a singular covariance?)", call. = FALSE)
  }
  d <- ncol(fit$data %||% matrix(0, 0, nrow(as.matrix(fit$parameters$mean))))
  list(
    z = matrix(fit$z, ncol = k),
    loglik = as.numeric(fit$loglik),
    pro = as.numeric(fit$parameters$pro),
    mean = t(matrix(fit$parameters$mean, ncol = k)),
    sigma = as.numeric(fit$parameters$variance$sigma),
    iterations = as.integer(iterations)
  )
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# The fit pyseg compares. start NULL (course): Mclust(X, G = k, modelNames = modelName), seeded
# above 2,000 rows. start given (exact): me() from that partition (1-based), EM to tol.
gmm_fit <- function(X, k = 5L, modelName = "VVV", start = NULL, tol = 1e-12,
                    itmax = 100000L, seed = 29L) {
  need_mclust()
  if (is.null(start) || length(start) == 0L) {
    if (nrow(X) > mclust::mclust.options("subset")) set.seed(seed)
    # mclust 6.1 names unnamed columns from the deparsed call, which do.call() fills with the
    # whole matrix ("length of 'dimnames' not equal to array extent"): name them here
    if (is.null(colnames(X))) colnames(X) <- paste0("x", seq_len(ncol(X)))
    fit <- mclust_call("Mclust", list(X, G = k, modelNames = modelName, verbose = FALSE))
    return(gmm_result(fit, k))
  }
  z <- mclust::unmap(as.integer(start), groups = seq_len(k))
  control <- mclust::emControl(tol = c(tol, sqrt(.Machine$double.eps)),
                               itmax = c(as.integer(itmax), .Machine$integer.max))
  fit <- mclust_call("me", list(data = X, modelName = modelName, z = z, control = control))
  gmm_result(fit, k, attr(fit, "info")[["iterations"]])
}

# Membership probabilities of new rows under given parameters: what predict.Mclust computes
# (mclust::estep with the fit's parameters). pro: k; mean: k x d; sigma: d x d x k.
gmm_predict <- function(newdata, modelName, pro, mean, sigma) {
  need_mclust()
  k <- length(pro)
  d <- ncol(newdata)
  sigma <- array(sigma, dim = c(d, d, k))
  # each model reads its own form of the covariances (cdensVII: sigmasq, VVI: scale and
  # shape, EEE: Sigma, VVV: cholsigma); all are derived from the full matrices here
  diagonals <- matrix(apply(sigma, 3L, diag), nrow = d)
  scale <- apply(diagonals, 2L, function(v) prod(v)^(1 / d))
  variance <- list(modelName = modelName, d = d, G = k, sigma = sigma,
                   cholsigma = array(apply(sigma, 3L, chol), dim = c(d, d, k)),
                   sigmasq = diagonals[1L, ], scale = scale,
                   shape = sweep(diagonals, 2L, scale, "/"),
                   Sigma = sigma[, , 1L], cholSigma = chol(sigma[, , 1L]))
  parameters <- list(pro = pro, mean = t(mean), variance = variance)
  fit <- structure(list(modelName = modelName, G = k, d = d, parameters = parameters,
                        data = matrix(0, 0L, d), hypvol = NA, n = 0L,
                        classification = integer(0)),
                   class = "Mclust")
  matrix(mclust_call("predict", list(fit, newdata = newdata))$z, ncol = k)
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 4L) {
    stop("usage: Rscript gmm.R data.csv [k] [VVV|VVI|VII|EEE] [columns]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]], check.names = FALSE)
  k <- if (length(args) >= 2L) as.integer(args[[2L]]) else 5L
  model <- if (length(args) >= 3L) args[[3L]] else "VVV"
  columns <- if (length(args) == 4L && nzchar(args[[4L]])) {
    strsplit(args[[4L]], ",", fixed = TRUE)[[1L]]
  } else {
    colnames(dataset)[4:5]
  }
  X <- as.matrix(dataset[columns])
  fit <- mclust_call("Mclust", list(X, G = k, modelNames = model, verbose = FALSE))
  cat("log-likelihood:", format(fit$loglik, digits = 15), "\n")
  cat("BIC (mclust: 2 logL - p log n, higher is better):", format(fit$bic, digits = 15), "\n")
  cat("cluster sizes:", tabulate(fit$classification, nbins = k), "\n")
  print(round(head(fit$z), 4))
  invisible(fit)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
