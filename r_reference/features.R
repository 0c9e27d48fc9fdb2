# Feature matrices in R: what pyseg hands both languages, written the R way, and as a script for
# R learners:
#
#   Rscript r_reference/features.R path/to/Mall_Customers.csv columns [none|z]
#
# prints the first rows of the matrix for `columns` (header names, comma-separated).
#
# pyseg builds the matrix once, in Python, and sends the same numbers to R; this file is the
# R reading of the same rules, so that learners can reproduce it:
#   - a text column becomes one 0/1 indicator column per level, levels sorted, every level kept
#     (as pandas.get_dummies; R's model.matrix would drop the first level, which suits a
#     regression with an intercept but makes distances depend on which level sorts first);
#   - z is scale(X): centre, divide by the sample standard deviation (n - 1).

# Columns of a data frame as pyseg encodes them (numbers as they are, text as indicators).
feature_matrix <- function(dataset, columns) {
  blocks <- lapply(columns, function(name) {
    values <- dataset[[name]]
    if (is.numeric(values)) {
      block <- matrix(as.numeric(values), ncol = 1L, dimnames = list(NULL, name))
    } else {
      text <- trimws(as.character(values))
      levels <- sort(unique(text), method = "radix")  # byte order, as Python's sorted()
      block <- vapply(levels, function(level) as.numeric(text == level), numeric(length(text)))
      block <- matrix(block, ncol = length(levels),
                      dimnames = list(NULL, paste0(name, "=", levels)))
    }
    block
  })
  do.call(cbind, blocks)
}

# R's scale(), without its attributes: list(X, center, scale).
z_scale <- function(X) {
  scaled <- scale(X)
  list(X = unname(matrix(as.numeric(scaled), nrow = nrow(X))),
       center = as.numeric(attr(scaled, "scaled:center")),
       scale = as.numeric(attr(scaled, "scaled:scale")))
}

# The matrix exactly as R received it from pyseg (for the parity tests: max |dX| = 0).
as_received <- function(X) {
  X
}

main <- function(args) {
  if (length(args) < 2L || length(args) > 3L) {
    stop("usage: Rscript features.R data.csv columns [none|z]", call. = FALSE)
  }
  dataset <- read.csv(args[[1L]], check.names = FALSE)
  X <- feature_matrix(dataset, strsplit(args[[2L]], ",", fixed = TRUE)[[1L]])
  if (length(args) == 3L && args[[3L]] == "z") {
    names <- colnames(X)
    X <- z_scale(X)$X
    colnames(X) <- names
  }
  print(head(X), digits = 15)
  invisible(X)
}

if (identical(environment(), globalenv()) && !interactive()) {
  main(commandArgs(trailingOnly = TRUE))
}
