"""The what-if explorer (``carepath explore``): a grid of parameter points,
each run with the scenario's seed (common random numbers), handed over as
one self-contained HTML page whose sliders look the grid up."""

from __future__ import annotations

import html
import itertools
import json
import math
import os
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..io import atomic_path
from ..results.results import Results
from .report import STYLE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..model import Scenario

# levels of a float range given without STEPS
DEFAULT_STEPS = 5


def levels_of(path: str, spec: Any) -> list[Any]:
    """A parameter's levels: a list of values, or ``"LOW:HIGH[:STEPS]"``
    (integers when LOW and HIGH are and the steps fall on integers).

    Raises
    ------
    ScenarioError
        Naming the parameter, for a range that cannot be read.
    """
    if isinstance(spec, str):
        parts = spec.split(":")
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            low, high = float(parts[0]), float(parts[1])
            integral = all("." not in p and "e" not in p.lower() for p in parts[:2])
            steps = (
                int(parts[2])
                if len(parts) == 3
                else (int(high - low) + 1 if integral else DEFAULT_STEPS)
            )
        except ValueError:
            raise ScenarioError(
                f"--param {path}", f"must be LOW:HIGH or LOW:HIGH:STEPS, got '{spec}'"
            ) from None
        if steps < 1 or high < low or (steps == 1 and high != low):
            raise ScenarioError(
                f"--param {path}",
                f"needs LOW <= HIGH and at least 2 steps, got '{spec}'",
            )
        points = np.linspace(low, high, steps) if steps > 1 else np.array([low])
        if integral and np.allclose(points, np.round(points)):
            return [int(v) for v in np.round(points)]
        return [float(f"{v:.12g}") for v in points]
    listed = list(spec)
    if not listed:
        raise ScenarioError(f"--param {path}", "has no values")
    return listed


def default_metrics(res: Results, sc: Scenario) -> list[str]:
    """What the explorer shows unless told: the targets' metrics, the
    derived ones, each seize step's mean wait, each resource's utilisation
    and the mean time in system."""
    wanted = [t.metric for t in sc.targets]
    wanted += list(sc.results.derived or {})
    wanted += [m for m in res.metrics if m.startswith("wait.") and m.endswith(".mean")]
    wanted += [m for m in res.metrics if m.startswith("utilisation.") and m.count(".") == 1]
    wanted.append("system_time.mean")
    have = set(res.metrics)
    return [m for m in dict.fromkeys(wanted) if m in have]


