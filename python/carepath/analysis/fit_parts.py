"""The parts ``carepath fit`` fits: service-time distributions, arrivals,
routing (by a case attribute where one explains it), resources' capacity
and shifts."""

from __future__ import annotations

import math
import re
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model.clock import UNIT_HOURS, WEEKDAYS

if TYPE_CHECKING:
    pass

from .log_input import ATTRIBUTE

FAMILIES = ("exponential", "gamma", "lognormal", "weibull")
# A fitted family is kept if the Kolmogorov-Smirnov test does not reject it
# at this level; else the activity's durations are used as an empirical.
KS_LEVEL = 0.01
# Fewer observations than this: the durations themselves (empirical).
MIN_FIT = 10
# The profile test: a constant rate is rejected below this p-value.
PROFILE_LEVEL = 0.001
# Routing by a case attribute: its chi-square test of independence from the
# next activity must give a p-value below this, and it takes at most this
# many values.
ROUTING_LEVEL = 0.001
MAX_ROUTING_VALUES = 10


def step_name(text: str) -> str:
    """A scenario name for an activity or resource: letters, digits and _."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_") or "x"
    return name if not name[0].isdigit() else f"a_{name}"


def fit_duration(values: np.ndarray) -> tuple[dict[str, Any], str, str]:
    """The best family by AIC that the KS test does not reject; else the
    values as an empirical (or a fixed value when they are all equal).
    Returns the distribution, how it was chosen, and its test."""
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0 or np.all(x == x[0]):
        value = float(x[0]) if x.size else 0.0
        return {"dist": "fixed", "value": round(value, 6)}, "every value equal", "-"
    positive = x[x > 0]
    if x.size < MIN_FIT or positive.size < MIN_FIT:
        return empirical_of(x), f"empirical: {x.size} values", "-"
    best: tuple[float, str, Any, tuple[float, ...]] | None = None
    models = {
        "exponential": stats.expon,
        "gamma": stats.gamma,
        "lognormal": stats.lognorm,
        "weibull": stats.weibull_min,
    }
    for family, model in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                params = model.fit(positive, floc=0)
            except Exception:  # scipy's optimisers raise several kinds on degenerate data
                continue
        loglik = float(np.sum(model.logpdf(positive, *params)))
        if not math.isfinite(loglik):
            continue
        k = len(params) - 1  # loc fixed at 0
        aic = 2 * k - 2 * loglik
        if best is None or aic < best[0]:
            best = (aic, family, model, params)
    if best is None:
        return empirical_of(x), "empirical: no family could be fitted", "-"
    aic, family, model, params = best
    p = float(stats.kstest(positive, model.cdf, args=params).pvalue)
    test = f"KS p = {p:.3g}, AIC {aic:.1f}"
    if p < KS_LEVEL:
        return empirical_of(x), f"empirical: best family {family} rejected", test
    return family_of(family, params), f"{family} by AIC of {', '.join(FAMILIES)}", test


def family_of(family: str, params: tuple[float, ...]) -> dict[str, Any]:
    def r(v: float) -> float:
        return float(f"{v:.6g}")

    if family == "exponential":
        return {"dist": "exponential", "mean": r(params[1])}
    if family == "gamma":
        shape, _, scale = params
        return {"dist": "gamma", "mean": r(shape * scale), "sd": r(math.sqrt(shape) * scale)}
    if family == "lognormal":
        s, _, scale = params
        mean = scale * math.exp(s * s / 2)
        sd = mean * math.sqrt(math.expm1(s * s))
        return {"dist": "lognormal", "mean": r(mean), "sd": r(sd)}
    shape, _, scale = params
    return {"dist": "weibull", "shape": r(shape), "scale": r(scale)}


def empirical_of(x: np.ndarray) -> dict[str, Any]:
    """Up to 50 equal-count bins of the values, uniform within each."""
    quantiles = np.quantile(x, np.linspace(0, 1, min(51, x.size + 1)))
    edges = np.unique([float(f"{e:.6g}") for e in quantiles])  # distinct once written
    if edges.size < 2:  # (nearly) one value
        return {"dist": "fixed", "value": float(f"{float(np.median(x)):.6g}")}
    counts = np.histogram(x, edges)[0]
    return {
        "dist": "empirical",
        "kind": "continuous",
        "values": [float(e) for e in edges],
        "weights": [int(c) for c in counts],
    }


def fit_arrivals(
    first: np.ndarray, span: float, unit: str, start_hour: float
) -> tuple[dict[str, Any], str, str]:
    """A Poisson rate, or an hour x weekday profile if the counts by hour of
    the week reject a constant rate (a chi-square test against each hour's
    exposure in the log, so that a part week does not count as a pattern)."""
    from scipy import stats

    n = first.size
    rate = n / span
    hours = UNIT_HOURS[unit]
    weeks = span * hours / 168.0
    plain = {"rate": float(f"{rate:.6g}")}, f"{n} cases over {span:g} {unit}"
    if weeks < 2 or n < 168 * 5:
        return (*plain, "-")
    slot = ((first * hours + start_hour) // 1).astype(int) % 168
    counts = np.bincount(slot, minlength=168).astype(float)
    clock = np.arange(int(np.ceil(span * hours)))  # the hours the log covers
    exposure = np.bincount((clock + int(start_hour)) % 168, minlength=168).astype(float)
    if np.any(exposure == 0):
        return (*plain, "-")
    p = float(stats.chisquare(counts, exposure * counts.sum() / exposure.sum()).pvalue)
    test = f"chi-square of counts by hour of week, p = {p:.3g}"
    if p >= PROFILE_LEVEL:
        return (*plain, test)
    per_hour = (counts / exposure).reshape(7, 24)  # arrivals an hour, by weekday and hour
    hourly = per_hour.mean(axis=0)
    weekday = per_hour.mean(axis=1) / max(per_hour.mean(), 1e-12)
    profile = {
        "hourly": [float(f"{v * hours:.6g}") for v in hourly],  # per time unit
        "weekday": [float(f"{v:.6g}") for v in weekday],
    }
    return {"profile": profile}, f"{n} cases by hour and weekday over {weeks:.1f} weeks", test


def group_of(name: str) -> str:
    """A resource group from an individual's name: `doctor-2` -> `doctor`."""
    return re.sub(r"[\s_\-#]*\d+$", "", str(name)) or str(name)


