"""The offered load of each resource, from the scenario alone: arrival rate x
mean service / capacity.  At 1 or more a queue grows without bound (unless
patients leave it), so a run is warned before it starts; a typo'd rate (45,000
an hour into one clinician) shows here, not as a machine out of memory.

Computed where the scenario says enough: Poisson, profile and renewal
arrivals without a limit (their mean rate), chance branches (their
probabilities), services with a known mean and no ``scale``.  Steps after a
conditional branch, and resources held across steps, are left out.
Reneging, balking and DNAs are ignored, so the
load is an upper bound.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import Scenario
from .clock import HOURS_PER_WEEK, time_of_day_hours
from .distributions import Empirical

_TRUNCATED_MEANS: dict[str, float] = {}


def _truncated_mean(dist: Any) -> float:
    """A bounded distribution's mean within its bounds (scipy integrates it:
    kept, as the overload check runs before every run)."""
    key = dist.model_dump_json()
    if key not in _TRUNCATED_MEANS:
        if len(_TRUNCATED_MEANS) > 1024:
            _TRUNCATED_MEANS.clear()
        _TRUNCATED_MEANS[key] = float(dist.truncated_mean())
    return _TRUNCATED_MEANS[key]


def mean_of(dist: object) -> float | None:
    """The mean of a distribution model, or None for one we cannot tell."""
    kind = getattr(dist, "dist", None)
    if getattr(dist, "bounded", False):
        return _truncated_mean(dist)
    if isinstance(dist, Empirical):
        weights = np.asarray(dist.resolved_weights(), float)
        values = np.asarray(dist.values, float)
        if dist.kind == "continuous":
            values = (values[1:] + values[:-1]) / 2
        return float(values @ weights / weights.sum())
    means = {
        "exponential": lambda d: d.mean,
        "fixed": lambda d: d.value,
        "uniform": lambda d: (d.low + d.high) / 2,
        "triangular": lambda d: (d.low + d.mode + d.high) / 3,
        "normal": lambda d: d.mean,
        "lognormal": lambda d: d.mean,
        "gamma": lambda d: d.mean,
        "weibull": lambda d: d.scale * math.gamma(1 + 1 / d.shape),
        "bernoulli": lambda d: d.p,
        "poisson": lambda d: d.mean,
    }
    return float(means[kind](dist)) if kind in means else None


def _mean_capacity(resource: object) -> float:
    shifts = getattr(resource, "shifts", None)
    if shifts is None:
        return float(resource.capacity)  # type: ignore[attr-defined]
    hours = 0.0
    for shift in shifts:
        begin, end = time_of_day_hours(shift.start), time_of_day_hours(shift.end)
        length = end - begin if end > begin else end + 24 - begin
        hours += shift.capacity * length * len(shift.days)  # validated, duplicates removed
    return hours / HOURS_PER_WEEK


def offered_loads(sc: Scenario) -> dict[str, float]:
    """Per resource whose load can be computed: its offered load."""
    steps = list(sc.pathway)
    index = {name: i for i, name in enumerate(steps)}
    n = len(steps)
    entering = np.zeros(n)
    for arrival in sc.arrivals:
        size = 1.0 if arrival.batch is None else mean_of(arrival.batch) or 0.0  # patients an event
        if arrival.rate is not None:
            entering[index[arrival.start]] += arrival.rate * size
        elif arrival.interarrival is not None and arrival.max_arrivals is None:
            gap = mean_of(arrival.interarrival)
            if gap is not None and gap > 0:
                entering[index[arrival.start]] += size / gap
        elif arrival.profile is not None:
            season = arrival.profile.season or [1.0]
            entering[index[arrival.start]] += size * (
                np.mean(arrival.profile.hourly) * np.mean(arrival.profile.weekday) * np.mean(season)
            )
    moves = np.zeros((n, n))  # moves[i, j]: share of those leaving step i who go to j
    unknown: set[str] = set()
    for name, step in sc.pathway.items():
        i = index[name]
        if step.branch is not None:
            for arm in step.branch:
                if not isinstance(arm.p, float):  # a condition or a weight expression:
                    unknown.add(arm.target)  # where patients go is not known here
                else:
                    moves[i, index[arm.target]] += arm.p
        elif step.goto is not None:
            moves[i, index[step.goto]] = 1.0
        elif step.then is not None:
            moves[i, index[step.then]] = 1.0
    todo = list(unknown)
    while todo:  # everything after a condition is unknown too
        step = sc.pathway[todo.pop()]
        for nxt in [arm.target for arm in step.branch or []] + [step.goto, step.then]:
            if nxt is not None and nxt not in unknown:
                unknown.add(nxt)
                todo.append(nxt)
    try:
        visits = np.linalg.solve(np.eye(n) - moves.T, entering)
    except np.linalg.LinAlgError:  # a loop nobody leaves
        return {}
    work: dict[str, float | None] = {}
    # a group session serves a whole group at once: a server's work is per group
    # (of `size` patients, or fewer, an unknown number, with a timeout)
    per_session = {
        s.then: (None if s.batch.timeout is not None else s.batch.size)
        for s in sc.pathway.values()
        if s.batch is not None
    }
    for name, step in sc.pathway.items():
        if not step.seizes:
            continue
        if name in per_session and per_session[name] is None:
            work.update(dict.fromkeys(step.seizes))
            continue
        if isinstance(step.seize, list):  # how the choice splits the work is not known here
            work.update(dict.fromkeys(step.seize))
            continue
        known = name not in unknown and step.service is not None and step.scale is None
        mean = mean_of(step.service) if known else None
        for resource in step.seizes:  # one, or each of seize_all
            units = step.units.get(resource, 1) if isinstance(step.units, dict) else step.units
            if mean is None or isinstance(units, str) or work.get(resource, 0.0) is None:
                work[resource] = None
                continue
            groups = visits[index[name]] / per_session.get(name, 1)  # type: ignore[operator]
            work[resource] = work.get(resource, 0.0) + groups * max(mean, 0.0) * (units or 1)
    loads = {}
    for resource, amount in work.items():
        if amount is None:
            continue
        capacity = _mean_capacity(sc.resources[resource])
        loads[resource] = float(amount / capacity) if capacity > 0 else math.inf
    return loads


def overload_warnings(sc: Scenario) -> list[str]:
    """A one-line warning for each resource offered a load of 1 or more whose
    queue nobody leaves (no patience, no ``max_queue`` at its steps)."""
    bounded = {
        r
        for step in sc.pathway.values()
        if step.patience is not None or step.max_queue is not None
        for r in step.seizes
    }
    return [
        f"resources.{name}: offered load {load:.3g} (arrival rate x mean service / capacity) "
        "is 1 or more and nobody leaves its queue: it grows without bound; check the "
        "arrival rates, service times and capacity"
        for name, load in offered_loads(sc).items()
        if load >= 1 and name not in bounded
    ]
