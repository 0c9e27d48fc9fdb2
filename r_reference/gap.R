# The gap statistic in R, as functions pyseg calls through rpy2, and as a script for R learners:
#
#   Rscript r_reference/gap.R path/to/Mall_Customers.csv [kmax] [B] [seed]
#
# prints cluster::clusGap's table for kmeans (nstart = 10) on columns 4 and 5 of the CSV and its
# k under each of maxSE's rules (default kmax = 10, B = 100, seed = 1).
#
# pyseg's own gap (gap_logw below) follows cluster::clusGap exactly, but on reference data sets and
# starting centers that pyseg draws once and hands to both languages:
#   W_k    = 0.5 * sum over clusters r of (sum of pairwise distances^d_power in r) / n_r
#            (clusGap's W.k; for k = 1 every row is one cluster, nothing is fitted)
#   gap_k  = mean over references of log W_k  -  log W_k of the data
#   SE_k   = sqrt(1 + 1/B) * sd(log W_k over references)
# The partitions per k come from K-Means (Lloyd from the shared starts), hclust + cutree, PAM
# (cluster::pam(dist(X), k), deterministic) or a Gaussian mixture (mclust::me from mclust's own
# hclass(hc(X), k) start: gmm_gap_starts runs both, once per data set and k, and hands the starts
# and me's iteration counts to Python too); W_k is clusGap's formula on those partitions whatever
# the method.

# Clusters up to this size use dist(); larger ones are summed in blocks of rows (memory O(n)).
DIST_ROWS <- 3000L

# Sum of all pairwise distances^d_power among the rows of xs (each pair once, as dist()).
pair_sum <- function(xs, d_power) {
  n <- nrow(xs)
  if (n < 2L) return(0)
  if (n <= DIST_ROWS) return(sum(dist(xs)^d_power))
  total <- 0
  norms <- rowSums(xs^2)
  for (start in seq(1L, n, by = 1000L)) {
    rows <- start:min(n, start + 999L)
    squared <- outer(norms[rows], norms, "+") - 2 * xs[rows, , drop = FALSE] %*% t(xs)
    squared[squared < 0] <- 0
    block <- if (d_power == 2) squared else sqrt(squared)^d_power
    total <- total + sum(block)
  }
  total / 2  # every pair counted twice, the diagonal is 0
}

# clusGap's W.k of one partition.
within_dispersion <- function(X, cluster, d_power = 1) {
  0.5 * sum(vapply(split(seq_len(nrow(X)), cluster), function(rows) {
    pair_sum(X[rows, , drop = FALSE], d_power) / length(rows)
  }, numeric(1)))
}

# PAM as pyseg's compare --method pam runs it on numeric features (as in stability.R): the
# clustering of cluster::pam on the Euclidean distances D (a dist object), 1-based
# (cluster.only: the same clustering, without the silhouettes and summaries, 9% faster).
pam_cut <- function(D, k) {
  as.integer(cluster::pam(D, k = k, diss = TRUE, cluster.only = TRUE))
}

# The tolerance of the gap's EM: mclust's default (emControl()$tol[1]), the one Mclust itself
# uses, so that R's partitions are Mclust(x, G = k, modelNames = model)$classification, clusGap's
# own FUNcluster (clusgap_check) on pyseg's reference sets. (compare --mode exact and the
# bootstrap's refits use 1e-12; on the gap's uniform reference sets that took 6 times as many
# iterations, ~260,000 for B = 100, and R's me alone then took over 60 s.)
GAP_EM_TOL <- 1e-5

# mclust's EM on every data set for k = 2..k_max (one call for all sets): hc once per set, its
# hclass start for each k, then mclust's me from it to tol. Returns a list: starts and clusters,
# n x (k_max - 1) x M integer arrays ([, k - 1, m] the start for k components on set m and me's
# partition from it, gap_logw's R partitions), and iterations, an (k_max - 1) x M matrix of me's
# counts. Python runs EM for as many iterations, so that both stop at the same step (mclust's
# and scikit-learn's stopping rules differ).
gmm_gap_starts <- function(sets, k_max, modelName = "VVV", seed = 29L, tol = GAP_EM_TOL) {
  M <- dim(sets)[3L]
  n <- dim(sets)[1L]
  starts <- clusters <- array(0L, dim = c(n, k_max - 1L, M))
  iterations <- matrix(0L, nrow = k_max - 1L, ncol = M)
  for (m in seq_len(M)) {
    X <- matrix(sets[, , m], nrow = n)
    starts[, , m] <- gmm_start_partitions(X, 2:k_max, modelName, seed)
    for (k in 2:k_max) {
      fit <- gmm_em(X, k, starts[, k - 1L, m], modelName, tol, smaller = "--k-max")
      clusters[, k - 1L, m] <- fit$cluster
      iterations[k - 1L, m] <- fit$iterations
    }
  }
  list(starts = starts, clusters = clusters, iterations = iterations)
}

