# Reference for tests/test_gap.py: cluster::maxSE's k under each rule, called directly (no pyseg).
#
#   Rscript tests/reference/direct_maxse.R f1,f2,... se1,se2,...
#
# prints the five rules' k on one line, in maxSE's order: firstSEmax Tibs2001SEmax globalSEmax
# firstmax globalmax.
args <- commandArgs(trailingOnly = TRUE)
f <- as.numeric(strsplit(args[[1L]], ",", fixed = TRUE)[[1L]])
se <- as.numeric(strsplit(args[[2L]], ",", fixed = TRUE)[[1L]])
rules <- c("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax", "globalmax")
cat(vapply(rules, function(m) cluster::maxSE(f, se, method = m), numeric(1)), "\n")
