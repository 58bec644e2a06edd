"""What a sweep returns: its points and their results, in memory or in its folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..deferred import DefinedAbove
from .store import SweepStore


@dataclass
class SweepResult:
    """The points of a sweep and their results.

    Attributes
    ----------
    points
        One row per point (``point`` and each parameter's path).
    folder
        Where the parts are, when the sweep was given one.
    """

    points: pd.DataFrame
    folder: Path | None = None
    _frames: list[pd.DataFrame] | None = None
    _repr_html_ = DefinedAbove("carepath.outputs.notebook")  # see carepath.deferred

    @property
    def results(self) -> pd.DataFrame:
        """One row per (point, variant, replication): the point, its parameter
        values, and every metric."""
        if self._frames is not None:
            return pd.concat(self._frames, ignore_index=True).sort_values(
                ["point", "variant", "replication"], kind="stable", ignore_index=True
            )
        assert self.folder is not None
        return SweepStore(self.folder).read()

    def curve(self, param: str, metric: str, level: float = 0.95) -> pd.DataFrame:
        """``metric`` against ``param``: per value of the parameter and variant,
        the mean over replications (and over the other parameters' values)
        with a t interval."""
        from ..results.intervals import t_interval

        frame = self.results
        rows = []
        for (value, variant), group in frame.groupby([param, "variant"], sort=True):
            mean, _, lo, hi, n = t_interval(group[metric].to_numpy(float), level)
            rows.append((value, variant, mean, lo, hi, n))
        return pd.DataFrame(rows, columns=[param, "variant", "mean", "ci_low", "ci_high", "n"])

    def plot(self, param: str, metric: str) -> Any:
        """[`curve`][carepath.sweeps.result.SweepResult.curve] as a matplotlib Figure:
        one line per variant with its 95% CI band (a capacity-delay curve, say)."""
        from ..figure import new_figure

        curve = self.curve(param, metric)
        fig, ax = new_figure(7.0, 4.5)
        for variant, rows in curve.groupby("variant", sort=False):
            ax.plot(rows[param], rows["mean"], marker="o", label=variant)
            ax.fill_between(rows[param], rows["ci_low"], rows["ci_high"], alpha=0.25, lw=0)
        ax.set_xlabel(param)
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} against {param} (95% CI)")
        ax.legend(title="variant")
        return fig

    def summary(self) -> pd.DataFrame:
        """The mean over replications, one row per (point, variant)."""
        frame = self.results
        keys = ["point", *[c for c in self.points.columns if c != "point"], "variant"]
        metrics = [c for c in frame.columns if c not in (*keys, "replication")]
        return frame.groupby(keys, sort=False)[metrics].mean().reset_index()
