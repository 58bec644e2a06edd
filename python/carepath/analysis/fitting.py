"""From an event log to a scenario: ``cp.fit`` and ``carepath fit``.

One row per activity instance (case, activity, start, end; optionally when
the case joined the activity's queue, and who served it).  Fitted:
arrivals (a rate, or an hour x weekday profile when a chi-square test on
the counts by hour of the week rejects a constant rate), first-order
routing from the directly-follows counts, each activity's service time
(the best of exponential, gamma, lognormal and Weibull by AIC, with a
Kolmogorov-Smirnov test; empirical where none fits), and each resource's
capacity (the individuals seen, or the most in service at once).  Each
activity becomes a seize step named after it, so ``wait.<activity>`` and
``utilisation.<resource>`` exist.  Validation simulates the fitted model
over the log's span and compares its KPIs with the log's.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..model.clock import UNIT_HOURS, WEEKDAYS

if TYPE_CHECKING:
    from ..model.scenario import Scenario

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
ATTRIBUTE = "attribute:"  # the prefix of the log's other columns, as read
# The event-log distances compare the log with this many simulated replications.
DISTANCE_REPLICATIONS = 5


class LogError(ScenarioError):
    """The event log cannot be fitted (a missing column, a bad row)."""


@dataclass
class FitResult:
    """A fitted scenario, what was fitted from what, and its validation.

    Attributes
    ----------
    scenario
        The fitted scenario.
    fitted
        One row per fitted quantity: ``item``, ``value``, ``n`` (the
        observations), ``source`` (how it was fitted) and ``test``.
    validation
        Per KPI: ``kpi``, ``log``, ``model``, ``ci_low``, ``ci_high``,
        ``difference`` (relative), ``within``; None without validation.
    tolerance
        The relative tolerance of ``within``.
    """

    scenario: Scenario
    fitted: pd.DataFrame
    validation: pd.DataFrame | None = None
    tolerance: float = 0.1
    data: dict[str, Any] = field(default_factory=dict)
    # per activity step: the log's service durations (for the report's histograms)
    durations: dict[str, np.ndarray] = field(default_factory=dict)
    # the directly-follows counts: activity -> next activity (or <end>) -> cases
    moves: pd.DataFrame | None = None
    # event-log distances between the log and the fitted model's simulated log
    distances: pd.DataFrame | None = None

    @property
    def passed(self) -> bool:
        """Whether every compared KPI is within the tolerance (True without validation)."""
        return self.validation is None or bool(self.validation["within"].all())

    def to_yaml(self) -> str:
        """The scenario as YAML, each fitted number's source in a comment
        on its line (n observations, how it was fitted, its test)."""
        import yaml

        notes = {}
        for row in self.fitted.itertuples():
            path = str(row.item)
            if path == "arrivals":
                path = "arrivals.rate" if "rate" in self.data["arrivals"][0] else "arrivals.profile"
            test = "" if row.test == "-" else f"; {row.test}"
            notes[path] = f"n = {row.n}; {row.source}{test}"
        header = "# Fitted by carepath fit from an event log (each number's source on its line).\n"
        return header + _commented(yaml.safe_dump(self.data, sort_keys=False), notes)

    def write(self, path: str | Path) -> Path:
        """Write the scenario YAML to ``path`` atomically; returns the path."""
        from ..io import atomic_path

        out = Path(path)
        with atomic_path(out) as tmp:
            tmp.write_text(self.to_yaml(), encoding="utf-8")
        return out


def _commented(text: str, notes: dict[str, str]) -> str:
    """YAML text with ``# note`` at the end of each line whose dotted path
    (list items' keys joined to their list's) is in ``notes``."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the mappings above
    for line in text.splitlines():
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if body.startswith("- "):
            body, indent = body[2:], indent + 2
        key = body.split(":", 1)[0] if ":" in body and not body.startswith(("'", '"')) else None
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if key is None:
            out.append(line)
            continue
        path = ".".join([k for _, k in stack] + [key])
        stack.append((indent, key))
        out.append(f"{line}  # {notes[path]}" if path in notes else line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- reading


def _carepath_log(frame: pd.DataFrame) -> pd.DataFrame:
    """carepath's own event log (``res.event_log``) as activity instances:
    each start..complete at a step with a resource, joined at its queue."""
    log = frame
    if "variant" in log.columns:
        log = log[log["variant"] == log["variant"].iloc[0]]
    if "replication" in log.columns:
        log = log[log["replication"] == log["replication"].min()]
    key = ["patient", "step"]
    starts = log[(log["event"] == "start") & log["resource"].notna()]
    ends = log[log["event"] == "complete"]
    joined = log[log["event"] == "schedule"]
    rows = starts.merge(ends[[*key, "time"]], on=key, suffixes=("", "_end"))
    rows = rows.merge(joined[[*key, "time"]].rename(columns={"time": "joined"}), on=key, how="left")
    rows = rows[rows["time_end"] >= rows["time"]].drop_duplicates(key)
    return pd.DataFrame(
        {
            "case": rows["patient"].to_numpy(),
            "activity": rows["step"].astype(str).to_numpy(),
            "start": rows["time"].to_numpy(),
            "end": rows["time_end"].to_numpy(),
            "arrival": rows["joined"].fillna(rows["time"]).to_numpy(),
            "resource": rows["resource"].astype(str).to_numpy(),
        }
    )


def _xes(path: str) -> pd.DataFrame:
    """An XES log (through pm4py) as activity instances: each activity's
    `start` event paired with its next `complete` in the same case (a
    complete alone is an instant)."""
    try:
        import pm4py
    except ImportError:
        raise ImportError("reading XES needs pm4py: pip install 'carepath[mining]'") from None
    import contextlib
    import io
    import os

    if not os.path.isfile(path):
        raise LogError("log", f"'{path}' does not exist")
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            events = pm4py.read_xes(path, show_progress_bar=False)
        except Exception as err:  # a damaged file: pm4py raises many kinds
            raise LogError("log", f"cannot read '{os.path.basename(path)}' as XES: {err}") from None
    for col in ("case:concept:name", "concept:name", "time:timestamp"):
        if col not in events.columns:
            raise LogError("log", f"the XES events have no '{col}'")
    life = events.get("lifecycle:transition", pd.Series("complete", index=events.index))
    events = events.assign(life=life.astype(str).str.lower())
    if "org:resource" not in events.columns:
        events = events.assign(**{"org:resource": None})
    rows = []
    for (case, activity), group in events.groupby(
        ["case:concept:name", "concept:name"], sort=False
    ):
        group = group.sort_values("time:timestamp", kind="stable")
        started = None
        for stamp, life_, who in zip(
            group["time:timestamp"], group["life"], group["org:resource"], strict=True
        ):
            if life_ == "start":
                started = stamp
            elif life_ == "complete":
                rows.append((case, activity, stamp if started is None else started, stamp, who))
                started = None
    out = pd.DataFrame(rows, columns=["case", "activity", "start", "end", "resource"])
    for col in ("start", "end"):
        out[col] = pd.to_datetime(out[col], utc=True).dt.tz_localize(None)
    if out["resource"].isna().all():
        out = out.drop(columns=["resource"])
    return out


def read_log(
    log: str | Path | pd.DataFrame,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The log as activity instances, its columns renamed to ``case``,
    ``activity``, ``start``, ``end`` (and ``arrival``, ``resource`` when
    present): a CSV, Parquet or XES file, a DataFrame, or carepath's own
    event log.

    Raises
    ------
    LogError
        Naming the column, or the row, of the first problem.
    """
    if isinstance(log, pd.DataFrame):
        frame = log
    elif str(log).lower().endswith(".xes"):
        frame = _xes(str(log))
    else:
        from ..model.data_files import read_table, resolve

        path = resolve(str(log), None)
        frame = read_table(path, "log")
    if {"patient", "step", "event", "time"} <= set(frame.columns):
        frame = _carepath_log(frame)
    names = {"case": "case", "activity": "activity", "start": "start", "end": "end"}
    names.update({k: v for k, v in (columns or {}).items() if v})
    for key in ("arrival", "resource"):
        names.setdefault(key, key)
    out = pd.DataFrame()
    for key, col in names.items():
        if col in frame.columns:
            out[key] = frame[col].to_numpy()
        elif key in ("case", "activity", "start", "end"):
            have = ", ".join(map(str, frame.columns))
            raise LogError("log", f"has no column '{col}' for the {key} (columns: {have})")
    used = {names[k] for k in names if names[k] in frame.columns}
    for col in frame.columns:  # the others may be case attributes
        if col not in used:
            out[f"{ATTRIBUTE}{col}"] = frame[col].to_numpy()
    return out


def _times(values: pd.Series, name: str, unit: str) -> tuple[np.ndarray, pd.Timestamp | None]:
    """A column of times as numbers: numbers as they are (in ``unit``), or
    timestamps as time units since their earliest."""
    if pd.api.types.is_numeric_dtype(values):
        t = values.to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(t))
        if bad.size:
            raise LogError("log", f"column '{name}', row {bad[0] + 1}: not a number")
        return t, None
    stamps = pd.to_datetime(values, errors="coerce")
    bad = np.flatnonzero(stamps.isna().to_numpy())
    if bad.size:
        row = int(bad[0])
        raise LogError(
            "log", f"column '{name}', row {row + 1}: cannot read {values.iloc[row]!r} as a time"
        )
    zero = stamps.min()
    return (stamps - zero).dt.total_seconds().to_numpy() / 3600.0 / UNIT_HOURS[unit], zero


def _prepare(frame: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """Numeric times from one origin, checked, sorted by case and start."""
    out = frame.copy()
    stamps = [c for c in ("start", "end", "arrival") if c in out.columns]
    if pd.api.types.is_numeric_dtype(out["start"]):
        origin = None
        for c in stamps:
            out[c], _ = _times(out[c], c, unit)
    else:
        joined = pd.concat([out[c] for c in stamps], ignore_index=True)
        _, origin = _times(joined, "start", unit)
        for c in stamps:
            parsed = pd.to_datetime(out[c], errors="coerce")
            bad = np.flatnonzero(parsed.isna().to_numpy() & out[c].notna().to_numpy())
            if bad.size:
                row = int(bad[0])
                raise LogError(
                    "log",
                    f"column '{c}', row {row + 1}: cannot read {out[c].iloc[row]!r} as a time",
                )
            out[c] = (parsed - origin).dt.total_seconds().to_numpy() / 3600.0 / UNIT_HOURS[unit]
    backwards = np.flatnonzero(out["end"].to_numpy() < out["start"].to_numpy())
    if backwards.size:
        row = int(backwards[0])
        end_, start_ = out["end"].iloc[row], out["start"].iloc[row]
        raise LogError("log", f"row {row + 1}: end ({end_:g}) is before start ({start_:g})")
    out["case"] = out["case"].astype(str)
    out["activity"] = out["activity"].astype(str)
    if out["case"].nunique() < 2:
        raise LogError("log", "has one case: a model needs at least two to fit arrivals")
    out = out.sort_values(["case", "start", "end"], kind="stable").reset_index(drop=True)
    previous_end = out.groupby("case")["end"].shift(1)
    first = out.groupby("case")["start"].transform("min")
    queue = previous_end.fillna(first)
    if "arrival" in out.columns:
        queue = out["arrival"].astype(float).fillna(queue)
    out["queue"] = np.minimum(queue.to_numpy(dtype=float), out["start"].to_numpy())
    return out, origin


# ---------------------------------------------------------------- fitting


def _name(text: str) -> str:
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
        return _empirical(x), f"empirical: {x.size} values", "-"
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
        return _empirical(x), "empirical: no family could be fitted", "-"
    aic, family, model, params = best
    p = float(stats.kstest(positive, model.cdf, args=params).pvalue)
    test = f"KS p = {p:.3g}, AIC {aic:.1f}"
    if p < KS_LEVEL:
        return _empirical(x), f"empirical: best family {family} rejected", test
    return _family(family, params), f"{family} by AIC of {', '.join(FAMILIES)}", test


def _family(family: str, params: tuple[float, ...]) -> dict[str, Any]:
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


def _empirical(x: np.ndarray) -> dict[str, Any]:
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


def _arrivals(
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


def _group(name: str) -> str:
    """A resource group from an individual's name: `doctor-2` -> `doctor`."""
    return re.sub(r"[\s_\-#]*\d+$", "", str(name)) or str(name)


def _most_at_once(starts: np.ndarray, ends: np.ndarray) -> int:
    events = np.concatenate(
        [np.stack([starts, np.ones_like(starts)], 1), np.stack([ends, -np.ones_like(ends)], 1)]
    )
    order = np.lexsort((events[:, 1], events[:, 0]))  # ends before starts at one instant
    return int(max(1, np.max(np.cumsum(events[order, 1]))))


def _chance_arms(counts: pd.Series, steps: dict[str, str]) -> list[dict[str, Any]]:
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


def _value_name(value: float) -> str:
    return f"{value:g}".replace("-", "m").replace(".", "_")


def _case_attributes(frame: pd.DataFrame) -> dict[str, tuple[dict[str, Any], pd.Series]]:
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
        name = _name(col[len(ATTRIBUTE) :])
        dist = {
            "dist": "empirical",
            "values": [float(v) for v in shares.index],
            "weights": [int(c) for c in shares],
        }
        out[name] = (dist, values)
    return out


def _routing_attribute(
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


def _shifts(rows: pd.DataFrame, unit: str, start_hour: float) -> list[dict[str, Any]] | None:
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


def fit(
    log: str | Path | pd.DataFrame,
    *,
    case: str = "case",
    activity: str = "activity",
    start: str = "start",
    end: str = "end",
    arrival: str | None = None,
    resource: str | None = None,
    time_unit: str = "hours",
    name: str = "fitted",
    validate: bool = True,
    tolerance: float = 0.1,
    replications: int = 20,
    seed: int = 1,
    progress: bool = False,
) -> FitResult:
    """Fit a scenario to an event log, and (with ``validate``) compare its
    simulated KPIs with the log's.

    Parameters
    ----------
    log
        A CSV or Parquet file or a DataFrame, one row per activity
        instance; or carepath's own event log (``res.event_log``).
    case, activity, start, end, arrival, resource
        The log's column names.  Times are timestamps, or numbers in
        ``time_unit``.
    time_unit
        The scenario's unit (``minutes``, ``hours`` or ``days``).
    validate, tolerance, replications, seed
        Simulate the fitted model over the log's span and compare each
        activity's mean wait and service and the mean time in system with
        the log's, within ``tolerance`` (relative).
    progress
        Show a progress bar over the activities fitted and the validation run.

    Returns
    -------
    FitResult
        The scenario, what was fitted from what, and the comparison.

    Raises
    ------
    LogError
        A missing column, an unreadable time, an end before its start, a
        log with one case or one activity, naming the row and column.
    """
    if time_unit not in UNIT_HOURS:
        raise LogError("time_unit", f"must be minutes, hours or days, got {time_unit!r}")
    columns = {"case": case, "activity": activity, "start": start, "end": end}
    if arrival:
        columns["arrival"] = arrival
    if resource:
        columns["resource"] = resource
    frame, origin = _prepare(read_log(log, columns), time_unit)
    activities = list(dict.fromkeys(frame.sort_values("start", kind="stable")["activity"]))
    if len(activities) < 2:
        raise LogError("log", f"has one activity ('{activities[0]}'): there is no pathway to fit")
    steps: dict[str, str] = {}
    for a in activities:  # step names, clear of each other and of the routing steps
        step = _name(a)
        while step in steps.values() or step in ("enter", "leave") or step.startswith("after_"):
            step = f"{step}_"
        steps[a] = step
    fitted: list[dict[str, Any]] = []
    shift = min(0.0, float(frame["queue"].min()))  # t = 0 at the log's start, or before it
    for c in ("queue", "start", "end"):
        frame[c] = frame[c] - shift
    first = frame.groupby("case")["queue"].min().sort_values().to_numpy()
    window = float(first.max())  # cases arrive over [0, window]
    span = float(frame["end"].max())
    start_hour = (
        0.0 if origin is None else origin.day_of_week * 24 + origin.hour + origin.minute / 60
    )
    source, how, test = _arrivals(first, window, time_unit, start_hour)
    if origin is not None:
        until = origin + pd.Timedelta(hours=window * UNIT_HOURS[time_unit])
        how += f", {origin:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M}"
    value = source.get("rate", "an hour x weekday profile")
    fitted.append(
        {"item": "arrivals", "value": value, "n": first.size, "source": how, "test": test}
    )

    attributes = _case_attributes(frame)

    # routing: first-order transitions between activities, and where cases end
    ordered = frame.sort_values(["case", "start", "end"], kind="stable")
    nxt = ordered.groupby("case")["activity"].shift(-1).fillna("<end>")
    # a case that came in the log's last 5% may still have been under way when
    # it ends: where it went after its last activity is not known, so that
    # move is left out (its others count)
    came = ordered.groupby("case")["queue"].transform("min")
    censored = (nxt == "<end>") & (came > 0.95 * window)
    moves = pd.crosstab(ordered["activity"][~censored], nxt[~censored])
    starts = ordered.groupby("case")["activity"].first().value_counts()

    start_hour = (
        0.0 if origin is None else origin.day_of_week * 24 + origin.hour + origin.minute / 60
    )

    # resources: by group of the individuals seen, else one per activity
    resources: dict[str, dict[str, Any]] = {}
    uses: dict[str, str] = {}
    for a in activities:
        rows = frame[frame["activity"] == a]
        at_once = _most_at_once(rows["start"].to_numpy(float), rows["end"].to_numpy(float))
        if "resource" in frame.columns and rows["resource"].notna().any():
            group = _name(_group(rows["resource"].dropna().mode().iloc[0]))
            groups = frame["resource"].map(lambda r: _name(_group(r)) if pd.notna(r) else "")
            members = frame[groups == group]
            seen = int(members["resource"].nunique())
            busy = _most_at_once(members["start"].to_numpy(float), members["end"].to_numpy(float))
            capacity = max(seen, busy)
            how = f"{seen} individuals seen, at most {busy} in service at once"
        else:
            group = steps[a]
            members = rows
            capacity = at_once
            how = "the most in service at once"
        uses[a] = group
        if group in resources:
            continue
        shifts = _shifts(members, time_unit, start_hour)
        if shifts is None:
            resources[group] = {"capacity": capacity}
            item, value = f"resources.{group}.capacity", capacity
        else:
            resources[group] = {"shifts": shifts}
            item, value = f"resources.{group}.shifts", f"{len(shifts)} shifts"
            how = "the most in service in each hour of the week, over the weeks of the log"
        fitted.append({"item": item, "value": value, "n": len(rows), "source": how, "test": "-"})

    pathway: dict[str, Any] = {}
    durations: dict[str, np.ndarray] = {}
    from tqdm.auto import tqdm

    for a in tqdm(activities, desc="fitting activities", disable=not progress, leave=False):
        rows = frame[frame["activity"] == a]
        durations[steps[a]] = (rows["end"] - rows["start"]).to_numpy(float)
        service, how, test = fit_duration(durations[steps[a]])
        fitted.append(
            {
                "item": f"pathway.{steps[a]}.service",
                "value": service["dist"],
                "n": len(rows),
                "source": how,
                "test": test,
            }
        )
        after = f"after_{steps[a]}"
        pathway[steps[a]] = {"seize": uses[a], "service": service, "then": after}
        row = moves.loc[a] if a in moves.index else pd.Series({"<end>": 1})
        arms = _chance_arms(row, steps)
        if len(arms) == 1:
            pathway[steps[a]]["then"] = arms[0]["to"]
            continue
        split = _routing_attribute(ordered, nxt, censored, a, attributes)
        if split is None:
            pathway[after] = {"branch": arms}
            fitted.append(
                {
                    "item": f"pathway.{after}",
                    "value": f"{len(arms)} arms",
                    "n": int(row.sum()),
                    "source": "directly-follows counts",
                    "test": "-",
                }
            )
            continue
        attr, table, p = split
        when = []
        for key, counts in table.iterrows():
            value = float(key)  # type: ignore[arg-type]
            sub = _chance_arms(counts, steps)
            target = sub[0]["to"] if len(sub) == 1 else f"{after}_{attr}_{_value_name(value)}"
            if len(sub) > 1:
                pathway[target] = {"branch": sub}
            when.append({"when": f"{attr} == {value:g}", "to": target})
        pathway[f"{after}_other"] = {"branch": arms}  # a value the log did not show
        pathway[after] = {"branch": [*when, {"otherwise": f"{after}_other"}]}
        fitted.append(
            {
                "item": f"pathway.{after}",
                "value": f"by {attr}",
                "n": int(row.sum()),
                "source": f"directly-follows counts for each value of {attr}",
                "test": f"chi-square of {attr} against the next activity, p = {p:.3g}",
            }
        )
    pathway["leave"] = {"exit": "done"}
    first_step = steps[str(starts.index[0])]
    if len(starts) > 1:
        total = float(starts.sum())
        probs = np.round(starts.to_numpy(float) / total, 6)
        probs[-1] = round(1.0 - float(probs[:-1].sum()), 6)
        pathway = {
            "start": {
                "branch": [
                    {"p": float(p), "to": steps[str(a)]} for p, a in zip(probs, starts.index)
                ]
            },
            **pathway,
        }
        first_step = "start"

    start_of_week = {"day": "mon", "time": "00:00"}
    if origin is not None:
        start_of_week = {
            "day": WEEKDAYS[origin.day_of_week],
            "time": f"{origin.hour:02d}:{origin.minute:02d}",
        }
    data: dict[str, Any] = {
        "name": _name(name),
        "description": f"fitted to an event log: {first.size} cases, {len(frame)} activities",
        "time_unit": time_unit,
        "start": start_of_week,
        "horizon": float(f"{window:.6g}"),
        # long enough for the cases of the window to finish, as in the log
        "follow_up": float(f"{max(span - window, 0.0) + window:.6g}"),
        "replications": replications,
        "seed": seed,
        "resources": resources,
        "attributes": {
            name: dist for name, (dist, _) in attributes.items() if name in used_attributes(pathway)
        },
        "arrivals": [{"name": "cases", "start": first_step, **source}],
        "pathway": pathway,
    }
    from ..model.loading import load

    scenario = load(data)
    moves.index = [steps[str(a)] for a in moves.index]
    moves.columns = [c if c == "<end>" else steps[str(c)] for c in moves.columns]
    result = FitResult(scenario, pd.DataFrame(fitted), None, tolerance, data, durations, moves)
    if validate:
        found: list[pd.DataFrame] = []
        result.validation = _validate(scenario, frame, steps, tolerance, replications, seed, found)
        result.distances = found[0]
    return result


def _validate(
    scenario: Scenario,
    frame: pd.DataFrame,
    steps: dict[str, str],
    tolerance: float,
    replications: int,
    seed: int,
    distances: list[pd.DataFrame],
    progress: bool = False,
) -> pd.DataFrame:
    """The log's KPIs against the fitted model's, per activity and overall;
    the event-log distances are appended to ``distances``."""
    from ..engine.run import run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hourly = {"results.series": {"bin": "1 hour", "counts": ["exits"]}}
        res = run(scenario, replications=replications, seed=seed, progress=progress, changes=hourly)
        # the distances need simulated event logs: a few replications' are enough
        logged = run(
            scenario,
            replications=min(replications, DISTANCE_REPLICATIONS),
            seed=seed,
            changes={"results.event_log": {"max_events": 10**9}},
        )
    summary = res.summary().set_index("metric")
    found = _distances(frame, logged, scenario)
    distances.append(pd.concat([found, _throughput(frame, res, scenario)], ignore_index=True))
    system = frame.groupby("case").agg(first=("queue", "min"), last=("end", "max"))
    in_system = (system["last"] - system["first"]).to_numpy(float)
    log_kpis = {
        "system_time.mean": float(in_system.mean()),
        "system_time.p90": float(np.quantile(in_system, 0.9)),
    }
    for a, step in steps.items():
        rows = frame[frame["activity"] == a]
        waits = (rows["start"] - rows["queue"]).to_numpy(float)
        log_kpis[f"wait.{step}.mean"] = float(waits.mean())
        log_kpis[f"wait.{step}.p90"] = float(np.quantile(waits, 0.9))
        log_kpis[f"service.{step}.mean"] = float((rows["end"] - rows["start"]).mean())
    from ..model.offered_load import mean_of

    out = []
    for kpi, value in log_kpis.items():
        model: float
        if kpi.startswith("service."):
            # the fitted distribution's mean: a check of the fit, not of the run
            dist = scenario.pathway[kpi.split(".")[1]].service
            mean = mean_of(dist) if dist is not None else None
            model = low = high = float("nan") if mean is None else float(mean)
        else:
            row = summary.loc[kpi]
            model, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
        difference = (model - value) / max(abs(value), 1e-12)
        # a wait near zero is compared absolutely, against the tolerance of the service time
        service = log_kpis.get(
            re.sub(r"^wait\.(.*)\.p90$", r"wait.\1.mean", kpi).replace("wait.", "service."), 0.0
        )
        within = abs(difference) <= tolerance or (
            kpi.startswith("wait.") and abs(model - value) <= tolerance * service
        )
        out.append(
            {
                "kpi": kpi,
                "log": value,
                "model": model,
                "ci_low": low,
                "ci_high": high,
                "difference": difference,
                "within": bool(within),
            }
        )
    return pd.DataFrame(out)


def _cases(instances: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each case's time in system and its sequence of activities."""
    ordered = instances.sort_values(["case", "start", "end"], kind="stable")
    groups = ordered.groupby("case", sort=False)
    times = (groups["end"].max() - groups["queue"].min()).to_numpy(float)
    sequences = [tuple(g) for _, g in groups["activity"]]
    return times, sequences


def _bigrams(sequences: list[tuple[str, ...]]) -> dict[tuple[str, str], float]:
    counts: dict[tuple[str, str], float] = {}
    for seq in sequences:
        full = ("<start>", *seq, "<end>")
        for pair in pairwise(full):
            counts[pair] = counts.get(pair, 0.0) + 1.0
    total = sum(counts.values()) or 1.0
    return {k: v / total for k, v in counts.items()}


def _distances(frame: pd.DataFrame, res: Any, scenario: Scenario) -> pd.DataFrame:
    """As log-distance-measures defines them (Chapela-Campa et al. 2023): the
    earth mover's distance between the cycle-time distributions (relative to
    the log's mean), the mean over weekdays of the EMD between the hours of
    day at which activities start (circadian, in hours), and the 2-gram
    distance between the activity sequences (half the sum of the absolute
    differences of their relative frequencies: 0 the same, 1 disjoint)."""
    from scipy.stats import wasserstein_distance

    sim = res.event_log
    sim = sim[sim["replication"] < DISTANCE_REPLICATIONS]
    parts = []
    for rep, rows in sim.groupby("replication"):
        inst = _carepath_log(rows)
        inst["case"] = f"{rep}:" + inst["case"].astype(str)
        inst["queue"] = inst["arrival"]
        parts.append(inst)
    simulated = pd.concat(parts, ignore_index=True)
    log_times, log_seqs = _cases(frame)
    sim_times, sim_seqs = _cases(simulated)
    hours_per_unit = UNIT_HOURS[scenario.time_unit]
    start = scenario.start.hour_of_week

    def hour_of_week(t: pd.Series) -> np.ndarray:
        return (t.to_numpy(float) * hours_per_unit + start) % 168.0

    a, b = hour_of_week(frame["start"]), hour_of_week(simulated["start"])
    days = [
        wasserstein_distance(a[a // 24 == d] % 24, b[b // 24 == d] % 24)
        for d in range(7)
        if np.any(a // 24 == d) and np.any(b // 24 == d)
    ]
    p, q = _bigrams(log_seqs), _bigrams(sim_seqs)
    ngram = 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))
    emd = wasserstein_distance(log_times, sim_times) / max(float(log_times.mean()), 1e-12)
    return pd.DataFrame(
        [
            {
                "distance": "cycle_time_emd",
                "value": emd,
                "meaning": "EMD of times in system / log mean",
            },
            {
                "distance": "circadian_emd",
                "value": float(np.mean(days)) if days else float("nan"),
                "meaning": "hours, mean over weekdays",
            },
            {"distance": "ngram_2", "value": ngram, "meaning": "0 the same sequences, 1 disjoint"},
        ]
    )


def _throughput(frame: pd.DataFrame, res: Any, scenario: Scenario) -> pd.DataFrame:
    """Cases leaving in each hour of the week, a week on average, in the log
    and in the model: their mean absolute difference over the log's mean."""
    hours = UNIT_HOURS[scenario.time_unit]
    start = scenario.start.hour_of_week
    horizon_hours = scenario.horizon * hours
    left = frame.groupby("case")["end"].max().to_numpy(float) * hours
    left = left[left <= horizon_hours]
    clock = np.arange(int(np.ceil(horizon_hours)))
    exposure = np.bincount((clock + int(start)) % 168, minlength=168).astype(float)
    log_rate = np.bincount(((left + start) // 1).astype(int) % 168, minlength=168) / np.maximum(
        exposure, 1
    )
    series = res.series["baseline"]
    exits = sum(
        series.values[:, i, :] for i, n in enumerate(series.names) if n.startswith("exits.")
    )
    per_bin = np.asarray(exits).mean(axis=0)  # one-hour bins from t = 0
    slots = (np.arange(per_bin.size) + int(start)) % 168
    model_rate = np.bincount(slots, weights=per_bin, minlength=168) / np.maximum(
        np.bincount(slots, minlength=168), 1
    )
    mae = float(np.mean(np.abs(model_rate - log_rate)) / max(float(log_rate.mean()), 1e-12))
    return pd.DataFrame(
        [
            {
                "distance": "throughput_by_hour",
                "value": mae,
                "meaning": "mean |model - log| of the cases leaving in each hour of "
                "the week, over the log's mean",
            }
        ]
    )
