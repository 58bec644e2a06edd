"""Sweep designs: the parameter points to run (grid, Latin hypercube, Sobol)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError

DESIGNS = ("grid", "lhs", "sobol")


def make_points(
    params: dict[str, Any], design: str = "grid", n: int | None = None, seed: int = 0
) -> pd.DataFrame:
    """One row per point, one column per parameter (its dotted path).

    Parameters
    ----------
    params
        Path -> a list of values (a grid axis) or a ``(low, high)`` tuple (a
        range, for ``lhs`` and ``sobol``; integers at both ends make an
        integer parameter).
    design
        ``grid`` (every combination of the lists), ``lhs`` (Latin hypercube)
        or ``sobol`` (scrambled Sobol), both from ``scipy.stats.qmc``.
    n
        Points of an ``lhs`` or ``sobol`` design (a power of two suits Sobol).
    seed
        For the sampled designs.
    """
    if design not in DESIGNS:
        raise ScenarioError("design", f"must be one of {', '.join(DESIGNS)}, got {design!r}")
    if not params:
        raise ScenarioError("params", "name at least one parameter to sweep")
    if design == "grid":
        axes = []
        for path, values in params.items():
            if not isinstance(values, Sequence) or isinstance(values, str | tuple) or not values:
                raise ScenarioError(
                    f"params.{path}", "a grid takes a list of values, e.g. [4, 5, 6]"
                )
            axes.append(list(values))
        rows = list(itertools.product(*axes))
        return pd.DataFrame(rows, columns=list(params))
    if n is None or n < 1:
        raise ScenarioError("n", f"a {design} design needs n >= 1 points")
    bounds = []
    for path, value in params.items():
        if not (isinstance(value, Sequence) and len(value) == 2 and not isinstance(value, str)):
            raise ScenarioError(f"params.{path}", f"a {design} design takes a (low, high) range")
        low, high = value
        if not high > low:
            raise ScenarioError(f"params.{path}", f"needs low < high, got {low}, {high}")
        bounds.append((low, high))
    from scipy.stats import qmc

    d = len(bounds)
    sampler = qmc.LatinHypercube(d=d, seed=seed) if design == "lhs" else qmc.Sobol(d=d, seed=seed)
    unit = sampler.random(n)
    columns = {}
    for j, (path, (low, high)) in enumerate(zip(params, bounds)):
        if isinstance(low, int) and isinstance(high, int):
            # integers: equal-width cells over low..high inclusive
            columns[path] = np.minimum(low + np.floor(unit[:, j] * (high - low + 1)), high).astype(
                int
            )
        else:
            columns[path] = low + unit[:, j] * (high - low)
    return pd.DataFrame(columns)
