# Facts about the R session that produced a result, for pyseg's provenance records.

# The text R prints for sessionInfo(), as a character vector of lines.
#
# The locale block is left out: it describes the user's terminal, not the computation, and would
# make otherwise identical records differ between machines.
session_info_lines <- function() {
  info <- utils::sessionInfo()
  info$locale <- NULL
  utils::capture.output(print(info, locale = FALSE))
}

# Versions of R and of the R pieces pyseg relies on, as a named list of strings.
r_component_versions <- function() {
  cluster_version <- if (requireNamespace("cluster", quietly = TRUE)) {
    as.character(utils::packageVersion("cluster"))
  } else {
    NA_character_
  }
  list(
    r = R.version.string,
    cluster = cluster_version,
    blas = as.character(extSoftVersion()[["BLAS"]]),
    lapack = as.character(La_library())
  )
}

# Versions of the named R packages (character vector `packages`, data, never code), as a named
# list of strings; NA where a package is not installed. For the method reports (dbscan,
# fastcluster, mclust, cluster); r_component_versions() above stays as K-Means records it.
r_package_versions <- function(packages) {
  packages <- as.character(packages)
  versions <- lapply(packages, function(name) {
    if (requireNamespace(name, quietly = TRUE)) {
      as.character(utils::packageVersion(name))
    } else {
      NA_character_
    }
  })
  names(versions) <- packages
  versions
}
