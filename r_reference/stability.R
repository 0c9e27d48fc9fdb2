# How sure are the segments? Seed sweeps and bootstrap stability in R, as functions pyseg calls
# through rpy2, and as a script for R learners:
#
#   Rscript r_reference/stability.R path/to/Mall_Customers.csv [k] [B] [seed]
#
# prints fpc::clusterboot's mean Jaccard per cluster for kmeans with k clusters (columns 4 and 5
# of the CSV, as the course selects them; default k = 5, B = 100, seed = 1).
#
# pyseg's own bootstrap (bootstrap_jaccard below) does what fpc::clusterboot does for
# bootmethod = "boot", but on row sets and starting centers that pyseg draws once and hands to
# both languages, so that R and Python refit the same resamples from the same starts:
#   resample b: the distinct rows of a bootstrap draw, in order of first appearance
#               (clusterboot's `unique(sample(n, n, replace = TRUE))`);
#   refit:      K-Means (Lloyd from each given start, lowest WCSS kept), hclust + cutree,
#               PAM (cluster::pam(dist(X), k): deterministic, no start needed) or a Gaussian
#               mixture (mclust::me from mclust's own hclass(hc(X), k) start, which R computes
#               once per resample, gmm_bootstrap_starts, and pyseg hands to Python too);
#   Jaccard:    for each original cluster j, the largest Jaccard similarity between j's rows in
#               the resample and a resample cluster (clusterboot's clujaccard, 0/0 = 0).

# The course fit for every seed: set.seed(seed); kmeans(X, k, iter.max, nstart) (Hartigan-Wong).
#
# X: numeric matrix (n x d); seeds: integer vector. Returns a list: wcss (one per seed) and
# clusters (n x length(seeds) integer matrix, 1-based).
seed_sweep <- function(X, k, seeds, nstart = 10L, iter_max = 300L) {
  fits <- lapply(seeds, function(seed) {
    set.seed(seed)
    kmeans(X, k, iter.max = iter_max, nstart = nstart)
  })
  list(
    wcss = vapply(fits, function(km) km$tot.withinss, numeric(1)),
    clusters = vapply(fits, function(km) as.integer(km$cluster), integer(nrow(X)))
  )
}

# hclust + cutree; linkage: hclust's method name (pyseg's ward is "ward.D2").
hclust_cut <- function(X, k, linkage = "ward.D2") {
  as.integer(cutree(hclust(dist(X), method = linkage), k = k))
}

# PAM as pyseg's compare --method pam runs it on numeric features: cluster::pam(dist(X), k),
# BUILD then SWAP (deterministic given the data). 1-based clustering.
pam_cut <- function(X, k) {
  as.integer(cluster::pam(dist(X), k = k, diss = TRUE, cluster.only = TRUE))
}

# The starting partition of the original fit and of every resample, and the EM iterations
# mclust's me takes from it to tol 1e-12 (one call for all): a list of starts, an n x (B + 1)
# matrix (column 1 the original data's, column b + 1 resample b's in its first lengths[b] rows,
# index as in bootstrap_jaccard), and iterations (B + 1). Python runs EM for as many iterations,
# so that both stop at the same step (mclust's and scikit-learn's stopping rules differ).
gmm_bootstrap_starts <- function(X, k, index, lengths, modelName = "VVV", seed = 29L) {
  starts <- matrix(0L, nrow = nrow(X), ncol = ncol(index) + 1L)
  iterations <- integer(ncol(index) + 1L)
  for (b in 0:ncol(index)) {
    rows <- if (b == 0L) seq_len(nrow(X)) else index[seq_len(lengths[b]), b]
    Y <- X[rows, , drop = FALSE]
    start <- gmm_start_partitions(Y, k, modelName, seed)
    starts[seq_along(rows), b + 1L] <- start
    iterations[b + 1L] <- gmm_em(Y, k, start, modelName)$iterations
  }
  list(starts = starts, iterations = iterations)
}

# One refit: K-Means from the given starts, the hierarchical cut, PAM, or EM from the given
# partition (gmm).
refit <- function(X, k, method, starts, linkage, iter_max, partition = NULL, model = "VVV") {
  if (method == "kmeans") {
    return(best_lloyd(X, starts, iter_max))
  }
  cluster <- switch(method,
                    hierarchical = hclust_cut(X, k, linkage),
                    pam = pam_cut(X, k),
                    gmm = gmm_em(X, k, partition, model)$cluster,
                    stop("unknown method '", method, "'", call. = FALSE))
  list(cluster = cluster, wcss = NA_real_, failed = 0L)
}

# For each original cluster, the largest Jaccard with a cluster of the resample (clujaccard).
# original: 1-based labels of the resampled rows in the original partition; found: their labels
# in the refit. Returns a numeric vector of length k.
max_jaccard <- function(original, found, k) {
  vapply(seq_len(k), function(j) {
    a <- original == j
    best <- 0
    for (c in sort(unique(found))) {
      b <- found == c
      both <- sum(a & b)
      union <- sum(a) + sum(b) - both
      value <- if (union == 0) 0 else both / union
      if (value > best) best <- value
    }
    best
  }, numeric(1))
}

