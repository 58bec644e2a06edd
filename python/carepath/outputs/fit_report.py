"""The report of ``carepath fit``: each fitted distribution over its
histogram, the routing counts and map, and the validation against the log,
as one self-contained HTML page."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..figure import new_figure
from ..io import atomic_path
from .report import STYLE, _png, _table

if TYPE_CHECKING:
    from ..analysis.fitting import FitResult


def _histogram(values: np.ndarray, dist: object, title: str) -> str:
    from ..model.distributions import Empirical

    fig, ax = new_figure(6.0, 3.2)
    ax.hist(values, bins=min(60, max(10, values.size // 20)), density=True, alpha=0.5, label="log")
    top = float(np.quantile(values, 0.995)) if values.size else 1.0
    frozen = getattr(dist, "frozen", None)
    if callable(frozen) and not isinstance(dist, Empirical):
        x = np.linspace(0.0, top, 200)
        with np.errstate(all="ignore"):
            ax.plot(x, frozen().pdf(x), lw=1.5, label=f"fitted {getattr(dist, 'dist', '')}")
    ax.set_xlim(0.0, top)
    ax.set_xlabel("duration")
    ax.set_title(title)
    ax.legend()
    return (
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{_png(fig)}"></figure>'
    )


def fit_report_html(result: FitResult) -> str:
    """The page, as text."""
    sc = result.scenario
    parts = [
        f"<h1>carepath fit: {html.escape(sc.name)}</h1>",
        f"<p class=muted>{html.escape(sc.description)}</p>",
        "<h2>What was fitted</h2>",
        _table(result.fitted),
    ]
    if result.validation is not None:
        met = int(result.validation["within"].sum())
        parts += [
            "<h2>The model against the log</h2>",
            f"<p>{met} of {len(result.validation)} KPIs within {result.tolerance:g} (relative); "
            "a wait near zero is compared with the tolerance of its service time.</p>",
            _table(result.validation),
        ]
    if result.distances is not None:
        parts += ["<h3>Event-log distances</h3>", _table(result.distances)]
    if result.moves is not None:
        moves = result.moves.reset_index().rename(columns={"index": "from"})
        parts += ["<h2>Routing: cases from each activity to the next</h2>", _table(moves)]
    parts.append("<h2>Service times</h2>")
    for step, values in result.durations.items():
        dist = sc.pathway[step].service
        parts.append(_histogram(values, dist, f"{step}: {getattr(dist, 'dist', '')}"))
    parts.append(f"<h2>The scenario</h2><pre>{html.escape(result.to_yaml())}</pre>")
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>carepath fit: {html.escape(sc.name)}</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def write_fit_report(result: FitResult, path: str | Path) -> Path:
    """Write the page to ``path`` atomically; returns the path."""
    out = Path(path)
    with atomic_path(out) as tmp:
        tmp.write_text(fit_report_html(result), encoding="utf-8")
    return out