# log W_k for k = 1..k_max on each data set.
#
# sets: n x d x M array (set 1 is the data, sets 2..M pyseg's references); starts: M x (k_max - 1)
# x S x k_max x d array, [m, k - 1, s, 1:k, ] the s-th start for k clusters on set m (kmeans only);
# linkage: hclust's method name (pyseg's ward is "ward.D2"); clusters: gmm_gap_starts' clusters
# (gmm only: R's EM ran there, once per fit); model: mclust's model name (gmm_gap_starts' modelName,
# unused here).
# Returns a list: logw (M x k_max matrix) and failed (starts kmeans() refuses: repeated centers).
gap_logw <- function(sets, k_max, starts = NULL, method = "kmeans", linkage = "ward.D2",
                     d_power = 1, iter_max = 1000L, clusters = NULL, model = "VVV") {
  M <- dim(sets)[3L]
  logw <- matrix(0, nrow = M, ncol = k_max)
  failed <- 0L
  for (m in seq_len(M)) {
    X <- matrix(sets[, , m], nrow = dim(sets)[1L])
    tree <- if (method == "hierarchical") hclust(dist(X), method = linkage) else NULL
    D <- if (method == "pam") dist(X) else NULL
    for (k in seq_len(k_max)) {
      cluster <- if (k == 1L) {
        rep.int(1L, nrow(X))
      } else if (method == "kmeans") {
        s <- starts[m, k - 1L, , seq_len(k), , drop = FALSE]
        fit <- best_lloyd(X, array(s, dim = c(dim(starts)[3L], k, dim(starts)[5L])), iter_max)
        failed <- failed + fit$failed
        fit$cluster
      } else if (method == "pam") {
        pam_cut(D, k)
      } else if (method == "gmm") {
        clusters[, k - 1L, m]
      } else {
        as.integer(cutree(tree, k = k))
      }
      logw[m, k] <- log(within_dispersion(X, cluster, d_power))
    }
  }
  list(logw = logw, failed = as.integer(failed))
}

# cluster::maxSE's k under each of its rules, in this order.
MAXSE_RULES <- c("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")

max_se_rules <- function(f, se, se_factor = 1) {
  vapply(MAXSE_RULES, function(rule) {
    as.integer(cluster::maxSE(f, se, method = rule, SE.factor = se_factor))
  }, integer(1))
}

# cluster::clusGap itself, with its own draws (set.seed(seed) first): the independent check.
# K-Means: FUNcluster = kmeans with nstart and iter.max (R's default Hartigan-Wong);
# hierarchical: hclust + cutree; PAM: cluster::pam(x, k, cluster.only = TRUE); GMM:
# Mclust(x, G = k, modelNames = model)$classification (mclust's own start and tolerance).
# Returns a list: tab (clusGap's Tab: logW, E.logW, gap, SE.sim) and rules (k per maxSE rule).
clusgap_check <- function(X, k_max, B, seed, nstart = 10L, d_power = 1, space = "scaledPCA",
                          method = "kmeans", linkage = "ward.D2", iter_max = 300L,
                          model = "VVV") {
  fun <- switch(
    method,
    kmeans = function(x, k) kmeans(x, k, iter.max = iter_max, nstart = nstart),
    hierarchical = function(x, k) {
      list(cluster = cutree(hclust(dist(x), method = linkage), k = k))
    },
    pam = function(x, k) list(cluster = cluster::pam(x, k, cluster.only = TRUE)),
    gmm = function(x, k) {
      # mclust 6.1 names unnamed columns from the deparsed call (see gmm.R's gmm_fit)
      if (is.null(colnames(x))) colnames(x) <- paste0("x", seq_len(ncol(x)))
      fit <- mclust_call("Mclust", list(x, G = k, modelNames = model, verbose = FALSE))
      if (is.null(fit)) stop("Mclust could not fit ", k, " components", call. = FALSE)
      list(cluster = as.integer(fit$classification))
    },
    stop("unknown method '", method, "'", call. = FALSE))
  set.seed(seed)
  gap <- cluster::clusGap(X, FUNcluster = fun, K.max = k_max, B = B, d.power = d_power,
                          spaceH0 = space, verbose = FALSE)
  tab <- unname(gap$Tab)
  list(tab = tab, rules = max_se_rules(tab[, 3L], tab[, 4L]))
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 4L) {
    stop("usage: Rscript gap.R path/to/data.csv [kmax] [B] [seed]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]])
  k_max <- if (length(args) >= 2L) as.integer(args[[2L]]) else 10L
  B <- if (length(args) >= 3L) as.integer(args[[3L]]) else 100L
  seed <- if (length(args) >= 4L) as.integer(args[[4L]]) else 1L
  X <- as.matrix(dataset[4:5])
  check <- clusgap_check(X, k_max, B, seed)
  colnames(check$tab) <- c("logW", "E.logW", "gap", "SE.sim")
  print(check$tab, digits = 15)
  print(check$rules)
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