def most_at_once(starts: np.ndarray, ends: np.ndarray) -> int:
    events = np.concatenate(
        [np.stack([starts, np.ones_like(starts)], 1), np.stack([ends, -np.ones_like(ends)], 1)]
    )
    order = np.lexsort((events[:, 1], events[:, 0]))  # ends before starts at one instant
    return int(max(1, np.max(np.cumsum(events[order, 1]))))


def chance_arms(counts: pd.Series, steps: dict[str, str]) -> list[dict[str, Any]]:
    """Branch arms from counts of next activities, probabilities summing to 1."""
    counts = counts[counts > 0]
    total = float(counts.sum())
    probs = [round(float(c) / total, 6) for c in counts]
    if probs:
        probs[-1] = round(1.0 - sum(probs[:-1]), 6)
    return [
        {"p": p, "to": "leave" if t == "<end>" else steps[str(t)]}
        for p, t in zip(probs, counts.index)
    ]


def value_name(value: float) -> str:
    return f"{value:g}".replace("-", "m").replace(".", "_")


def case_attributes(frame: pd.DataFrame) -> dict[str, tuple[dict[str, Any], pd.Series]]:
    """The log's other columns that are constant within each case and take
    few values: as numbers (text coded 0, 1, ... in sorted order), with the
    distribution of their values over cases."""
    out: dict[str, tuple[dict[str, Any], pd.Series]] = {}
    for col in [c for c in frame.columns if c.startswith(ATTRIBUTE)]:
        per_case = frame.groupby("case")[col]
        if (per_case.nunique(dropna=False) > 1).any():
            continue  # changes within a case: not a case attribute
        values = per_case.first()
        if values.isna().any() or values.nunique() > MAX_ROUTING_VALUES or values.nunique() < 2:
            continue
        if not pd.api.types.is_numeric_dtype(values):
            codes = {v: i for i, v in enumerate(sorted(values.astype(str).unique()))}
            values = values.astype(str).map(codes)
        values = values.astype(float)
        shares = values.value_counts().sort_index()
        name = step_name(col[len(ATTRIBUTE) :])
        dist = {
            "dist": "empirical",
            "values": [float(v) for v in shares.index],
            "weights": [int(c) for c in shares],
        }
        out[name] = (dist, values)
    return out


