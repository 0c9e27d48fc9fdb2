# Shared set-up for the testthat tests of r_reference/ (run with
#   Rscript -e 'testthat::test_dir("tests/testthat")'
# from the repository root, or through tests/test_r_reference.py).
#
# testthat runs helpers and tests with the working directory set to this folder, so every path
# below is relative to it.

# The repository's r_reference/ folder.
r_reference_dir <- normalizePath(file.path("..", "..", "r_reference"), mustWork = TRUE)

# Source one file of r_reference/ into an environment of its own and return that environment.
#
# Each file ends with `if (identical(environment(), globalenv()) && !interactive()) main(...)`:
# sourced into the global environment under Rscript it would run its command-line `main()` (and
# stop with a usage error), so the files are never sourced there. One environment per file also
# keeps the files' `main()` functions apart.
source_r_reference <- function(name) {
  env <- new.env(parent = globalenv())
  sys.source(file.path(r_reference_dir, name), envir = env)
  env
}

# The course data set (never part of the repository): $PYSEG_COURSE_DATA, else
# ../shared/data/Mall_Customers.csv beside the checkout. Returns NULL when neither exists.
course_data_path <- function() {
  candidates <- c(
    Sys.getenv("PYSEG_COURSE_DATA"),
    file.path("..", "..", "..", "shared", "data", "Mall_Customers.csv")
  )
  candidates <- candidates[nzchar(candidates) & file.exists(candidates)]
  if (length(candidates) == 0L) NULL else normalizePath(candidates[[1L]])
}

# The course's feature matrix (columns 4 and 5 of the CSV, as the course selects them), or a skip
# when the course file is missing. Under CI (the CI variable is set) a missing file is an error,
# as in tests/conftest.py: CI must run every test.
course_X <- function() {
  path <- course_data_path()
  if (is.null(path)) {
    message <- paste(
      "course data not found: set PYSEG_COURSE_DATA or put Mall_Customers.csv in",
      "../shared/data beside the checkout"
    )
    if (nzchar(Sys.getenv("CI"))) stop(message, call. = FALSE)
    testthat::skip(message)
  }
  as.matrix(utils::read.csv(path)[4:5])
}

# Rows of a centers matrix sorted by their first, then second coordinate, so that expectations
# about a set of centers do not depend on how a fit happened to number its clusters.
sort_centers <- function(centers) {
  centers <- unname(as.matrix(centers))
  centers[order(centers[, 1L], centers[, 2L]), , drop = FALSE]
}
