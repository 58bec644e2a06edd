"""Plots of a run (``res.plot.*``) and of a PSA (``psa_result.plot.*``).

Each returns a `matplotlib.figure.Figure` built without pyplot, so it
works headless and leaves no global state; save it with ``fig.savefig``.
In Jupyter a figure shows itself inline (it has a PNG representation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis.bed_planning import p_delay_table
from ..analysis.economics import PSAResults
from ..results.results import Results
from ..results.target_table import ratio_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_PERCENTILE = re.compile(r"p(\d+)(?:_(\d+))?")


def _statistics_of(metrics: Sequence[str], base: str) -> list[tuple[str, str]]:
    """(suffix, axis label) of the mean and the percentiles reported for ``base``."""
    found = []
    for m in metrics:
        match = _PERCENTILE.fullmatch(m[len(base) + 1 :]) if m.startswith(base + ".") else None
        if match is not None:
            value = float(f"{match[1]}.{match[2] or 0}")
            found.append((value, m[len(base) + 1 :]))
    labels = [("mean", "mean")]
    for value, suffix in sorted(found):
        labels.append((suffix, "median" if value == 50 else f"{value:g}th centile"))
    return labels


def _figure(width: float = 7.0, height: float = 4.5) -> tuple[Figure, Axes]:
    from ..figure import new_figure

    return new_figure(width, height)


class RunPlots:
    """The plots of one run: ``res.plot.waits("see_gp")`` and so on."""

    def __init__(self, res: Results) -> None:
        self._res = res

    def _statistics(self, base: str, ylabel: str, title: str) -> Figure:
        summary = self._res.summary().set_index(["variant", "metric"])
        if (self._res.variants[0], f"{base}.mean") not in summary.index:
            raise KeyError(f"no '{base}.mean' in these results")
        statistics = _statistics_of(self._res.metrics, base)
        fig, ax = _figure()
        variants = self._res.variants
        width = 0.8 / len(variants)
        x = np.arange(len(statistics))
        for i, variant in enumerate(variants):
            rows = summary.loc[[(variant, f"{base}.{s}") for s, _ in statistics]]
            mean = rows["mean"].to_numpy()
            err = np.vstack([mean - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - mean])
            ax.bar(x + i * width, mean, width, label=variant, yerr=np.nan_to_num(err), capsize=3)
        ax.set_xticks(x + width * (len(variants) - 1) / 2, [label for _, label in statistics])
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(title="variant")
        return fig

    def waits(self, step: str) -> Figure:
        """The wait at a seize step by variant: mean and centiles, with 95% CIs
        over replications."""
        unit = self._res.time_unit
        return self._statistics(f"wait.{step}", f"wait ({unit})", f"Wait at {step}")

    def appointment_waits(self, step: str) -> Figure:
        """Days from booking to the slot at a book step, by variant."""
        return self._statistics(
            f"appointment_wait.{step}", "days to the appointment", f"Appointment wait at {step}"
        )

    def over_time(self, series: str) -> Figure:
        """A time series (``queue_length.<resource>``, ``busy.<resource>``,
        ``in_system``, ``occupancy.<step>``, or a count per bin such as
        ``arrivals`` or ``exits.<outcome>``) by variant: the mean over
        replications with its 95% CI band; a count is drawn as steps, one a bin."""
        from ..results.series import is_count

        table = self._res.timeseries()
        if series not in set(table["series"]):
            have = ", ".join(sorted(set(table["series"])))
            raise KeyError(f"no series '{series}' (have: {have})")
        fig, ax = _figure(8.0, 4.0)
        for variant, rows in table[table["series"] == series].groupby("variant", sort=False):
            x = rows["bin_start"].to_numpy()
            if is_count(series):  # events in each bin: steps, one a bin
                ax.plot(x, rows["mean"].to_numpy(), label=variant, lw=1.2, drawstyle="steps-post")
                ax.fill_between(x, rows["ci_low"], rows["ci_high"], alpha=0.25, lw=0, step="post")
            else:
                ax.plot(x, rows["mean"].to_numpy(), label=variant, lw=1.2)
                ax.fill_between(x, rows["ci_low"], rows["ci_high"], alpha=0.25, lw=0)
        ax.set_xlabel(f"time ({self._res.time_unit}, start of bin)")
        ax.set_ylabel(f"{series} per bin" if is_count(series) else series)
        ax.set_title(f"{series} over time (95% CI)")
        ax.legend(title="variant")
        return fig

    def by_hour_and_weekday(self, series: str, variant: str = "baseline") -> Figure:
        """A heat map of a time series by hour of day and weekday, the mean
        over every week and replication.  ``utilisation.<resource>`` gives
        busy servers over scheduled capacity (empty where nobody is on
        shift).  Needs bins of one hour (``results.series.bin: 1 hour``)."""
        s = self._res.series.get(variant)
        if s is None:
            raise ValueError(f"no time series for variant '{variant}'")
        if abs(s.bin_width * s.hours_per_unit - 1.0) > 1e-9:
            raise ValueError("a heat map by hour needs hourly bins: results.series.bin: 1 hour")
        resource = series.removeprefix("utilisation.")
        parts = [f"busy.{resource}", f"capacity.{resource}"] if resource != series else [series]
        for name in parts:
            if name not in s.names:
                raise KeyError(f"no series '{name}' (have: {', '.join(s.names)})")
        hours = s.start_hour_of_week + s.hours_per_unit * (
            s.start + s.bin_width * np.arange(s.values.shape[2])
        )
        hour_of_week = np.floor(hours).astype(int) % 168
        cells = [_by_hour_of_week(s.values[:, s.names.index(n), :], hour_of_week) for n in parts]
        with np.errstate(invalid="ignore", divide="ignore"):
            grid = (
                cells[0] if len(cells) == 1 else np.where(cells[1] > 0, cells[0] / cells[1], np.nan)
            )
        fig, ax = _figure(9.0, 3.6)
        image = ax.imshow(grid.reshape(7, 24), aspect="auto", cmap="viridis")
        ax.set_yticks(range(7), WEEKDAY_LABELS)
        ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
        ax.set_xlabel("hour of day")
        ax.set_title(f"{series} by hour and weekday ({variant})")
        fig.colorbar(image, ax=ax, label=f"mean {series}")
        return fig

    def forest(
        self,
        variant: str | None = None,
        baseline: str = "baseline",
        metrics: Sequence[str] | None = None,
    ) -> Figure:
        """Paired relative change of each KPI, variant against baseline, with
        95% CIs (a forest plot).  Default KPIs: mean waits, system time,
        utilisations, mean queue lengths, appointment waits, costs and QALYs
        per patient."""
        res = self._res
        if variant is None:
            variant = next(v for v in res.variants if v != baseline)
        names = list(metrics) if metrics is not None else default_kpis(res.metrics)
        a, b = res.values(baseline), res.values(variant)
        rows = []
        for name in names:
            est, lo, hi, _ = ratio_interval(a[name].to_numpy(float), b[name].to_numpy(float), 0.95)
            if np.isfinite(est):
                rows.append((name, 100 * est, 100 * lo, 100 * hi))
        fig, ax = _figure(7.5, 0.35 * len(rows) + 1.5)
        y = np.arange(len(rows))[::-1]
        estimates = np.array([r[1] for r in rows])
        err = np.array([[r[1] - r[2], r[3] - r[1]] for r in rows]).T if rows else np.zeros((2, 0))
        ax.errorbar(estimates, y, xerr=np.nan_to_num(err), fmt="o", capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, [r[0] for r in rows])
        ax.set_xlabel(f"change from {baseline} (%, paired, 95% CI)")
        ax.set_title(f"{variant} against {baseline}")
        return fig

    def occupancy(self, name: str, audit: bool = False) -> Figure:
        """The occupancy distribution of a resource or an occupancy step (bars:
        share at each level, one set per variant) with its cumulative share
        (lines, right axis), as in Monks et al. (2016), figure 1."""
        dist = self._res.occupancy_distribution(name, audit=audit)
        fig, ax = _figure()
        cdf_ax = ax.twinx()
        variants = self._res.variants
        width = 0.8 / len(variants)
        for i, (variant, rows) in enumerate(dist.groupby("variant", sort=False)):
            x = rows["level"].to_numpy()
            ax.bar(x + (i - (len(variants) - 1) / 2) * width, rows["share"], width, label=variant)
            cdf_ax.step(x, rows["cdf"], where="mid", lw=1.2, color=f"C{i}")
        last = dist.loc[dist["cdf"] < 0.9999, "level"].max()
        ax.set_xlim(-0.5, (last if np.isfinite(last) else dist["level"].max()) + 1.5)
        cdf_ax.set_ylim(0, 1.02)
        cdf_ax.set_ylabel("cumulative share")
        ax.set_xlabel("occupancy (patients or busy servers)")
        ax.set_ylabel("share of audits" if audit else "share of time")
        ax.set_title(f"Occupancy of {name}")
        ax.legend(loc="upper left")
        return fig

    def p_delay(self, name: str, beds: Sequence[int] | None = None, audit: bool = False) -> Figure:
        """The probability of delay against the number of beds, one line per
        variant with 95% CIs, as in Monks et al. (2016), figure 3.  Default
        beds: every count where some variant's P(delay) is between 0.001 and
        0.999."""
        if beds is None:
            dist = self._res.occupancy_distribution(name, audit=audit)
            beds = range(int(dist["level"].max()))
            table = self._res.p_delay(name, beds, audit=audit)
            keep = table.groupby("beds")["p_delay"].agg(lambda p: ((p > 1e-3) & (p < 0.999)).any())
            table = table[table["beds"].isin(keep[keep].index)]
        else:
            table = self._res.p_delay(name, beds, audit=audit)
        fig, ax = _figure()
        for variant, rows in table.groupby("variant", sort=False):
            mean = rows["p_delay"].to_numpy()
            err = np.vstack([mean - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - mean])
            ax.errorbar(
                rows["beds"],
                mean,
                yerr=np.nan_to_num(err),
                marker="o",
                ms=3,
                capsize=2,
                label=variant,
            )
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("beds")
        ax.set_ylabel("probability of delay")
        ax.set_title(f"Probability that an admission finds {name} full")
        ax.grid(alpha=0.3)
        ax.legend()
        return fig


def figures(res: Results) -> Iterator[tuple[str, Figure]]:
    """The standard figures of a run, each with a file name: a forest plot per
    variant, the waits at each seize and book step, the occupancy and
    probability of delay of each ``results.distributions.p_delay`` name, and
    each time series."""
    plots = res.plot
    for variant in res.variants[1:]:
        yield f"forest-{variant}", plots.forest(variant, res.variants[0])
    for metric in res.metrics:
        if metric.startswith("wait.") and metric.endswith(".mean") and "[" not in metric:
            step = metric[len("wait.") : -len(".mean")]
            yield f"waits-{step}", plots.waits(step)
        elif (
            metric.startswith("appointment_wait.")
            and metric.endswith(".mean")
            and "[" not in metric
        ):
            step = metric[len("appointment_wait.") : -len(".mean")]
            yield f"appointment-waits-{step}", plots.appointment_waits(step)
    for name in dict.fromkeys(p_delay_table(res)["name"]):
        yield f"occupancy-{name}", plots.occupancy(name)
        yield f"p-delay-{name}", plots.p_delay(name)
    names = next(iter(res.series.values())).names if res.series else []
    for name in names:
        if not name.startswith("capacity."):  # the shifts, known in advance
            yield f"over-time-{name}", plots.over_time(name)


def _by_hour_of_week(values: np.ndarray, hour_of_week: np.ndarray) -> np.ndarray:
    """The mean of replications x bins values for each of the 168 hours of the week."""
    grid = np.full(168, np.nan)
    for h in range(168):
        cells = values[:, hour_of_week == h]
        if cells.size:
            grid[h] = np.nanmean(cells)
    return grid


def default_kpis(metrics: Sequence[str]) -> list[str]:
    """The headline metrics of a run, for a forest plot."""
    wanted = ("wait.", "system_time.mean", "utilisation.", "queue_length.", "appointment_wait.")
    out = [
        m
        for m in metrics
        if "[" not in m
        and m.startswith(wanted)
        and (m.endswith(".mean") or m.startswith("utilisation."))
    ]
    return out + [m for m in ("cost.per_patient", "qaly.per_patient") if m in metrics]


class PSAPlots:
    """The cost-effectiveness plane and acceptability curve of a PSA."""

    def __init__(self, psa: PSAResults) -> None:
        self._psa = psa

    def plane(self, wtp: float | None = 20000.0) -> Figure:
        """Incremental QALYs against incremental cost, one point per iteration,
        with the willingness-to-pay line."""
        d = self._psa.draws
        fig, ax = _figure(6.0, 5.0)
        ax.scatter(d["delta_qaly"], d["delta_cost"], s=8, alpha=0.6)
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(0, color="grey", lw=0.8)
        if wtp is not None:
            q = np.array(ax.get_xlim())
            ax.plot(q, wtp * q, color="tab:red", lw=1, label=f"{wtp:,.0f} per QALY")
            ax.legend()
        ax.set_xlabel("incremental QALYs per patient")
        ax.set_ylabel("incremental cost per patient")
        ax.set_title(f"{self._psa.intervention} against {self._psa.baseline}")
        return fig

    def ceac(self, wtp: Any = None) -> Figure:
        """The probability that the intervention is cost-effective, against the
        willingness to pay per QALY."""
        curve = self._psa.ceac(wtp)
        fig, ax = _figure(6.5, 4.0)
        ax.plot(curve["wtp"], curve["probability_cost_effective"], lw=1.5)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("willingness to pay per QALY")
        ax.set_ylabel("probability cost-effective")
        ax.set_title(f"Acceptability: {self._psa.intervention} against {self._psa.baseline}")
        return fig


# The accessors, as pandas' DataFrame.plot: the data classes know nothing of plots.
Results.register("plot")(
    property(
        RunPlots,
        doc="Plots of this run (matplotlib figures): ``waits``, ``appointment_waits``, "
        "``over_time``, ``by_hour_and_weekday``, ``forest``, ``occupancy``, ``p_delay``.",
    )
)
setattr(  # noqa: B010 (replaces the DefinedAbove placeholder)
    PSAResults,
    "plot",
    property(
        PSAPlots,
        doc="The cost-effectiveness plane (``plane``) and acceptability curve (``ceac``).",
    ),
)
