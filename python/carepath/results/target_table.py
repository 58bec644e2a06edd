"""Holding a run to its scenario's published figures: the target table."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .intervals import t_interval
from .results import Results

if TYPE_CHECKING:
    from ..model.targets import Target

COLUMNS = [
    "label",
    "variant",
    "kind",
    "metric",
    "change",
    "published",
    "tolerance",
    "model",
    "ci_low",
    "ci_high",
    "n",
    "met",
]


def ratio_of_means(x: np.ndarray, y: np.ndarray, level: float) -> tuple[float, float, float, int]:
    """``mean(x) / mean(y)`` over paired replications, with a delta-method interval.

    The ratio is linearised through ``d_i = x_i - R y_i``, whose mean is zero
    at the estimate; its spread gives the standard error of ``R``.
    """
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    if n == 0 or y.mean() == 0:
        return (np.nan, np.nan, np.nan, n)
    ratio = float(x.mean() / y.mean())
    if n == 1:
        return (ratio, np.nan, np.nan, 1)
    _, _, lo, hi, _ = t_interval(x - ratio * y, level)
    scale = float(y.mean())
    lo, hi = sorted((ratio + lo / scale, ratio + hi / scale))
    return (ratio, lo, hi, n)


def ratio_interval(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float, int]:
    """``mean(b) / mean(a) - 1`` (a relative change) over paired replications."""
    ratio, lo, hi, n = ratio_of_means(b, a, level)
    return (ratio - 1, lo - 1, hi - 1, n)


def check_metrics(targets: list[Target], known: list[str]) -> None:
    """Raise a ScenarioError naming the first target whose metric is not in ``known``."""
    for j, t in enumerate(targets):
        for field, name in (("metric", t.metric), ("per", t.per)):
            if name is not None and name not in known:
                hint = difflib.get_close_matches(name, known, n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                raise ScenarioError(f"targets[{j}].{field}", f"unknown metric '{name}'{suggestion}")


def _estimate(res: Results, t: Target, level: float) -> tuple[float, float, float, int]:
    if t.variant not in res.variants or (t.change != "none" and "baseline" not in res.variants):
        return (np.nan, np.nan, np.nan, 0)  # a run of some variants only
    b = res.values(t.variant)[t.metric].to_numpy(float)
    if t.change == "none":
        mean, _, lo, hi, n = t_interval(b, level)
        return (mean, lo, hi, n)
    a = res.values("baseline")[t.metric].to_numpy(float)
    if t.change == "relative":
        return ratio_interval(a, b, level)
    if t.per is not None:  # e.g. the saving per admission avoided
        per_b = res.values(t.variant)[t.per].to_numpy(float)
        per_a = res.values("baseline")[t.per].to_numpy(float)
        return ratio_of_means(b - a, per_b - per_a, level)
    mean, _, lo, hi, n = t_interval(b - a, level)
    return (mean, lo, hi, n)


def _met(t: Target, lo: float, hi: float) -> bool | None:
    if t.kind == "report" or np.isnan(lo) or np.isnan(hi):
        return None
    if t.expect == "lower":
        return bool(hi < 0)
    if t.expect == "higher":
        return bool(lo > 0)
    assert t.value is not None and t.tolerance is not None
    return bool(t.value - t.tolerance <= lo and hi <= t.value + t.tolerance)


def target_table(res: Results, targets: list[Target], level: float = 0.95) -> pd.DataFrame:
    """Each target's published figure beside the model's estimate and interval.

    ``met`` is True when the whole ``level`` confidence interval lies within
    the published value plus or minus its tolerance (for ``expect``: when the
    interval of the change is clear of zero on the expected side); None for
    report-only targets and variants not run.
    """
    check_metrics(targets, res.metrics)
    rows: list[tuple[Any, ...]] = []
    for t in targets:
        est, lo, hi, n = _estimate(res, t, level)
        published = t.value if t.expect is None else t.expect
        met = _met(t, lo, hi)
        rows.append((t.label, t.variant, t.kind, t.metric, t.change, published, t.tolerance))
        rows[-1] += (est, lo, hi, n, met)
    return pd.DataFrame(rows, columns=COLUMNS)


@Results.register("targets")
def targets(res: Results, level: float = 0.95) -> pd.DataFrame:
    """The scenario's targets: published figure beside the model's value.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``label, variant, kind, metric, change,
        published, tolerance, model, ci_low, ci_high, n, met``.  ``met``
        is True when the whole confidence interval lies within the
        published value plus or minus its tolerance.
    """
    return target_table(res, list(res.target_specs), level)
