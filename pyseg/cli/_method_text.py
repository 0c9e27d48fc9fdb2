"""What ``pyseg compare --method M`` prints for the methods beyond K-Means, and the
``--method all`` table. Text only: every number comes computed in a :class:`MethodRun`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyseg._pipeline import MethodRun


def _header(run: MethodRun) -> list[str]:
    dataset, features = run.dataset, run.features
    scale = "z (R's scale(): centred, divided by the n - 1 standard deviation)" \
        if features.scale == "z" else "none"
    lines = [
        f"data      {dataset.source}",
        f"          {dataset.n_rows} rows; features {', '.join(dataset.feature_names)}; "
        f"scale {scale}",
    ]
    categorical = [c for c in features.columns if c.kind == "categorical"]
    for column in categorical:
        lines.append(f"          {column.name}: one 0/1 column per level "
                     f"({', '.join(column.levels)}), every level kept")
    check = run.feature_check
    if check:
        shown = f"R holds the same matrix (max |dX| {check['r_received_max_abs_diff']:.3g})"
        if "r_scale_max_abs_diff" in check:
            shown += f"; R's own scale() gives max |dX| {check['r_scale_max_abs_diff']:.3g}"
        lines.append(f"          {shown}")
    python, r = run.versions.get("scikit_learn"), run.versions.get("r") or "recorded R results"
    lines.append(f"versions  scikit-learn {python}, scipy {run.versions.get('scipy')}; {r}")
    return lines


def feature_lines(run: MethodRun) -> list[str]:
    """The lines on scaling, indicators and R's copy of the matrix (K-Means adds them to the
    course summary)."""
    return _header(run)[2:-1]


def _hierarchical(c: Any) -> list[str]:
    py, r = c.python, c.r
    lines = [
        f"method    hierarchical, {c.linkage} linkage, k={c.k}",
        f"Python    scipy linkage(X, {c.linkage!r}) cut to {c.k} clusters ({py.route} route)"
        + ("" if py.fcluster_clusters in (None, c.k)
           else f"; fcluster(maxclust={c.k}) would give {py.fcluster_clusters}"),
        f"R         cutree(hclust(dist(X), method = {_r_method(c.linkage)!r}), k = {c.k}) "
        f"({r.route} route)",
        "",
        f"agreement {c.agreement.accuracy:.4%} ({c.agreement.matched}/{py.labels.size} rows)   "
        f"ARI {c.agreement.ari:.6f}",
        f"heights   max |difference| of the sorted merge heights {c.max_height_diff:.3g}",
        "",
        f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}",
    ]
    py_sizes = _sizes(py.labels, c.k)
    r_sizes = _sizes(r.labels, c.k)
    lines += [f"{i:>7}  {py_sizes[i]:>7}  {r_sizes[i]:>6}" for i in range(c.k)]
    return lines


def _r_method(linkage: str) -> str:
    return "ward.D2" if linkage == "ward" else linkage


def _sizes(labels: Any, count: int) -> list[int]:
    sizes = [0] * count
    for label in labels.tolist():
        if 0 <= label < count:
            sizes[label] += 1
    return sizes


def _dbscan(c: Any, chosen: dict[str, Any]) -> list[str]:
    py, r = c.python, c.r
    eps_note = " (the knee of the k-nearest-neighbour distances; give --eps to choose)" \
        if "eps" in chosen else ""
    lines = [
        f"method    DBSCAN, eps={c.eps:g}{eps_note}, minPts={c.min_points} (the point itself "
        "counted)",
        f"Python    DBSCAN(eps={c.eps:g}, min_samples={c.min_points})",
        f"R         dbscan::dbscan(X, eps = {c.eps:g}, minPts = {c.min_points})",
        "",
        f"agreement {c.agreement.accuracy:.4%} ({c.agreement.matched}/{py.labels.size} rows, "
        f"noise with noise counted)   ARI {c.agreement.ari:.6f}",
        f"clusters  Python {py.n_clusters} (+ {py.n_noise} noise)   "
        f"R {r.n_clusters} (+ {r.n_noise} noise)",
        "",
        f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}",
    ]
    count = max(py.n_clusters, r.n_clusters)
    py_sizes, r_sizes = _sizes(py.labels, count), _sizes(r.labels, count)
    lines += [f"{i:>7}  {py_sizes[i]:>7}  {r_sizes[i]:>6}" for i in range(count)]
    lines.append(f"{'noise':>7}  {py.n_noise:>7}  {r.n_noise:>6}")
    return lines


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pam(c: Any) -> list[str]:
    call = "daisy(df, metric = \"gower\")" if c.distance == "gower" else "dist(X)"
    lines = [
        f"method    PAM, k={c.k}, {c.distance} distance",
        f"Python    kmedoids.pam(D, {c.k}, init=\"build\") on pyseg's {c.distance} distances",
        f"R         cluster::pam({call}, k = {c.k})",
        "",
        f"agreement {c.agreement.accuracy:.4%} ({c.agreement.matched}/{c.python.labels.size} "
        f"rows)   ARI {c.agreement.ari:.6f}",
        f"objective Python {c.python.objective:.12g}   R {c.r.objective:.12g}   (mean distance "
        "to the medoid)",
        "",
        f"{'cluster':>7}  {'size':>5}  medoid (Python = R; rows from 0, as in --json)"
        if c.same_medoids else f"{'cluster':>7}  {'size':>5}  medoid Python / medoid R "
        "(rows from 0, as in --json)",
    ]
    python, r = c.medoid_customers(c.python), c.medoid_customers(c.r)
    sizes = _sizes(c.python.labels, c.k)
    for index, (mine, theirs) in enumerate(zip(python, r, strict=True)):
        who = (f"customer {mine['id']} (row {mine['row']})" if mine["id"]
               else f"row {mine['row']}")
        values = ", ".join(f"{name} {_value(v)}" for name, v in mine["values"].items())
        line = f"{index:>7}  {sizes[index]:>5}  {who}: {values}"
        if theirs["row"] != mine["row"]:
            line += f"  /  R: row {theirs['row']}"
        lines.append(line)
    return lines


def _gmm(c: Any) -> list[str]:
    from_start = ("both start from mclust's partition hclass(hc(X), k)" if c.mode == "exact"
                  else "each starts its own way")
    lines = [
        f"method    Gaussian mixture, k={c.k}, covariance {c.covariance} (mclust "
        f"{_MCLUST.get(c.covariance, '?')}), mode {c.mode}: {from_start}",
        f"Python    GaussianMixture(n_components={c.k}, covariance_type={c.covariance!r})",
        f"R         mclust::Mclust(X, G = {c.k}, modelNames = "
        f"\"{_MCLUST.get(c.covariance, '?')}\")",
        "",
        f"agreement {c.agreement.accuracy:.4%} ({c.agreement.matched}/{c.python.labels.size} "
        f"rows)   ARI {c.agreement.ari:.6f}",
        f"logL      Python {c.python.loglik:.6f}   R {c.r.loglik:.6f}   |d| {c.loglik_diff:.3g}",
        "",
        f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}  {'weight Py':>9}  {'weight R':>8}",
    ]
    py_sizes, r_sizes = _sizes(c.python.labels, c.k), _sizes(c.r.labels, c.k)
    lines += [f"{i:>7}  {py_sizes[i]:>7}  {r_sizes[i]:>6}  {float(c.python.weights[i]):>9.4f}  "
              f"{float(c.r.weights[i]):>8.4f}" for i in range(c.k)]
    return lines


#: scikit-learn covariance type -> mclust model name.
_MCLUST = {"full": "VVV", "diag": "VVI", "spherical": "VII", "tied": "EEE"}


def _generic(run: MethodRun) -> list[str]:
    c = run.comparison
    name, value = run.measure()
    return [
        f"method    {run.method}",
        "",
        f"agreement {c.agreement.accuracy:.4%}   ARI {c.agreement.ari:.6f}",
        f"{name:<9} {value:.6g}",
    ]


#: Method -> the lines that describe its comparison (others: :func:`_generic`).
_DETAILS = {"hierarchical": lambda run: _hierarchical(run.comparison),
            "dbscan": lambda run: _dbscan(run.comparison, run.chosen),
            "pam": lambda run: _pam(run.comparison),
            "gmm": lambda run: _gmm(run.comparison)}


def format_method_summary(run: MethodRun) -> str:
    """The text ``compare --method M`` prints for a method other than K-Means."""
    c = run.comparison
    lines = [*_header(run), "", *_DETAILS.get(run.method, _generic)(run)]
    lines.append("")
    lines += [f"- {note}" for note in c.diagnosis]
    verdict = "PASS: parity holds" if c.passed else "FAIL: parity does not hold"
    reason = f"agreement {c.agreement.accuracy:.4f}, required >= {c.min_agreement:g}"
    if not c.passed and c.agreement.accuracy >= c.min_agreement:
        name, value = run.measure()
        reason += f", but {name} {value:.3g}: see above"
    lines.append(f"{verdict} ({reason})")
    return "\n".join(lines) + "\n"


def format_all(run: MethodRun) -> str:
    """The ``--method all`` table: method x (agreement, ARI, the method's own measure, passed)."""
    lines = _header(run)
    chosen = run.chosen
    if "eps" in chosen:
        lines.append(f"          DBSCAN eps={chosen['eps']:.6g}: the knee of the k-nearest-"
                     "neighbour distances (give --eps to choose)")
    lines += ["", f"{'method':<13} {'agreement':>9} {'ARI':>9}  {'own measure':<28} "
              f"{'value':>10}  passed"]
    for row in run.comparison.rows():
        if "error" in row:
            lines.append(f"{row['method']:<13} {'-':>9} {'-':>9}  not run: {row['error']}")
            continue
        lines.append(
            f"{row['method']:<13} {row['agreement']:>9.4f} {row['ari']:>9.6f}  "
            f"{row['measure']:<28} {row['value']:>10.3g}  {'yes' if row['passed'] else 'NO'}")
    failed = [row["method"] + (" (not run)" if "error" in row else "")
              for row in run.comparison.rows() if not row["passed"]]
    verdict = ("PASS: parity holds for every method" if run.comparison.passed
               else f"FAIL: parity does not hold for {', '.join(failed)}")
    lines += ["", verdict]
    return "\n".join(lines) + "\n"