# The bootstrap on pyseg's draws.
#
# X: numeric matrix (n x d); k: clusters; index: n x B integer matrix of 1-based row numbers, the
# first lengths[b] entries of column b being resample b's distinct rows; starts: (B + 1) x S x k x
# d array of starting centers, [1, , , ] for the original fit and [b + 1, , , ] for resample b
# (kmeans only); linkage: hclust's method name; partitions: for gmm, the starting partitions of
# gmm_bootstrap_starts (n x (B + 1), 1-based); model: mclust's model name. Returns a list:
# cluster (the original partition, 1-based), jaccard (k x B matrix), failed (starts kmeans()
# refuses, repeated centers, over all fits).
bootstrap_jaccard <- function(X, k, index, lengths, starts = NULL, method = "kmeans",
                              linkage = "ward.D2", iter_max = 1000L, partitions = NULL,
                              model = "VVV") {
  shaped <- function(b) array(starts[b, , , , drop = FALSE], dim = dim(starts)[2:4])
  start_of <- function(b, size) if (method == "gmm") partitions[seq_len(size), b] else NULL
  original <- refit(X, k, method, shaped(1L), linkage, iter_max, start_of(1L, nrow(X)), model)
  B <- ncol(index)
  jaccard <- matrix(0, nrow = k, ncol = B)
  failed <- original$failed
  for (b in seq_len(B)) {
    rows <- index[seq_len(lengths[b]), b]
    fit <- refit(X[rows, , drop = FALSE], k, method, shaped(b + 1L), linkage, iter_max,
                 start_of(b + 1L, lengths[b]), model)
    failed <- failed + fit$failed
    jaccard[, b] <- max_jaccard(original$cluster[rows], fit$cluster, k)
  }
  list(cluster = original$cluster, jaccard = jaccard, failed = as.integer(failed))
}

# fpc::clusterboot itself, with its own draws: the independent cross-check.
#
# K-Means: clustermethod = kmeansCBI, krange = k, runs = 1 and kmeans' nstart = nstart (the best
# of nstart random starts, as the course fits). Hierarchical: hclustCBI with the linkage and
# scaling = FALSE (pyseg clusters the features as they are). PAM: claraCBI with usepam = TRUE
# (cluster::pam on the Euclidean distances of X). GMM: noisemclustCBI with G = k, the model and
# nnk = 0 (no noise component): mclustBIC from mclust's own hc start, mclust's default tolerance.
# Returns a list: partition (1-based), bootresult (k x B), bootmean.
clusterboot_check <- function(X, k, B, seed, nstart = 10L, method = "kmeans",
                              linkage = "ward.D2", iter_max = 300L, model = "VVV") {
  if (method == "kmeans") {
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::kmeansCBI,
                           krange = k, runs = 1L, nstart = nstart, iter.max = iter_max,
                           seed = seed, count = FALSE)
  } else if (method == "pam") {
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::claraCBI,
                           k = k, usepam = TRUE, seed = seed, count = FALSE)
  } else if (method == "gmm") {
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::noisemclustCBI,
                           G = k, modelNames = model, nnk = 0L, seed = seed, count = FALSE)
    if (nrow(cb$bootresult) != k) {
      stop("clusterboot's mclust fit of the data has ", nrow(cb$bootresult), " non-empty ",
           "components, not ", k, call. = FALSE)
    }
  } else {
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::hclustCBI,
                           k = k, method = linkage, scaling = FALSE, seed = seed,
                           count = FALSE)
  }
  list(partition = as.integer(cb$partition), bootresult = unname(cb$bootresult),
       bootmean = as.numeric(cb$bootmean))
}

# 1L when fpc (clusterboot) can be loaded.
fpc_available <- function() {
  as.integer(requireNamespace("fpc", quietly = TRUE))
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 4L) {
    stop("usage: Rscript stability.R path/to/data.csv [k] [B] [seed]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]])
  k <- if (length(args) >= 2L) as.integer(args[[2L]]) else 5L
  B <- if (length(args) >= 3L) as.integer(args[[3L]]) else 100L
  seed <- if (length(args) >= 4L) as.integer(args[[4L]]) else 1L
  X <- as.matrix(dataset[4:5])
  check <- clusterboot_check(X, k, B, seed)
  print(data.frame(cluster = seq_len(k), size = tabulate(check$partition, k),
                   bootmean = check$bootmean), digits = 15)
  invisible(check)
}

# pyseg's bridge adds the functions of these pyseg R files to this file's environment.
PYSEG_NEEDS <- "resample_shared.R"

if (identical(environment(), globalenv()) && !interactive()) {
  # Under Rscript: the shared functions from resample_shared.R, beside this file.
  here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[[1L]]))
  sys.source(file.path(here, "resample_shared.R"), envir = globalenv())
  main(commandArgs(trailingOnly = TRUE))
}
