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

# Relative WCSS margin by which a later start must beat the best so far (as in stability.R and
# pyseg's Python side), so that equal optima are picked alike.
START_TIE <- 1e-9
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

# Lloyd from each start (S x k x d), lowest WCSS kept (ties: the first); failed starts counted.
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
  list(cluster = as.integer(best$cluster), failed = failed)
}

# log W_k for k = 1..k_max on each data set.
#
# sets: n x d x M array (set 1 is the data, sets 2..M pyseg's references); starts: M x (k_max - 1)
# x S x k_max x d array, [m, k - 1, s, 1:k, ] the s-th start for k clusters on set m (kmeans only).
# Returns a list: logw (M x k_max matrix) and failed (starts that ended with an empty cluster).
gap_logw <- function(sets, k_max, starts, method = "kmeans", linkage = "ward", d_power = 1,
                     iter_max = 1000L) {
  M <- dim(sets)[3L]
  logw <- matrix(0, nrow = M, ncol = k_max)
  failed <- 0L
  methods <- c(ward = "ward.D2", complete = "complete", average = "average", single = "single")
  for (m in seq_len(M)) {
    X <- matrix(sets[, , m], nrow = dim(sets)[1L])
    tree <- if (method == "kmeans") NULL else hclust(dist(X), method = methods[[linkage]])
    for (k in seq_len(k_max)) {
      cluster <- if (k == 1L) {
        rep.int(1L, nrow(X))
      } else if (method == "kmeans") {
        s <- starts[m, k - 1L, , seq_len(k), , drop = FALSE]
        fit <- best_lloyd(X, array(s, dim = c(dim(starts)[3L], k, dim(starts)[5L])), iter_max)
        failed <- failed + fit$failed
        fit$cluster
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
# hierarchical: hclust + cutree. Returns a list: tab (clusGap's Tab: logW, E.logW, gap, SE.sim)
# and rules (k per maxSE rule).
clusgap_check <- function(X, k_max, B, seed, nstart = 10L, d_power = 1, space = "scaledPCA",
                          method = "kmeans", linkage = "ward", iter_max = 300L) {
  methods <- c(ward = "ward.D2", complete = "complete", average = "average", single = "single")
  fun <- if (method == "kmeans") {
    function(x, k) kmeans(x, k, iter.max = iter_max, nstart = nstart)
  } else {
    function(x, k) list(cluster = cutree(hclust(dist(x), method = methods[[linkage]]), k = k))
  }
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

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