@dataclass
class Explorer:
    """A grid of what-ifs and its page.

    Attributes
    ----------
    scenario
        The scenario explored.
    params
        Each parameter's path and levels, in slider order.
    grid
        One row per (point, variant, metric): the parameters' values, the
        mean over replications and its 95% interval (as ``cp.run`` gives).
    targets
        One row per (point, target): whether it was met.
    replications, seed
        Of every point.
    variants, metrics
        What the page shows, in its order.
    """

    scenario: Scenario
    params: dict[str, list[Any]]
    grid: pd.DataFrame
    targets: pd.DataFrame
    replications: int
    seed: int
    variants: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        """How many points the grid has."""
        return math.prod(len(v) for v in self.params.values())

    def to_json(self) -> dict[str, Any]:
        """The grid as the page embeds it: per variant and metric, flat
        arrays over the points in C order of the parameters' levels."""
        data: dict[str, dict[str, list[list[float | None]]]] = {}
        for (variant, metric), rows in self.grid.groupby(["variant", "metric"], sort=False):
            rows = rows.sort_values("point")
            data.setdefault(str(variant), {})[str(metric)] = [
                [_number(v) for v in rows[c]] for c in ("mean", "ci_low", "ci_high")
            ]
        met = [
            {
                "label": label,
                "variant": str(rows["variant"].iloc[0]),
                "metric": str(rows["metric"].iloc[0]),
                "met": [None if m is None else bool(m) for m in rows.sort_values("point")["met"]],
            }
            for label, rows in self.targets.groupby("label", sort=False)
        ]
        return {
            "scenario": self.scenario.name,
            "replications": self.replications,
            "seed": self.seed,
            "params": [{"path": p, "values": v} for p, v in self.params.items()],
            "points": self.points,
            "variants": self.variants,
            "metrics": self.metrics,
            "data": data,
            "targets": met,
        }

    def html(self) -> str:
        """The page: inline script and style, the grid as JSON."""
        return explorer_html(self)

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the page atomically."""
        text = self.html()
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")

    def _repr_html_(self) -> str:
        # a notebook shows the page in a frame of its own (its script and
        # element ids kept apart from the notebook's)
        page = html.escape(self.html(), quote=True)
        return f'<iframe srcdoc="{page}" style="width:100%;height:52rem;border:0"></iframe>'


def _number(v: Any) -> float | None:
    x = float(v)
    return None if not math.isfinite(x) else float(f"{x:.8g}")


def explore(
    scenario: Any,
    params: Mapping[str, Sequence[Any] | str],
    *,
    replications: int | None = None,
    seed: int | None = None,
    variants: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> Explorer:
    """Run a grid of what-ifs and hand it over as one HTML page.

    Parameters
    ----------
    scenario
        A Scenario, a built-in id, a YAML path or a mapping.
    params
        Dotted path -> its levels: a list, or ``"LOW:HIGH[:STEPS]"``.  Every
        combination is run.
    replications, seed
        Of each point (default the scenario's); every point has the same seed
        (common random numbers), so a point's numbers are those ``cp.run``
        gives there.
    variants, metrics
        What the page shows (default every variant; the targets' and derived
        metrics, the mean waits, the utilisations, the time in system).
    out
        Write the page here.
    progress
        A progress bar over the points.

    Returns
    -------
    Explorer
        The grid, and the page (``.html()``, ``.write(path)``; shown inline
        in a notebook).
    """
    from tqdm.auto import tqdm

    from ..engine.run import run
    from ..model.loading import load

    sc = load(scenario)
    levels = {path: levels_of(path, spec) for path, spec in params.items()}
    if not levels:
        raise ScenarioError("params", "name at least one parameter to explore")
    reps = int(replications if replications is not None else sc.replications)
    seed_ = int(seed if seed is not None else sc.seed)
    rows: list[dict[str, Any]] = []
    met_rows: list[dict[str, Any]] = []
    shown: list[str] = []
    names: list[str] = []
    points = list(itertools.product(*levels.values()))
    for i, values in enumerate(tqdm(points, desc="explore", disable=not progress)):
        point = dict(zip(levels, values))
        res = run(sc, replications=reps, seed=seed_, variants=variants, changes=point)
        if i == 0:
            names = list(metrics) if metrics else default_metrics(res, sc)
            missing = [m for m in names if m not in res.metrics]
            if missing:
                raise ScenarioError("metrics", f"no metric {missing[0]!r} in this scenario")
            shown = list(res.variants)
        summary = res.summary()
        summary = summary[summary["metric"].isin(names)]
        for r in summary.itertuples(index=False):
            rows.append(
                {
                    "point": i,
                    **point,
                    "variant": r.variant,
                    "metric": r.metric,
                    "mean": r.mean,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                }
            )
        if res.target_specs:
            for t in res.targets().itertuples(index=False):
                met_rows.append(
                    {
                        "point": i,
                        "label": t.label,
                        "variant": t.variant,
                        "metric": t.metric,
                        "met": t.met,
                    }
                )
    grid = pd.DataFrame(rows)  # by point, then variant and metric
    targets = pd.DataFrame(met_rows, columns=["point", "label", "variant", "metric", "met"])
    result = Explorer(sc, levels, grid, targets, reps, seed_, shown, names)
    if out is not None:
        result.write(out)
    return result


def explorer_html(ex: Explorer) -> str:
    """The self-contained page of an explorer (no server, no network)."""
    script = resources.files("carepath.outputs").joinpath("explorer.js").read_text("utf-8")
    grid = json.dumps(ex.to_json(), separators=(",", ":")).replace("</", "<\\/")
    sliders = "".join(
        f"<label class=slider><span class=name>{html.escape(path)}</span>"
        f'<input type="range" data-param="{html.escape(path)}" min="0" '
        f'max="{len(values) - 1}" step="1" value="0" '
        f'data-values="{html.escape(json.dumps(values))}">'
        f"<output>{html.escape(str(values[0]))}</output></label>"
        for path, values in ex.params.items()
    )
    title = html.escape(ex.scenario.name)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>carepath explore: {title}</title><style>{STYLE}{EXPLORER_STYLE}</style></head>"
        f"<body>\n<h1>{title}: what if?</h1>"
        f"<p class=muted>{html.escape(ex.scenario.description)}</p>"
        f"<p class=muted>{ex.points} points, {ex.replications} replications each, seed "
        f"{ex.seed} at every point (common random numbers); 95% intervals over "
        "replications.  Move a slider: every number below is the grid's, computed "
        "beforehand.</p>"
        f"<div id=sliders>{sliders}</div>"
        "<div id=targets></div><div id=tables></div>"
        "<h2>Waits</h2><div id=waits class=plot></div>"
        "<h2>Utilisation</h2><div id=utilisation class=plot></div>"
        "<h2>Against each parameter</h2><p><select id=kpi></select></p>"
        "<div id=curves class=plot></div>"
        f'<script type="application/json" id="carepath-grid">{grid}</script>'
        f"<script>{script}</script>\n</body></html>\n"
    )


EXPLORER_STYLE = """
#sliders { display: grid; gap: 0.4rem; margin: 1rem 0; }
.slider { display: grid; grid-template-columns: 18rem 1fr 5rem; align-items: center; gap: 0.8rem; }
.slider .name { font-family: monospace; font-size: 0.85rem; }
.slider output { font-weight: 600; }
.tables { display: flex; gap: 2rem; flex-wrap: wrap; }
.plot svg { max-width: 100%; }
td.met { color: #176117; } td.missed { color: #a11; font-weight: 600; }
"""


@Results.register("explore")
def _explore(res: Results, params: Mapping[str, Sequence[Any] | str], **options: Any) -> Explorer:
    """[`explore`][carepath.outputs.explorer.explore] the scenario of these
    results, with their seed and replications unless given."""
    options.setdefault("seed", res.seed)
    options.setdefault("replications", res.replications)
    return explore(res.model if res.model is not None else res.scenario, params, **options)
