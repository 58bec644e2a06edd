"""Lowering a scenario's arrival sources (replayed or counted from files
too) and its tables of patients, and the weekly patterns they and the
steps share, to the engine's specs."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from ..model import Arrival, Scenario
from ..model.arrival_data import Replay, replay_data, rows_data
from ..model.clock import HOURS_PER_WEEK, UNIT_HOURS, WEEKDAYS, time_of_day_hours, to_time_units


def cycle(hours_of_week: list[float], sc: Scenario) -> _core.Cycle:
    """Weekly times (hours after Monday 00:00) as a Cycle in time units from t = 0."""
    unit = UNIT_HOURS[sc.time_unit]
    start = sc.start.hour_of_week
    c = _core.Cycle()
    c.period = HOURS_PER_WEEK / unit
    # Times an exact number of minutes apart stay exact: hours are multiples of 1/60.
    c.offsets = sorted(((h - start) % HOURS_PER_WEEK) / unit for h in hours_of_week)
    return c


def weekly(days: list[str], hours: list[float]) -> list[float]:
    return [WEEKDAYS.index(d) * 24.0 + h for d in days for h in hours]


def _from_file(src: _core.SourceSpec, arrival: Arrival, sc: Scenario, i: int) -> None:
    """A ``from`` source: its arrivals (and their attributes) or its counts."""
    data = replay_data(arrival, i, sc)
    if isinstance(data, Replay):
        src.kind = _core.SourceKind.REPLAY
        src.times = data.times
        if data.values:
            empty = np.empty(0)
            src.replay_values = [data.values.get(n, empty) for n in sc.attribute_names]
    else:
        src.kind = _core.SourceKind.COUNTS
        src.period_start = data.start.tolist()
        src.period_end = data.end.tolist()
        src.period_count = data.count.tolist()


def _table_spec(columns: dict[str, np.ndarray], cdf: np.ndarray | None, sc: Scenario) -> Any:
    table = _core.TableSpec()
    names = sc.attribute_names
    table.attributes = [names.index(n) for n in columns]
    table.columns = list(columns.values())
    if cdf is not None:
        table.cdf = cdf
    return table


def source_spec(
    arrival: Arrival,
    sc: Scenario,
    step_index: dict[str, int],
    add_dist: Any,
    record: Any,
    i: int,
) -> _core.SourceSpec:
    src = _core.SourceSpec()
    src.name, src.start = arrival.name, step_index[arrival.start]
    where = f"arrivals.{i}"
    if arrival.from_ is not None:
        _from_file(src, arrival, sc, i)
    elif arrival.rate is not None:
        src.kind, src.rate = _core.SourceKind.POISSON, arrival.rate
        record(f"{where}.rate", _core.SlotKind.SOURCE_RATE, i)
    elif arrival.profile is not None:
        src.kind = _core.SourceKind.PROFILE
        src.hourly, src.weekday = list(arrival.profile.hourly), list(arrival.profile.weekday)
        src.season = list(arrival.profile.season or [])
    elif arrival.schedule is not None:
        src.kind = _core.SourceKind.SCHEDULE
        table = arrival.schedule
        if table.times is not None:
            c = _core.Cycle()
            c.period = 0.0
            c.offsets = sorted(to_time_units(t, sc.time_unit) for t in table.times)
            src.schedule = c
        else:
            hours = [time_of_day_hours(t) for t in table.daily or []]
            src.schedule = cycle(weekly(table.days, hours), sc)
    elif arrival.interarrival is not None:
        src.kind = _core.SourceKind.RENEWAL
        src.interarrival = add_dist(arrival.interarrival, f"{where}.interarrival")
        if arrival.start_at is not None:
            src.start_at = to_time_units(arrival.start_at, sc.time_unit)
        if arrival.max_arrivals is not None:
            src.max_arrivals = arrival.max_arrivals
    else:
        src.kind = _core.SourceKind.COHORT
        if arrival.backlog is not None:
            src.count = arrival.backlog.size
            src.waited = add_dist(arrival.backlog.waited, f"{where}.backlog.waited")
            record(f"{where}.backlog.size", _core.SlotKind.COHORT_COUNT, i)
        else:
            src.count = int(arrival.cohort or 0)
            record(f"{where}.cohort", _core.SlotKind.COHORT_COUNT, i)
    drawn = {k: v for k, v in arrival.attributes.items() if not isinstance(v, str)}
    if drawn:
        src.attributes = [
            add_dist(
                drawn[name],
                None if name in sc.results.by else f"{where}.attributes.{name}",
            )
            if name in drawn
            else -1
            for name in sc.attribute_names
        ]
    if arrival.batch is not None:
        src.batch = add_dist(arrival.batch, f"{where}.batch")
    src.observed = arrival.observed
    return src


def table_specs(sc: Scenario, sources: list[_core.SourceSpec]) -> list[_core.TableSpec]:
    """The tables of patients: the scenario's (for every source without its
    own) and each source's, each source pointed at the one it draws from."""
    tables = []
    shared = -1
    if sc.attributes_from is not None:
        rows = rows_data(sc.attributes_from, "attributes_from")
        tables.append(_table_spec(rows.columns, rows.cdf, sc))
        shared = 0
    for i, (src, arrival) in enumerate(zip(sources, sc.arrivals)):
        if arrival.attributes_from is not None:
            rows = rows_data(arrival.attributes_from, f"arrivals[{i}].attributes_from")
            tables.append(_table_spec(rows.columns, rows.cdf, sc))
            src.table = len(tables) - 1
        else:
            src.table = shared
    return tables
