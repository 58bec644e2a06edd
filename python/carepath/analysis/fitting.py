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

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model.clock import UNIT_HOURS, WEEKDAYS
from .fit_check import validate as _validate
from .fit_parts import (
    case_attributes,
    chance_arms,
    fit_arrivals,
    fit_duration,
    fit_shifts,
    group_of,
    most_at_once,
    routing_attribute,
    step_name,
    used_attributes,
    value_name,
)
from .log_input import LogError, prepare, read_log

if TYPE_CHECKING:
    from ..model.scenario import Scenario

__all__ = ["FitResult", "LogError", "fit", "fit_duration", "read_log"]


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


def fit(
    log: str | Path | pd.DataFrame,
    *,
    case: str = "case",
    activity: str = "activity",
    start: str = "start",
    end: str = "end",
    arrival: str | None = None,
    resource: str | None = None,
    time_unit: str | None = None,
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
        A CSV, Parquet or XES file or a DataFrame, one row per activity
        instance; or carepath's own event log (``res.event_log``).
    case, activity, start, end, arrival, resource
        The log's column names.  Times are timestamps, or numbers in
        ``time_unit``.
    time_unit
        The scenario's unit (``minutes``, ``hours`` or ``days``); by
        default carepath's own log's unit, else hours.
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
    if time_unit is not None and time_unit not in UNIT_HOURS:
        raise LogError("time_unit", f"must be minutes, hours or days, got {time_unit!r}")
    columns = {"case": case, "activity": activity, "start": start, "end": end}
    if arrival:
        columns["arrival"] = arrival
    if resource:
        columns["resource"] = resource
    instances = read_log(log, columns)
    time_unit = time_unit or instances.attrs.get("time_unit", "hours")
    frame, origin = prepare(instances, time_unit)
    activities = list(dict.fromkeys(frame.sort_values("start", kind="stable")["activity"]))
    if len(activities) < 2:
        raise LogError("log", f"has one activity ('{activities[0]}'): there is no pathway to fit")
    steps: dict[str, str] = {}
    for a in activities:  # step names, clear of each other and of the routing steps
        step = step_name(a)
        while step in steps.values() or step in ("enter", "leave") or step.startswith("after_"):
            step = f"{step}_"
        steps[a] = step
    shift = min(0.0, float(frame["queue"].min()))  # t = 0 at the log's start, or before it
    for c in ("queue", "start", "end"):
        frame[c] = frame[c] - shift
    first = frame.groupby("case")["queue"].min().sort_values().to_numpy()
    window = float(first.max())  # cases arrive over [0, window]
    span = float(frame["end"].max())
    start_hour = (
        0.0 if origin is None else origin.day_of_week * 24 + origin.hour + origin.minute / 60
    )
    fitted: list[dict[str, Any]] = []
    source, how, test = fit_arrivals(first, window, time_unit, start_hour)
    if origin is not None:
        until = origin + pd.Timedelta(hours=window * UNIT_HOURS[time_unit])
        how += f", {origin:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M}"
    value = source.get("rate", "an hour x weekday profile")
    _note(fitted, "arrivals", value, first.size, how, test)
    resources, uses = _fit_resources(frame, activities, steps, time_unit, start_hour, fitted)
    service_times = frame["end"] - frame["start"]
    durations = {
        steps[a]: service_times[frame["activity"] == a].to_numpy(float) for a in activities
    }
    pathway, moves, attributes, first_step = _fit_pathway(
        frame, steps, uses, durations, window, fitted, progress
    )
    start_of_week = {"day": "mon", "time": "00:00"}
    if origin is not None:
        start_of_week = {
            "day": WEEKDAYS[origin.day_of_week],
            "time": f"{origin.hour:02d}:{origin.minute:02d}",
        }
    used = used_attributes(pathway)
    data: dict[str, Any] = {
        "name": step_name(name),
        "description": f"fitted to an event log: {first.size} cases, {len(frame)} activities",
        "time_unit": time_unit,
        "start": start_of_week,
        "horizon": float(f"{window:.6g}"),
        # long enough for the cases of the window to finish, as in the log
        "follow_up": float(f"{max(span - window, 0.0) + window:.6g}"),
        "replications": replications,
        "seed": seed,
        "resources": resources,
        "arrivals": [{"name": "cases", "start": first_step, **source}],
        "pathway": pathway,
    }
    if used:
        data["attributes"] = {n: dist for n, (dist, _) in attributes.items() if n in used}
    from ..model.loading import load

    scenario = load(data)
    moves.index = [steps[str(a)] for a in moves.index]
    moves.columns = [c if c == "<end>" else steps[str(c)] for c in moves.columns]
    result = FitResult(scenario, pd.DataFrame(fitted), None, tolerance, data, durations, moves)
    if validate:
        found: list[pd.DataFrame] = []
        result.validation = _validate(
            scenario, frame, steps, tolerance, replications, seed, found, progress
        )
        result.distances = found[0]
    return result


def _note(
    fitted: list[dict[str, Any]], item: str, value: object, n: int, source: str, test: str
) -> None:
    """One row of FitResult.fitted."""
    fitted.append({"item": item, "value": value, "n": n, "source": source, "test": test})


def _fit_resources(
    frame: pd.DataFrame,
    activities: list[str],
    steps: dict[str, str],
    time_unit: str,
    start_hour: float,
    fitted: list[dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Each activity's resource: the group of the individuals seen (else one
    per activity), with its capacity or shifts; and which activity uses which."""
    resources: dict[str, dict[str, Any]] = {}
    uses: dict[str, str] = {}
    named = "resource" in frame.columns
    groups = (
        frame["resource"].map(lambda r: step_name(group_of(r)) if pd.notna(r) else "")
        if named
        else None
    )
    for a in activities:
        here = frame["activity"] == a
        rows = frame[here]
        if groups is not None and rows["resource"].notna().any():
            group = groups[here].loc[rows["resource"].notna()].mode().iloc[0]
            members = frame[groups == group]
            seen = int(members["resource"].nunique())
            busy = most_at_once(members["start"].to_numpy(float), members["end"].to_numpy(float))
            capacity = max(seen, busy)
            how = f"{seen} individuals seen, at most {busy} in service at once"
        else:
            group = steps[a]
            members = rows
            capacity = most_at_once(rows["start"].to_numpy(float), rows["end"].to_numpy(float))
            how = "the most in service at once"
        uses[a] = group
        if group in resources:
            continue
        shifts = fit_shifts(members, time_unit, start_hour)
        value: int | str
        if shifts is None:
            resources[group] = {"capacity": capacity}
            item, value = f"resources.{group}.capacity", capacity
        else:
            resources[group] = {"shifts": shifts}
            item, value = f"resources.{group}.shifts", f"{len(shifts)} shifts"
            how = "the most in service in each hour of the week, over the weeks of the log"
        _note(fitted, item, value, len(rows), how, "-")
    return resources, uses


def _fit_pathway(
    frame: pd.DataFrame,
    steps: dict[str, str],
    uses: dict[str, str],
    durations: dict[str, np.ndarray],
    window: float,
    fitted: list[dict[str, Any]],
    progress: bool,
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, Any], str]:
    """A seize step per activity with its fitted service, and the branches
    after it (by a case attribute where one explains the routing); the
    directly-follows counts, the case attributes and the first step."""
    from tqdm.auto import tqdm

    attributes = case_attributes(frame)
    ordered = frame.sort_values(["case", "start", "end"], kind="stable")
    nxt = ordered.groupby("case")["activity"].shift(-1).fillna("<end>")
    # an activity that ended in the log's last 5% may have been followed by
    # one the log stops before: its moves are left out, whatever the log
    # shows next (leaving out only its ends would count too many onward moves)
    censored = ordered["end"] > 0.95 * window
    moves = pd.crosstab(ordered["activity"][~censored], nxt[~censored])
    pathway: dict[str, Any] = {}
    for a in tqdm(list(steps), desc="fitting activities", disable=not progress, leave=False):
        observed = durations[steps[a]]
        service, how, test = fit_duration(observed)
        _note(fitted, f"pathway.{steps[a]}.service", service["dist"], observed.size, how, test)
        after = f"after_{steps[a]}"
        pathway[steps[a]] = {"seize": uses[a], "service": service, "then": after}
        row = moves.loc[a] if a in moves.index else pd.Series({"<end>": 1})
        arms = chance_arms(row, steps)
        if len(arms) == 1:
            pathway[steps[a]]["then"] = arms[0]["to"]
            continue
        split = routing_attribute(ordered, nxt, censored, a, attributes)
        if split is None:
            pathway[after] = {"branch": arms}
            source, value, test = "directly-follows counts", f"{len(arms)} arms", "-"
        else:
            attr, table, p = split
            when = []
            for key, counts in table.iterrows():
                level = float(key)  # type: ignore[arg-type]
                sub = chance_arms(counts, steps)
                target = sub[0]["to"] if len(sub) == 1 else f"{after}_{attr}_{value_name(level)}"
                if len(sub) > 1:
                    pathway[target] = {"branch": sub}
                when.append({"when": f"{attr} == {level:g}", "to": target})
            pathway[f"{after}_other"] = {"branch": arms}  # a value the log did not show
            pathway[after] = {"branch": [*when, {"otherwise": f"{after}_other"}]}
            source = f"directly-follows counts for each value of {attr}"
            value = f"by {attr}"
            test = f"chi-square of {attr} against the next activity, p = {p:.3g}"
        _note(fitted, f"pathway.{after}", value, int(row.sum()), source, test)
    pathway["leave"] = {"exit": "done"}
    starts = ordered.groupby("case")["activity"].first().value_counts()
    if len(starts) == 1:
        return pathway, moves, attributes, steps[str(starts.index[0])]
    return {"enter": {"branch": chance_arms(starts, steps)}, **pathway}, moves, attributes, "enter"
