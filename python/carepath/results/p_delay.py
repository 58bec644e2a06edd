"""The ``p_delay.<name>.<c>`` metrics: the probability that an arrival finds
``c`` beds full, from the occupancy shares of one replication (see
`carepath.analysis.bed_planning` for the method and its tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import Scenario


def level_prefix(sc: Scenario, name: str) -> str:
    """The metric prefix of a resource (``busy.<r>``) or occupancy step."""
    return f"busy.{name}" if name in sc.resources else f"occupancy.{name}"


def p_delay_matrix(shares: np.ndarray, beds: Iterable[int]) -> np.ndarray:
    """P(delay | c) for each bed count ``c`` (columns) from occupancy shares
    (rows: replications; columns: levels 0, 1, ...).  NaN where the level
    was never ``c`` or below."""
    beds = list(beds)
    cdf = np.cumsum(shares, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = shares[:, beds] / cdf[:, beds]
    return np.where(cdf[:, beds] > 0, out, np.nan)


def p_delay_names(sc: Scenario) -> list[str]:
    """The metrics ``results.distributions.p_delay`` asks for, in order."""
    options = sc.results.distributions
    if options is None:
        return []
    return [f"p_delay.{name}.{c}" for name, beds in options.p_delay.items() for c in beds]


def p_delay_columns(sc: Scenario, metrics: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The ``p_delay.<name>.<c>`` metrics, replication by replication."""
    options = sc.results.distributions
    out: dict[str, np.ndarray] = {}
    if options is None:
        return out
    for name, beds in options.p_delay.items():
        prefix = level_prefix(sc, name)
        shares = np.column_stack([metrics[f"{prefix}.share_{k}"] for k in range(max(beds) + 1)])
        for c, column in zip(beds, p_delay_matrix(shares, beds).T):
            out[f"p_delay.{name}.{c}"] = column
    return out
