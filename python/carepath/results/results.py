"""Results of a run: per-replication metrics, summaries with confidence intervals,
paired comparisons under common random numbers.

[`Results`][carepath.results.results.Results] is plain data.  The outputs
built on it live in the modules above it, which add their accessors here
when they are imported (carepath.deferred looks them up on first use), as
pandas adds ``DataFrame.plot``: ``targets`` (`carepath.results.target_table`),
``economics`` (`carepath.analysis.economics`) and ``plot``
(`carepath.outputs.plots`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ..deferred import DefinedAbove
from ..io import atomic_path
from .intervals import t_interval

if TYPE_CHECKING:
    from ..model.scenario import Scenario
    from ..model.targets import Target
    from .series import Series

ID_COLUMNS = ("variant", "replication")
_T = TypeVar("_T")


@dataclass
class Results:
    """What [`carepath.run`][carepath.engine.run.run] returns.

    Attributes
    ----------
    table
        One row per ``(variant, replication)``, variants in run order, one
        column per metric (``metric_names``): what
        [`per_replication`][carepath.results.results.Results.per_replication] shows as a
        DataFrame.
    metric_names
        ``wait.<step>.mean``, ``utilisation.<resource>``, ... then the
        derived metrics.
    variant_names
        The variants run, in order.
    replications
        Replications per variant.
    scenario
        The scenario's name.
    seed
        The seed of the run; every variant used it (common random numbers).
    time_unit
        The unit of times (waits, system time); appointment waits are in days.
    target_specs
        The scenario's published figures (its ``targets:``), for ``targets()``.
    series
        Per variant, its time series when the scenario asks for them
        (``results.series``); see [`timeseries`][carepath.results.results.Results.timeseries].
    event_log
        With ``results.event_log``: one row per event (``variant,
        replication, patient, step, event, time, resource``); see
        `carepath.results.event_log` for its export to Parquet and XES.
    replication_report
        For a run to a precision (``cp.run(..., precision=0.05)``): per
        variant and metric, the replications needed, the mean and the
        deviation reached, and whether the look-ahead confirmed it.
    model
        The Scenario that was run (for ``explore`` and ``animate``).
    """

    table: np.ndarray
    metric_names: list[str]
    variant_names: list[str]
    replications: int
    scenario: str
    seed: int
    time_unit: str = "hours"
    target_specs: tuple[Target, ...] = ()
    series: dict[str, Series] = field(default_factory=dict)
    event_log: pd.DataFrame | None = None
    hours_per_unit: float = 1.0
    start_hour_of_week: float = 0.0
    replication_report: pd.DataFrame | None = None
    model: Scenario | None = field(default=None, repr=False)

    # defined by the modules built on Results (see carepath.deferred)
    targets = DefinedAbove("carepath.results.target_table")
    economics = DefinedAbove("carepath.analysis.economics")
    occupancy_distribution = DefinedAbove("carepath.analysis.bed_planning")
    p_delay = DefinedAbove("carepath.analysis.bed_planning")
    warmup_analysis = DefinedAbove("carepath.analysis.warmup")
    plot = DefinedAbove("carepath.outputs.plots")
    explore = DefinedAbove("carepath.outputs.explorer")
    animate = DefinedAbove("carepath.outputs.animation")
    _repr_html_ = DefinedAbove("carepath.outputs.notebook")

    @classmethod
    def register(cls, name: str) -> Callable[[_T], _T]:
        """Add a method (or, given a ``property``, an accessor) to Results
        from a module built on it."""

        def add(implementation: _T) -> _T:
            setattr(cls, name, implementation)
            return implementation

        return add

    @property
    def variants(self) -> list[str]:
        """Variant names in run order."""
        return list(self.variant_names)

    @property
    def metrics(self) -> list[str]:
        """Metric names, in engine order, then the derived metrics."""
        return list(self.metric_names)

    @cached_property
    def per_replication(self) -> pd.DataFrame:
        """One row per ``(variant, replication)``, one column per metric."""
        reps = self.replications
        columns: dict[str, Any] = {
            "variant": np.repeat(np.array(self.variant_names, dtype=object), reps),
            "replication": np.tile(np.arange(reps, dtype=np.int64), len(self.variant_names)),
        }
        columns.update({m: self.table[:, j] for j, m in enumerate(self.metric_names)})
        return pd.DataFrame(columns)

    def values(self, variant: str) -> pd.DataFrame:
        """One row per replication of ``variant``, one column per metric."""
        if variant not in self.variant_names:
            raise KeyError(
                f"no variant '{variant}' in these results (have: {', '.join(self.variants)})"
            )
        v = self.variant_names.index(variant)
        rows = self.table[v * self.replications : (v + 1) * self.replications]
        index = pd.RangeIndex(self.replications, name="replication")
        return pd.DataFrame(rows, index=index, columns=self.metric_names, copy=True)

    def write_event_log(self, path: str | os.PathLike[str]) -> None:
        """Write the event log, atomically: Parquet for a ``.parquet`` path,
        XES (through pm4py, ``pip install 'carepath[mining]'``) for ``.xes``.

        Raises
        ------
        ValueError
            If the scenario kept no event log, or the suffix is neither.
        """
        from . import event_log

        if self.event_log is None:
            raise ValueError(
                "no event log in these results: add results: {event_log: {max_events: 1000000}}"
            )
        suffix = os.fspath(path).rsplit(".", 1)[-1].lower()
        if suffix == "parquet":
            event_log.to_parquet(self.event_log, path)
        elif suffix == "xes":
            event_log.to_xes(self.event_log, path, self.hours_per_unit, self.start_hour_of_week)
        else:
            raise ValueError(f"write an event log to a .parquet or .xes file, not {path}")

    def timeseries(self, level: float = 0.95) -> pd.DataFrame:
        """Time series averaged over replications, with confidence intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``variant, series, bin_start, mean, ci_low, ci_high, n``:
            for each variant, each series (``in_system``, ``busy.<resource>``,
            ``queue_length.<resource>``, ``occupancy.<step>``) and each bin
            (``bin_start`` in time units), the mean level over replications.

        Raises
        ------
        ValueError
            If the scenario asked for no time series (``results.series``).
        """
        if not self.series:
            raise ValueError(
                "no time series in these results: add results: {series: {bin: 1 hour}} "
                "to the scenario"
            )
        frames = [s.table(level).assign(variant=v) for v, s in self.series.items()]
        out = pd.concat(frames, ignore_index=True)
        return out[["variant", *[c for c in out.columns if c != "variant"]]]

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Mean, sd and t-based confidence interval per ``(variant, metric)``.

        Parameters
        ----------
        level
            Confidence level of the interval (default 0.95).

        Returns
        -------
        pandas.DataFrame
            Columns ``variant, metric, mean, sd, ci_low, ci_high, n``; ``n``
            counts the replications where the metric was defined (a step
            nobody reached has no mean wait).
        """
        rows = []
        for variant in self.variants:
            values = self.values(variant)
            for metric in self.metrics:
                mean, sd, lo, hi, n = t_interval(values[metric].to_numpy(float), level)
                rows.append((variant, metric, mean, sd, lo, hi, n))
        return pd.DataFrame(
            rows, columns=["variant", "metric", "mean", "sd", "ci_low", "ci_high", "n"]
        )

    def compare(self, a: str, b: str, level: float = 0.95) -> pd.DataFrame:
        """Paired differences ``b - a`` per metric, replication by replication.

        Both variants saw the same patients (common random numbers), so the
        paired interval is much narrower than one from independent runs.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric, mean_a, mean_b, diff, sd, ci_low, ci_high, n,
            rel_change`` (``diff / mean_a``).
        """
        va, vb = self.values(a), self.values(b)
        shared = [m for m in self.metrics if m in va and m in vb]
        rows = []
        for metric in shared:
            xa = va[metric].to_numpy(float)
            xb = vb[metric].to_numpy(float)
            diff, sd, lo, hi, n = t_interval(xb - xa, level)
            mean_a = float(np.nanmean(xa)) if np.isfinite(xa).any() else np.nan
            mean_b = float(np.nanmean(xb)) if np.isfinite(xb).any() else np.nan
            rel = diff / mean_a if mean_a != 0 and np.isfinite(mean_a) else np.nan
            rows.append((metric, mean_a, mean_b, diff, sd, lo, hi, n, rel))
        return pd.DataFrame(
            rows,
            columns=[
                "metric",
                "mean_a",
                "mean_b",
                "diff",
                "sd",
                "ci_low",
                "ci_high",
                "n",
                "rel_change",
            ],
        )

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write ``per_replication`` to Parquet atomically, with the run's metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.per_replication, preserve_index=False)
        meta = {
            **(table.schema.metadata or {}),
            **{f"carepath.{k}".encode(): str(v).encode() for k, v in self._meta().items()},
        }
        table = table.replace_schema_metadata(meta)
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)

    def _meta(self) -> dict[str, str]:
        return {
            "scenario": self.scenario,
            "seed": str(self.seed),
            "time_unit": self.time_unit,
        }

    def __repr__(self) -> str:
        parts = ", ".join(f"{v}: {self.replications} reps" for v in self.variants)
        return (
            f"<Results {self.scenario!r} seed={self.seed} ({parts}), {len(self.metrics)} metrics>"
        )
