"""Small scenario builders for the pathway-vocabulary tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import carepath as cp
from carepath.results.intervals import t_interval


def scenario(pathway: dict[str, Any], arrivals: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A scenario mapping with the given pathway and arrivals (hours, Monday 00:00)."""
    data: dict[str, Any] = {
        "name": "t",
        "horizon": 1000.0,
        "arrivals": arrivals,
        "pathway": pathway,
    }
    data.update(top)
    return data


def values(res: cp.Results, metric: str, variant: str = "baseline") -> np.ndarray:
    rows = res.per_replication[res.per_replication["variant"] == variant]
    return rows[metric].to_numpy(float)


def only(res: cp.Results, metric: str, variant: str = "baseline") -> float:
    """The value of a metric in a run of one replication."""
    (value,) = values(res, metric, variant)
    return float(value)


def covers(res: cp.Results, metric: str, expected: float, level: float = 0.99) -> None:
    mean, _, lo, hi, _ = t_interval(values(res, metric), level)
    assert lo <= expected <= hi, (
        f"{metric}: expected {expected:.5g} outside [{lo:.5g}, {hi:.5g}] (mean {mean:.5g})"
    )
