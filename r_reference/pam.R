# PAM (k-medoids) in R with the cluster package, as functions that pyseg calls through rpy2, and
# as a script for R learners:
#
#   Rscript r_reference/pam.R path/to/Mall_Customers.csv [k] [columns] [distance]
#
# prints the medoids (rows and CustomerID), the cluster sizes and the objective (columns 4 and 5
# of the CSV unless `columns` names others, comma-separated; distance euclidean or gower).
#
# The R code is
#   X <- dataset[c("Annual Income (k$)", "Spending Score (1-100)")]
#   p <- cluster::pam(dist(X), k)                           # Euclidean
#   D <- cluster::daisy(df, metric = "gower")               # text columns as factors
#   p <- cluster::pam(D, k)
#   p$id.med; p$clustering; p$objective["swap"]
# pam() runs BUILD then SWAP (pamonce = FALSE, the original algorithm); its objective is the mean
# distance of the rows to their medoids. daisy's Gower distance: numeric columns scaled to
# (x - min) / range and compared by |x_i - x_j|, factors by "same level or not", averaged.

cluster_available <- function() {
  as.integer(requireNamespace("cluster", quietly = TRUE))
}

# The columns as read, in order: kinds[j] says whether column j is the next column of `numeric`
# (a numeric matrix) or of `categorical` (a character matrix). Returns a list of vectors.
mixed_columns <- function(numeric, categorical, kinds) {
  columns <- vector("list", length(kinds))
  i <- 0L
  j <- 0L
  for (position in seq_along(kinds)) {
    if (kinds[[position]] == "numeric") {
      i <- i + 1L
      columns[[position]] <- as.numeric(numeric[, i])
    } else {
      j <- j + 1L
      columns[[position]] <- as.character(categorical[, j])
    }
  }
  columns
}

# The data frame daisy() gets: numeric columns as numbers, the others as factors.
gower_frame <- function(columns, names) {
  frame <- as.data.frame(lapply(columns, function(v) if (is.character(v)) factor(v) else v),
                         stringsAsFactors = FALSE)
  names(frame) <- names
  frame
}

# The distances pam() runs on: daisy(frame, "gower") or dist(X).
pam_distances <- function(X, columns = NULL, names = NULL, distance = "euclidean") {
  if (distance == "gower") {
    return(cluster::daisy(gower_frame(columns, names), metric = "gower"))
  }
  if (distance != "euclidean") stop("unknown distance '", distance, "'", call. = FALSE)
  dist(X)
}

# The fit pyseg compares. X: numeric matrix (n x d); columns/names: the columns as read (Gower).
# Returns a list: medoids (1-based rows, id.med), cluster (1-based: cluster j is medoid j),
# objective (build, swap: mean distances), and the distances themselves when keep_distances.
pam_fit <- function(X, k = 5L, columns = NULL, names = NULL, distance = "euclidean",
                    keep_distances = FALSE) {
  if (!requireNamespace("cluster", quietly = TRUE)) {
    stop("the R package 'cluster' is not installed", call. = FALSE)
  }
  D <- pam_distances(X, columns, names, distance)
  p <- cluster::pam(D, k = k, diss = TRUE)
  list(
    medoids = as.integer(p$id.med),
    cluster = as.integer(p$clustering),
    objective = as.numeric(p$objective),
    distances = if (isTRUE(as.logical(keep_distances))) as.numeric(D) else NULL
  )
}

# pam_fit() with the columns as pyseg sends them (see mixed_columns()).
pam_fit_mixed <- function(X, numeric, categorical, kinds, names, k = 5L, distance = "euclidean",
                          keep_distances = FALSE) {
  pam_fit(X, k = k, columns = mixed_columns(numeric, categorical, kinds), names = names,
          distance = distance, keep_distances = keep_distances)
}

# New rows to their nearest medoid. medoids/new: lists of columns (numeric or character) with the
# same names; minimum/range: the training columns' (NA for factors), so that Gower scales new
# rows as the fit's rows were scaled (daisy on the new rows alone would use their own ranges).
pam_nearest <- function(medoids, new, minimum, range, distance = "euclidean") {
  n_new <- length(new[[1L]])
  n_med <- length(medoids[[1L]])
  D <- matrix(0, n_new, n_med)
  for (j in seq_along(new)) {
    a <- new[[j]]
    b <- medoids[[j]]
    if (distance == "gower" && is.character(a)) {
      D <- D + outer(a, b, "!=")
    } else if (distance == "gower") {
      D <- D + abs(outer((a - minimum[j]) / range[j], (b - minimum[j]) / range[j], "-"))
    } else {
      D <- D + outer(a, b, "-")^2
    }
  }
  D <- if (distance == "gower") D / length(new) else sqrt(D)
  as.integer(max.col(-D, ties.method = "first"))
}

# pam_nearest() with the columns as pyseg sends them.
pam_nearest_mixed <- function(medoid_numeric, medoid_categorical, new_numeric, new_categorical,
                              kinds, minimum, range, distance = "euclidean") {
  pam_nearest(mixed_columns(medoid_numeric, medoid_categorical, kinds),
              mixed_columns(new_numeric, new_categorical, kinds), minimum, range, distance)
}

main <- function(args) {
  if (length(args) < 1L || length(args) > 4L) {
    stop("usage: Rscript pam.R data.csv [k] [columns] [euclidean|gower]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]], check.names = FALSE)
  k <- if (length(args) >= 2L) as.integer(args[[2L]]) else 5L
  columns <- if (length(args) >= 3L && nzchar(args[[3L]])) {
    strsplit(args[[3L]], ",", fixed = TRUE)[[1L]]
  } else {
    colnames(dataset)[4:5]
  }
  distance <- if (length(args) == 4L) args[[4L]] else "euclidean"
  values <- lapply(columns, function(name) dataset[[name]])
  X <- if (distance == "euclidean") as.matrix(dataset[columns]) else NULL
  fit <- pam_fit(X, k = k, columns = values, names = columns, distance = distance)
  cat("medoid rows:", fit$medoids, "\n")
  if ("CustomerID" %in% colnames(dataset)) {
    cat("medoid CustomerID:", as.character(dataset$CustomerID[fit$medoids]), "\n")
  }
  cat("cluster sizes:", tabulate(fit$cluster, nbins = k), "\n")
  cat("objective (mean distance to the medoid):", format(fit$objective[2L], digits = 15), "\n")
  invisible(fit)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