def routing_attribute(
    ordered: pd.DataFrame,
    nxt: pd.Series,
    censored: pd.Series,
    activity: str,
    attributes: dict[str, tuple[dict[str, Any], pd.Series]],
) -> tuple[str, pd.DataFrame, float] | None:
    """The case attribute that best explains where cases go after
    ``activity`` (the smallest chi-square p-value, if below ROUTING_LEVEL),
    with the counts of next activities by its value."""
    from scipy.stats import chi2_contingency

    here = (ordered["activity"] == activity) & ~censored
    best = None
    for name, (_, values) in attributes.items():
        by_case = ordered.loc[here, "case"].map(values)
        table = pd.crosstab(by_case, nxt[here])
        if table.shape[0] < 2 or table.shape[1] < 2:
            continue
        p = float(chi2_contingency(table.to_numpy()).pvalue)
        if p < ROUTING_LEVEL and (best is None or p < best[2]):
            best = (name, table, p)
    return best


# Shifts are fitted when the log covers this many weeks, and the most in
# service is below half the peak in at least this share of the week's hours.
SHIFT_WEEKS = 2
SHIFT_QUIET_SHARE = 1 / 6


def fit_shifts(rows: pd.DataFrame, unit: str, start_hour: float) -> list[dict[str, Any]] | None:
    """Shifts from the most in service in each hour of the week (over the
    weeks of the log), when that varies: one per run of hours at one level
    within a day; None when one capacity fits (or the log is too short)."""
    hours = UNIT_HOURS[unit]
    starts = rows["start"].to_numpy(float) * hours + start_hour  # hours since a Monday 00:00
    ends = rows["end"].to_numpy(float) * hours + start_hour
    if (ends.max() - starts.min()) < SHIFT_WEEKS * 168:
        return None
    times = np.concatenate([starts, ends])
    steps = np.concatenate([np.ones_like(starts), -np.ones_like(ends)])
    order = np.lexsort((steps, times))  # an end before a start at one instant
    times, level = times[order], np.cumsum(steps[order])
    n_hours = int(np.ceil(times.max())) + 1
    most = np.zeros(n_hours)
    # each interval [times[i], times[i + 1]) at level[i] raises every hour it touches
    first = np.floor(times[:-1]).astype(int)
    last = np.ceil(times[1:]).astype(int) - 1
    np.maximum.at(most, first, level[:-1])
    for i in np.flatnonzero(last > first):  # the few intervals over an hour's end
        most[first[i] : last[i] + 1] = np.maximum(most[first[i] : last[i] + 1], level[i])
    by_hour = np.zeros(168)
    np.maximum.at(by_hour, np.arange(n_hours) % 168, most)
    peak = by_hour.max()
    if peak < 1 or np.mean(by_hour < peak / 2) < SHIFT_QUIET_SHARE:
        return None
    shifts = []
    for d in range(7):
        day = by_hour[24 * d : 24 * d + 24].astype(int)
        h = 0
        while h < 24:
            j = h
            while j < 24 and day[j] == day[h]:
                j += 1
            if day[h] > 0:
                shifts.append(
                    {
                        "days": [WEEKDAYS[d]],
                        "start": f"{h:02d}:00",
                        "end": f"{j % 24:02d}:00",
                        "capacity": int(day[h]),
                    }
                )
            h = j
    return shifts


def used_attributes(pathway: dict[str, Any]) -> set[str]:
    """The attributes a fitted pathway's conditions name."""
    names = set()
    for step in pathway.values():
        for arm in step.get("branch", []):
            if "when" in arm:
                names.add(arm["when"].split(" == ")[0])
    return names
