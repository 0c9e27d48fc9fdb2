"""What ``pyseg compare --method M`` prints for the methods beyond K-Means, and the
``--method all`` table. Text only: every number comes computed in a :class:`MethodRun`; the lines
on one method's comparison are its report part's ``summary_lines(run)``
(``pyseg/methods/<name>/_report.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyseg import methods

if TYPE_CHECKING:
    from pyseg._pipeline import MethodRun


def _header(run: MethodRun) -> list[str]:
    dataset, features = run.dataset, run.features
    if features is None:  # the course's own run prints the course's table, not this header
        return [f"data      {dataset.source}"]
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


def _generic(run: MethodRun) -> list[str]:
    c = run.comparison
    name, value = run.measure()
    return [
        f"method    {run.method}",
        "",
        f"agreement {c.agreement.accuracy:.4%}   ARI {c.agreement.ari:.6f}",
        f"{name:<9} {value:.6g}",
    ]


def format_method_summary(run: MethodRun) -> str:
    """The text ``compare --method M`` prints for a method other than K-Means."""
    c = run.comparison
    spec = methods.part(run.method, "report")
    details = spec.summary_lines(run) if hasattr(spec, "summary_lines") else _generic(run)
    lines = [*_header(run), "", *details]
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
    for name in methods.NAMES:  # what a method chose itself, e.g. from a knee
        spec = methods.part(name, "report")
        lines += spec.chosen_lines(run.chosen) if hasattr(spec, "chosen_lines") else []
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
