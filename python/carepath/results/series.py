"""Time series of a run: levels (queue length, busy servers, patients in the
system or at a step) averaged over fixed bins, and counts of events
(arrivals, exits, entries, services, reneges, balks) in each bin, per
replication."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

COUNT_KINDS = ("entered.", "served.", "exits.", "reneged.", "balked.")


def is_count(name: str) -> bool:
    """Whether series ``name`` counts events per bin (else it is a time-average level)."""
    return name == "arrivals" or name.startswith(COUNT_KINDS)


@dataclass
class Series:
    """One variant's time series.

    Attributes
    ----------
    names
        Levels ``in_system``, ``busy.<resource>``, ``queue_length.<resource>``,
        ``capacity.<resource>``, ``occupancy.<step>``; then counts
        ``arrivals``, ``exits.<outcome>``, ``entered.<step>``,
        ``served.<step>``, ``reneged.<step>``, ``balked.<step>``.
    values
        Array ``replications x series x bins``: the time-average level in
        each bin, or the number of events in it (of every patient, whenever
        it arrived).
    start
        Where the first bin starts (the end of the warm-up), in time units.
    bin_width
        In time units; the last bin may be shorter.
    hours_per_unit, start_hour_of_week
        The calendar: t = 0 is this many hours after Monday 00:00.
    """

    names: list[str]
    values: np.ndarray
    start: float
    bin_width: float
    hours_per_unit: float = 1.0
    start_hour_of_week: float = 0.0

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """Mean over replications per series and bin, with a t interval.

        Returns
        -------
        pandas.DataFrame
            Columns ``series, bin_start, mean, ci_low, ci_high, n``.
        """
        from scipy import stats

        _, n_series, n_bins = self.values.shape
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # one replication: no sd
            n = np.sum(~np.isnan(self.values), axis=0)
            mean = np.nanmean(self.values, axis=0) if n.any() else np.full(n.shape, np.nan)
            sd = np.nanstd(self.values, axis=0, ddof=1)
            half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
        half = np.where(n > 1, half, np.nan)
        starts = self.start + self.bin_width * np.arange(n_bins)
        return pd.DataFrame(
            {
                "series": np.repeat(self.names, n_bins),
                "bin_start": np.tile(starts, n_series),
                "mean": mean.ravel(),
                "ci_low": (mean - half).ravel(),
                "ci_high": (mean + half).ravel(),
                "n": n.ravel(),
            }
        )
