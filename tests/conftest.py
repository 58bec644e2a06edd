"""Shared helpers: scenario builders and the Little's-law check every run gets."""

from __future__ import annotations

import copy
import os
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import carepath as cp
from carepath.results.intervals import t_interval

pytest_plugins = ["pytester"]  # for the pytest plugin's tests

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Theory checks use 99% intervals with fixed seeds: deterministic, and a true
# value outside a 99% interval is a real discrepancy, not bad luck.
LEVEL = 0.99


def mmc(
    c: int = 1,
    lam: float = 0.7,
    service: dict[str, Any] | None = None,
    horizon: float = 20000.0,
    warmup: float = 1000.0,
) -> dict[str, Any]:
    """An M/M/c (or M/G/c) scenario as a mapping."""
    return {
        "name": "mmc",
        "horizon": horizon,
        "warmup": warmup,
        "resources": {"server": {"capacity": c}},
        "arrivals": [{"name": "walk_in", "rate": lam, "start": "serve"}],
        "pathway": {
            "serve": {
                "seize": "server",
                "service": service or {"dist": "exponential", "mean": 1.0},
                "then": "done",
            },
            "done": {"exit": "served"},
        },
    }


def with_changes(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.update(changes)
    return out


def check_littles_law(res: cp.Results, horizon: float, warmup: float) -> None:
    """L = lambda W for the whole system, replication by replication.

    L is the time-average number in system over the window; W the mean time
    in system of the patients who arrived in it.  The paired difference
    L - lambda W must be zero within its interval, or within 2% of L (edge
    effects of the window are O(W / window)).
    """
    span = horizon - warmup
    for variant in res.variants:
        rows = res.per_replication[res.per_replication["variant"] == variant]
        completed = rows["system_time.mean"].notna()
        rows = rows[completed]
        if len(rows) < 2:
            continue
        lam = rows["arrivals"].to_numpy() / span
        little = lam * rows["system_time.mean"].to_numpy()
        L = rows["in_system.mean"].to_numpy()
        diff, _, lo, hi, _ = t_interval(L - little, LEVEL)
        assert lo <= 0 <= hi or abs(diff) <= 0.02 * max(L.mean(), 1e-9), (
            f"Little's law fails for {variant}: L={L.mean():.4f}, lambda*W={little.mean():.4f}"
        )


@pytest.fixture
def simulate():
    """``cp.run`` that also checks Little's law on the results."""

    def _simulate(scenario: Any, **kwargs: Any) -> cp.Results:
        sc = cp.load(scenario)
        res = cp.run(sc, **kwargs)
        check_littles_law(res, sc.horizon, sc.warmup)
        return res

    return _simulate


def interval(res: cp.Results, metric: str, variant: str = "baseline") -> tuple[float, float, float]:
    """Mean and 99% interval of a metric."""
    values = res.per_replication.loc[res.per_replication["variant"] == variant, metric]
    mean, _, lo, hi, _ = t_interval(values.to_numpy(float), LEVEL)
    return mean, lo, hi


def assert_covers(res: cp.Results, metric: str, expected: float, variant: str = "baseline") -> None:
    mean, lo, hi = interval(res, metric, variant)
    assert lo <= expected <= hi, (
        f"{metric}: theory {expected:.5g} outside [{lo:.5g}, {hi:.5g}] (mean {mean:.5g})"
    )


__all__ = ["LEVEL", "assert_covers", "interval", "mmc", "np", "with_changes"]
