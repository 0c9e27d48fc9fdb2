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
#   refit:      K-Means (Lloyd from each given start, lowest WCSS kept) or hclust + cutree;
#   Jaccard:    for each original cluster j, the largest Jaccard similarity between j's rows in
#               the resample and a resample cluster (clusterboot's clujaccard, 0/0 = 0).

# Relative WCSS margin by which a later start must beat the best so far to replace it. Python
# uses the same rule, so that two starts reaching the same optimum (WCSS equal up to rounding)
# cannot be picked differently by the two languages.
START_TIE <- 1e-9

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

# Lloyd from each start (starts: S x k x d array), the lowest WCSS kept (ties: the first start).
# A start that ends with an empty cluster (R's Lloyd stops with an error) counts as failed.
# Returns a list: cluster (1-based), wcss, failed (number of failed starts).
best_lloyd <- function(X, starts, iter_max = 1000L) {
  best <- NULL
  failed <- 0L
  for (s in seq_len(dim(starts)[1L])) {
    centers <- matrix(starts[s, , ], nrow = dim(starts)[2L])
    km <- tryCatch(kmeans(X, centers = centers, iter.max = iter_max, algorithm = "Lloyd"),
                   error = function(e) NULL)
    if (is.null(km)) {
      failed <- failed + 1L
    } else if (is.null(best) || km$tot.withinss < best$tot.withinss -
               START_TIE * abs(best$tot.withinss)) {
      best <- km
    }
  }
  if (is.null(best)) stop("every start ended with an empty cluster", call. = FALSE)
  list(cluster = as.integer(best$cluster), wcss = best$tot.withinss, failed = failed)
}

# hclust + cutree, with pyseg's linkage names (ward is "ward.D2").
hclust_cut <- function(X, k, linkage = "ward") {
  methods <- c(ward = "ward.D2", complete = "complete", average = "average", single = "single")
  as.integer(cutree(hclust(dist(X), method = methods[[linkage]]), k = k))
}

# One refit: K-Means from the given starts, or the hierarchical cut.
refit <- function(X, k, method, starts, linkage, iter_max) {
  if (method == "kmeans") {
    return(best_lloyd(X, starts, iter_max))
  }
  list(cluster = hclust_cut(X, k, linkage), wcss = NA_real_, failed = 0L)
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
# (unused for hierarchical). Returns a list: cluster (the original partition, 1-based), jaccard
# (k x B matrix), failed (starts that ended with an empty cluster, over all fits).
bootstrap_jaccard <- function(X, k, index, lengths, starts, method = "kmeans",
                              linkage = "ward", iter_max = 1000L) {
  shaped <- function(b) array(starts[b, , , , drop = FALSE], dim = dim(starts)[2:4])
  original <- refit(X, k, method, shaped(1L), linkage, iter_max)
  B <- ncol(index)
  jaccard <- matrix(0, nrow = k, ncol = B)
  failed <- original$failed
  for (b in seq_len(B)) {
    rows <- index[seq_len(lengths[b]), b]
    fit <- refit(X[rows, , drop = FALSE], k, method, shaped(b + 1L), linkage, iter_max)
    failed <- failed + fit$failed
    jaccard[, b] <- max_jaccard(original$cluster[rows], fit$cluster, k)
  }
  list(cluster = original$cluster, jaccard = jaccard, failed = as.integer(failed))
}

# fpc::clusterboot itself, with its own draws: the independent cross-check.
#
# K-Means: clustermethod = kmeansCBI, krange = k, runs = 1 and kmeans' nstart = nstart (the best
# of nstart random starts, as the course fits). Hierarchical: hclustCBI with the linkage and
# scaling = FALSE (pyseg clusters the features as they are).
# Returns a list: partition (1-based), bootresult (k x B), bootmean.
clusterboot_check <- function(X, k, B, seed, nstart = 10L, method = "kmeans",
                              linkage = "ward", iter_max = 300L) {
  if (method == "kmeans") {
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::kmeansCBI,
                           krange = k, runs = 1L, nstart = nstart, iter.max = iter_max,
                           seed = seed, count = FALSE)
  } else {
    methods <- c(ward = "ward.D2", complete = "complete", average = "average",
                 single = "single")
    cb <- fpc::clusterboot(X, B = B, bootmethod = "boot", clustermethod = fpc::hclustCBI,
                           k = k, method = methods[[linkage]], scaling = FALSE, seed = seed,
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

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
