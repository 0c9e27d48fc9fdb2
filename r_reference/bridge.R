# How pyseg calls R: every call goes through pyseg_call so that R warnings are collected and
# returned with the value instead of being printed on the console.

# f: an R function; args: a named or unnamed list of its arguments.
# Returns list(value = <f's value>, warnings = <character vector of warning messages>).
pyseg_call <- function(f, args) {
  collected <- character()
  value <- withCallingHandlers(
    do.call(f, args),
    warning = function(w) {
      collected <<- c(collected, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  list(value = value, warnings = collected)
}

r_version_string <- function() {
  R.version.string
}
