"""Confidence intervals over replications."""

from __future__ import annotations

import numpy as np


def t_interval(values: np.ndarray, level: float) -> tuple[float, float, float, float, int]:
    """Mean, sd, and the two-sided t confidence interval of ``values`` (NaNs dropped)."""
    x = values[~np.isnan(values)]
    n = int(x.size)
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return (mean, np.nan, np.nan, np.nan, 1)
    from scipy import stats  # importing scipy.stats takes a second: only when needed

    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return (mean, sd, mean - half, mean + half, n)
