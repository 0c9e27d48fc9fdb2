"""One line per command, for its own parser and for ``pyseg --help``, which lists every command
without importing any of them (so it stays as quick as the interpreter's start)."""

from __future__ import annotations

#: Command -> its one-line help, in the order ``pyseg --help`` lists them.
COMMAND_HELP: dict[str, str] = {
    "compare": "run the course K-Means in Python and R and check that they agree",
    "check": "check your own K-Means answer (labels or centers) and name the mistake, if any",
    "fit": "fit the course K-Means, name the segments and save the model as JSON",
    "predict": "predict the segment of new customers (one, a CSV, a grid, or an interactive form)",
    "serve": "start the web form for classifying customers on a local port",
    "elbow": "elbow method and silhouettes in Python and R, k by k",
    "stability": "seed sweep and bootstrap stability per segment, Python and R",
    "gap": "gap statistic in Python and R, and cluster::clusGap, for k = 1..K",
    "record-r": "record R's results on a data set for checks without R",
    "synth": "write generated mall-like customer data (the course's columns) to a CSV file",
}
