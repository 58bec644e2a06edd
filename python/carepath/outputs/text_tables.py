"""Results as plain-text tables for the terminal."""

from __future__ import annotations

import pandas as pd

from ..analysis.bed_planning import LEVEL_METRIC, p_delay_table
from ..results.results import Results


def fmt(x: float) -> str:
    """A number in at most four significant figures (thousands separated)."""
    if pd.isna(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _with_ci(mean: float, lo: float, hi: float, percent: bool = False) -> str:
    if percent:
        if pd.isna(mean):
            return "-"
        if pd.isna(lo):
            return f"{mean:+.1%}"
        return f"{mean:+.1%} [{lo:+.1%}, {hi:+.1%}]"
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def summary_frame(res: Results) -> pd.DataFrame:
    """Metric x variant: each cell the mean and its 95% CI, as text."""
    summary = res.summary()
    cells = summary.assign(
        value=[
            _with_ci(m, lo, hi)
            for m, lo, hi in zip(summary["mean"], summary["ci_low"], summary["ci_high"])
        ]
    )
    table = cells.pivot(index="metric", columns="variant", values="value")
    return table.reindex(index=shown_metrics(res), columns=res.variants)


def shown_metrics(res: Results) -> list[str]:
    """The metrics a table of every metric shows: not the level-by-level
    occupancy shares (``occupancy_distribution`` gives them)."""
    return [m for m in res.metrics if not LEVEL_METRIC.match(m)]


def p_delay_text(res: Results) -> str:
    """P(delay) and "1 in n delayed" by bed count and variant, or ""."""
    table = p_delay_table(res)
    if table.empty:
        return ""
    out = ["Probability an admission finds every bed full (95% CI), and 1 in n delayed"]
    for name, rows in table.groupby("name", sort=False):
        cells = rows.assign(
            value=[
                f"{_with_ci(m, lo, hi)}  1 in {fmt(1 / m) if m > 0 else '-'}"
                for m, lo, hi in zip(rows["p_delay"], rows["ci_low"], rows["ci_high"])
            ]
        ).pivot(index="beds", columns="variant", values="value")
        out += ["", f"{name}:", cells.reindex(columns=res.variants).to_string()]
    return "\n".join(out)


def summary_title(res: Results) -> str:
    return (
        f"{res.scenario}: mean [95% CI] over {res.replications} replications, seed {res.seed} "
        f"(times in {res.time_unit})"
    )


def metric_tables(res: Results) -> str:
    """Every metric per variant (mean and CI), then each variant's paired difference."""
    out = [summary_title(res), summary_frame(res).to_string()]
    delay = p_delay_text(res)
    if delay:
        out += ["", delay]
    for variant in res.variants[1:]:
        cmp = res.compare(res.variants[0], variant)
        cmp = cmp[~cmp["metric"].str.match(LEVEL_METRIC)]
        shown = pd.DataFrame(
            {
                "metric": cmp["metric"],
                "difference": [
                    _with_ci(d, lo, hi)
                    for d, lo, hi in zip(cmp["diff"], cmp["ci_low"], cmp["ci_high"])
                ],
                "change": [f"{r:+.1%}" if pd.notna(r) else "-" for r in cmp["rel_change"]],
            }
        ).set_index("metric")
        out += [
            "",
            f"{variant} - {res.variants[0]} (paired, common random numbers)",
            shown.to_string(),
        ]
    return "\n".join(out)


def _published(row: pd.Series) -> str:
    if row["kind"] == "report":
        return "(report)"
    if isinstance(row["published"], str):  # expect: lower / higher
        return f"{row['published']} than baseline"
    if row["change"] == "relative":
        return f"{row['published']:+.0%} ± {row['tolerance'] * 100:.3g} pp"
    sign = "+" if row["change"] == "difference" and row["published"] > 0 else ""
    return f"{sign}{fmt(row['published'])} ± {fmt(row['tolerance'])}"


def target_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A target table (``Results.targets()``) as text cells: target, variant,
    kind, published, model [95% CI], within."""
    return pd.DataFrame(
        {
            "target": table["label"],
            "variant": table["variant"],
            "kind": table["kind"],
            "published": [_published(r) for _, r in table.iterrows()],
            "model [95% CI]": [
                _with_ci(m, lo, hi, percent=c == "relative")
                for m, lo, hi, c in zip(
                    table["model"], table["ci_low"], table["ci_high"], table["change"]
                )
            ],
            "within": ["-" if m is None else "yes" if m else "NO" for m in table["met"]],
        }
    )


def target_title(res: Results) -> str:
    return (
        f"{res.scenario}: published figures against the model, {res.replications} "
        f"replications, seed {res.seed}, common random numbers"
    )


def target_text(res: Results) -> str:
    """The scenario's targets: published figure, model value [95% CI], met or not."""
    table = res.targets()
    rows = target_frame(table)
    for column in ("target", "variant", "kind", "published"):  # text reads left-aligned
        rows[column] = rows[column].str.ljust(int(rows[column].str.len().max()))
    met = table["met"].dropna()
    return "\n".join(
        [
            target_title(res),
            rows.to_string(index=False, justify="left"),
            "",
            f"{int(met.sum())} of {len(met)} targets met (the whole 95% CI within the "
            "published tolerance); 'carepath run ... --all' prints every metric",
        ]
    )
