"""How long a warm-up: MSER-5 truncation and Welch's moving averages.

A run started empty is biased low at first (no queue yet).  MSER-5 (White
1997; White, Cobb and Spratt 2000) batches a series into means of 5
observations Z_1..Z_k and truncates the first d batches, with d minimising

    MSER(d) = sum_{j>d} (Z_j - mean(Z_{d+1..k}))^2 / (k - d)^2

over d < k / 2 (a minimum in the second half means the series has not
settled: run longer).  Here the observations are the bins of a time series
(``results.series``) from a run started empty, per replication and for the
mean over replications; Welch's procedure (moving averages of that mean)
shows the same by eye.  Hoad, Robinson and Davies (2011) found MSER-5 the
most reliable of the automatic rules they compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..results.results import Results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BATCH = 5


def mser_statistic(series: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """MSER(d) for every number d = 0 .. k-1 of batches truncated
    (k = len(series) // batch; observations past the last whole batch are
    left out, as the method has it)."""
    x = np.asarray(series, dtype=float)
    k = len(x) // batch
    if k < 2:
        raise ValueError(f"MSER needs at least {2 * batch} observations, got {len(x)}")
    z = x[: k * batch].reshape(k, batch).mean(axis=1)
    # sums over the tail j > d, for every d at once
    tail_n = np.arange(k, 0, -1, dtype=float)  # k - d
    tail_sum = np.cumsum(z[::-1])[::-1]
    tail_sq = np.cumsum((z * z)[::-1])[::-1]
    ssd = np.maximum(tail_sq - tail_sum * tail_sum / tail_n, 0.0)
    return ssd / tail_n**2


def mser(series: np.ndarray, batch: int = BATCH) -> int:
    """The MSER truncation of one series, in observations: batch times the d
    that minimises MSER(d) over d < k / 2."""
    stat = mser_statistic(series, batch)
    return int(np.argmin(stat[: (len(stat) + 1) // 2])) * batch


def _drift(data: np.ndarray) -> tuple[float, float, float]:
    """Second-half mean minus first-half mean of each replication's series
    (replications x bins), with a 99% t interval over replications."""
    from ..results.intervals import t_interval

    half = data.shape[1] // 2
    if half == 0 or data.shape[0] < 2:
        return (np.nan, np.nan, np.nan)
    change = data[:, half:].mean(axis=1) - data[:, :half].mean(axis=1)
    mean, _, low, high, _ = t_interval(change, 0.99)
    return (mean, low, high)


def welch(mean_series: np.ndarray, window: int) -> np.ndarray:
    """Welch's moving average of a series (the mean over replications): a
    centred window of 2w + 1 points, shrunk near the start."""
    y = np.asarray(mean_series, dtype=float)
    m = len(y) - window
    out = np.empty(max(m, 0))
    csum = np.concatenate([[0.0], np.cumsum(y)])
    for i in range(len(out)):
        s = min(i, window)
        out[i] = (csum[i + s + 1] - csum[i - s]) / (2 * s + 1)
    return out


@dataclass
class WarmupAnalysis:
    """MSER-5 on one time series of a run started empty.

    Attributes
    ----------
    series, variant
        What was analysed.
    start, bin_width, time_unit
        Where the series starts (the run's warm-up) and its bin width.
    truncation
        MSER-5 on the mean over replications, in time units from ``start``.
    per_replication
        One row per replication: its own MSER-5 truncation (time units).
    welch
        ``bin_start, mean, moving_average`` (Welch's procedure).
    settled
        False if the truncation is the last one allowed (half the series):
        the series may not have settled, and the run should be longer.
    drift
        After the truncation, the second half's mean minus the first half's,
        per replication, averaged, with its 99% t interval over the
        (independent) replications: an interval clear of zero means the
        series is still moving, whatever MSER found.
    recommended
        The warm-up to use: ``start + truncation``, rounded up to a whole bin.
    """

    series: str
    variant: str
    start: float
    bin_width: float
    time_unit: str
    truncation: float
    per_replication: pd.DataFrame
    welch: pd.DataFrame
    settled: bool
    drift: tuple[float, float, float]
    recommended: float

    def reasoning(self) -> str:
        """The recommendation and why, in a few lines."""
        reps = self.per_replication["truncation"]
        unit = self.time_unit
        lines = [
            f"{self.series} ({self.variant}), {len(reps)} replications started empty, "
            f"bins of {self.bin_width:g} {unit}:",
            f"  MSER-5 on the mean over replications truncates {self.truncation:g} {unit}",
            f"  per replication: median {reps.median():g}, 90th percentile "
            f"{reps.quantile(0.9):g}, largest {reps.max():g} {unit}",
        ]
        change, low, high = self.drift
        if low > 0 or high < 0:
            lines.append(
                f"  but after it the series still drifts: the second half's mean differs from "
                f"the first half's by {change:.3g} (99% CI {low:.3g} to {high:.3g}); look at "
                "the Welch plot, and run longer or question whether the system is stable"
            )
        if not self.settled:
            lines.append(
                "  the truncation reaches the half of the series MSER may cut: the series "
                "may not have settled; run longer (a larger horizon) and analyse again"
            )
        lines.append(f"recommended warmup: {self.recommended:g} {unit}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Welch's plot: the mean over replications and its moving average,
        with the recommended truncation."""
        from ..figure import InlineFigure

        fig = InlineFigure(figsize=(7.0, 4.0), layout="constrained")
        ax = fig.add_subplot()
        w = self.welch
        ax.plot(w["bin_start"], w["mean"], lw=0.6, color="0.6", label="mean over replications")
        ax.plot(w["bin_start"], w["moving_average"], lw=1.5, label="moving average (Welch)")
        ax.axvline(self.recommended, color="tab:red", lw=1, label="recommended warmup")
        ax.set_xlabel(f"time ({self.time_unit})")
        ax.set_ylabel(self.series)
        ax.set_title(f"Warm-up: {self.series}")
        ax.legend()
        return fig


def warmup_analysis(
    self: Results,
    series: str = "in_system",
    variant: str | None = None,
    batch: int = BATCH,
    window: int | None = None,
) -> WarmupAnalysis:
    """MSER-5 truncation of a time series, per replication and over their
    mean, and Welch's moving averages (see `carepath.analysis.warmup`).

    Run the scenario with ``warmup: 0`` and ``results.series`` (bins of a
    few per cent of the run, or smaller) first; ``carepath warmup`` does both.

    Parameters
    ----------
    series
        A series of ``results.series``: ``in_system``, ``queue_length.<r>``,
        ``busy.<r>``, ``occupancy.<step>``.
    variant
        Default the first run.
    batch
        Observations (bins) a batch: 5 for MSER-5.
    window
        Welch's half-window in bins (default: a fiftieth of the series).

    Raises
    ------
    ValueError
        If the run kept no time series, or not that one.
    """
    variant = self.variants[0] if variant is None else variant
    if variant not in self.series:
        raise ValueError(
            "no time series in these results: run with results.series (carepath warmup does)"
        )
    s = self.series[variant]
    if series not in s.names:
        raise ValueError(f"no series '{series}' (have: {', '.join(s.names)})")
    data = s.values[:, s.names.index(series), :]  # replications x bins
    # the last bin may be shorter than the rest: leave it out
    data = data[:, :-1] if data.shape[1] > 1 else data
    mean = data.mean(axis=0)
    overall = mser(mean, batch)
    per_rep = [mser(row, batch) for row in data]
    # a minimum on the last batch allowed may lie beyond it: not settled
    settled = overall < ((len(mean) // batch + 1) // 2 - 1) * batch
    drift = _drift(data[:, overall:])
    w = window if window is not None else max(1, len(mean) // 50)
    smooth = welch(mean, w)
    starts = s.start + np.arange(len(mean)) * s.bin_width
    welch_frame = pd.DataFrame(
        {
            "bin_start": starts[: len(smooth)],
            "mean": mean[: len(smooth)],
            "moving_average": smooth,
        }
    )
    truncation = overall * s.bin_width
    return WarmupAnalysis(
        series=series,
        variant=variant,
        start=s.start,
        bin_width=s.bin_width,
        time_unit=self.time_unit,
        truncation=truncation,
        per_replication=pd.DataFrame(
            {
                "replication": np.arange(len(per_rep)),
                "truncation": np.array(per_rep) * s.bin_width,
            }
        ),
        welch=welch_frame,
        settled=settled,
        drift=drift,
        recommended=s.start + truncation,
    )


Results.register("warmup_analysis")(warmup_analysis)
