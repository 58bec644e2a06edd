"""A self-contained HTML report of a run: figures embedded, tables, the
scenario's inputs and sources, and what is needed to reproduce it."""

from __future__ import annotations

import base64
import html
import io
import os
import platform
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import yaml

from ..analysis.bed_planning import LEVEL_METRIC, p_delay_table
from ..io import atomic_path

if TYPE_CHECKING:
    from ..model import Scenario
    from ..results.results import Results

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.8rem 0 1.6rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.met { color: #176117; } td.missed { color: #a11; font-weight: 600; }
figure { margin: 1rem 0 2rem; } figure img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
.muted { color: #666; }
"""


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "–"
        return f"{value:,.4g}"
    return html.escape(str(value))


def _table(frame: pd.DataFrame, css: dict[int, str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cls = f' class="{css[i]}"' if css and i in css else ""
        cells = "".join(
            f"<td{cls if j == len(row) - 1 else ''}>{_fmt(v)}</td>" for j, v in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _versions() -> dict[str, str]:
    from .. import __version__

    out = {"carepath": __version__, "python": platform.python_version(), "numpy": np.__version__}
    out["pandas"] = pd.__version__
    out["platform"] = platform.platform()
    return out


def report_html(res: Results, sc: Scenario, figures: bool = True) -> str:
    """The report of ``res`` (a run of ``sc``) as one HTML page."""
    parts = [
        f"<h1>{html.escape(sc.name)}</h1>",
        f"<p class=muted>{html.escape(sc.description)}</p>",
    ]
    source = sc.source or {}
    if source:
        parts.append("<h2>Source</h2>")
        if "title" in source:
            parts.append(f"<p>{html.escape(str(source['title']))}</p>")
        if source.get("figures"):
            items = "".join(f"<li>{html.escape(str(f))}</li>" for f in source["figures"])
            parts.append(f"<ul>{items}</ul>")
    reps = int(res.per_replication["replication"].nunique())
    parts.append(
        f"<p>{reps} replications of each variant ({', '.join(res.variants)}), seed "
        f"{res.seed}, common random numbers; 95% confidence intervals over replications.</p>"
    )
    if res.target_specs:
        table = res.targets()
        shown = table[["label", "variant", "kind", "published", "tolerance", "model"]].copy()
        shown["95% CI"] = [
            f"[{_fmt(a)}, {_fmt(b)}]" for a, b in zip(table["ci_low"], table["ci_high"])
        ]
        shown["within"] = [
            "yes" if m is True else ("–" if m is None else "NO") for m in table["met"]
        ]
        css = {
            i: "met" if m is True else "missed" for i, m in enumerate(table["met"]) if m is not None
        }
        parts += ["<h2>Published figures against the model</h2>", _table(shown, css)]
    if figures:
        from .plots import figures as standard_figures

        parts.append("<h2>Figures</h2>")
        for name, fig in standard_figures(res):
            parts.append(
                f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{_png(fig)}">'
                f"<figcaption>{html.escape(name)}</figcaption></figure>"
            )
    delay = p_delay_table(res)
    if not delay.empty:
        delay["95% CI"] = [
            f"[{_fmt(a)}, {_fmt(b)}]" for a, b in zip(delay["ci_low"], delay["ci_high"])
        ]
        parts += [
            "<h2>Probability of delay by bed count</h2>",
            "<p>The chance that an admission finds every bed full, from the occupancy "
            "distribution of a run with unconstrained beds, and 1 in n patients delayed.</p>",
            _table(delay[["name", "beds", "variant", "p_delay", "95% CI", "one_in_n"]]),
        ]
    summary = res.summary()
    summary = summary[~summary["metric"].str.contains(r"\[|\.h\d\d$", regex=True)]
    summary = summary[~summary["metric"].str.match(LEVEL_METRIC)]
    parts += [
        "<h2>Every metric</h2>",
        _table(summary[["variant", "metric", "mean", "ci_low", "ci_high", "n"]]),
    ]
    inputs = yaml.safe_dump(sc.model_dump(mode="json", exclude_defaults=True), sort_keys=False)
    rerun = f"carepath report {sc.name} --seed {res.seed} --replications {reps}"
    versions = pd.DataFrame(list(_versions().items()), columns=["software", "version"])
    parts += [
        "<h2>Scenario</h2>",
        f"<pre>{html.escape(inputs)}</pre>",
        "<h2>Reproducing this report</h2>",
        f"<pre>{html.escape(rerun)}</pre>",
        _table(versions),
        f"<p class=muted>Made {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.</p>",
    ]
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>carepath: {html.escape(sc.name)}</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def write_report(
    res: Results, sc: Scenario, path: str | os.PathLike[str], figures: bool = True
) -> None:
    """Write the report atomically."""
    text = report_html(res, sc, figures)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
