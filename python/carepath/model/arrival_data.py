"""What the files of a scenario's sources hold, read and checked: arrival
times and their attributes (a replay), counts per period, and tables of
patients.  Checked when the scenario loads, so that a bad file stops it
with one line naming the field; the engine gets the same arrays, read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ScenarioError
from .clock import UNIT_HOURS, to_time_units
from .data_files import cell, column, is_numeric, numbers, read_table, stamp, times

if TYPE_CHECKING:
    import numpy as np

    from .arrivals import Arrival, RowsFrom
    from .scenario import Scenario


@dataclass(frozen=True)
class Replay:
    """One arrival at each of ``times`` (time units, sorted), with the
    attributes read from the file at each."""

    times: np.ndarray
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class Periods:
    """``count[i]`` arrivals in ``[start[i], end[i])``."""

    start: np.ndarray
    end: np.ndarray
    count: np.ndarray


@dataclass(frozen=True)
class Rows:
    """A table of patients: a column per attribute, and the cumulative
    weights of its rows (None: every row alike)."""

    columns: dict[str, np.ndarray]
    cdf: np.ndarray | None


def _nonnegative_sorted(t: np.ndarray, where: str) -> None:
    import numpy as np

    negative = np.flatnonzero(t < 0)
    if negative.size:
        row = int(negative[0])
        raise ScenarioError(
            where, f"times must be >= 0 (at or after t = 0), got {t[row]:g} in row {row + 1}"
        )
    down = np.flatnonzero(np.diff(t) < 0)
    if down.size:
        row = int(down[0]) + 1
        raise ScenarioError(
            where,
            f"times must be sorted, but row {row + 1} ({t[row]:g}) comes before row {row} "
            f"({t[row - 1]:g}): sort the file by time",
        )


def _attribute_columns(frame: object, path: str, names: dict[str, str], where: str) -> dict:
    out = {}
    for name, col in names.items():
        values = column(frame, col, f"{where}.{name}", path)
        if not is_numeric(values):
            raise ScenarioError(
                f"{where}.{name}",
                f"column '{col}' holds text ({cell(values.iloc[0])}): attributes are numbers, "
                "so code it as numbers",
            )
        out[name] = numbers(values, f"{where}.{name}", f"column '{col}'")
    return out


@lru_cache(maxsize=32)
def _replay(
    path: str,
    stamp: tuple[int, int],
    time: str | None,
    count: str | None,
    period: str | None,
    every: float | None,
    origin: str | None,
    hours_per_unit: float,
    attributes: tuple[tuple[str, str], ...],
    where: str,
) -> Replay | Periods:
    import numpy as np

    frame = read_table(path, f"{where}.from")
    if time is not None:
        t = times(
            column(frame, time, f"{where}.time", path), origin, hours_per_unit, f"{where}.time"
        )
        _nonnegative_sorted(t, f"{where}.time")
        values = _attribute_columns(frame, path, dict(attributes), f"{where}.attributes")
        return Replay(t, values)
    assert count is not None
    n = numbers(column(frame, count, f"{where}.count", path), f"{where}.count", "counts")
    bad = np.flatnonzero((n < 0) | (n != np.floor(n)))
    if bad.size:
        row = int(bad[0])
        raise ScenarioError(
            f"{where}.count", f"counts must be whole numbers >= 0, got {n[row]:g} in row {row + 1}"
        )
    if period is not None:
        start = times(
            column(frame, period, f"{where}.period", path),
            origin,
            hours_per_unit,
            f"{where}.period",
        )
        _nonnegative_sorted(start, f"{where}.period")
        if len(start) > 1 and not np.all(np.diff(start) > 0):
            row = int(np.flatnonzero(np.diff(start) <= 0)[0]) + 1
            raise ScenarioError(f"{where}.period", f"row {row + 1} starts the same period again")
        if every is not None:
            end = start + every
        else:
            last = start[-1] - start[-2] if len(start) > 1 else None
            if last is None:
                raise ScenarioError(
                    f"{where}.period", "one period alone has no length: give every as well"
                )
            end = np.append(start[1:], start[-1] + last)
        if np.any(end[:-1] > start[1:]):
            row = int(np.flatnonzero(end[:-1] > start[1:])[0]) + 1
            raise ScenarioError(f"{where}.every", f"periods overlap at row {row + 1}")
    else:
        assert every is not None
        start = every * np.arange(len(n), dtype=float)
        end = start + every
    return Periods(start, end, n.astype(np.int64))


def replay_data(arrival: Arrival, i: int, sc: Scenario) -> Replay | Periods:
    """The arrivals of ``from`` source ``arrival`` (``arrivals[i]``) of ``sc``."""
    assert arrival.from_ is not None
    where = f"arrivals[{i}]"
    every = None if arrival.every is None else to_time_units(arrival.every, sc.time_unit)
    return _replay(
        arrival.from_,
        stamp(arrival.from_, f"{where}.from"),
        arrival.time,
        arrival.count,
        arrival.period,
        every,
        arrival.origin,
        UNIT_HOURS[sc.time_unit],
        tuple(arrival.file_columns().items()),
        where,
    )


@lru_cache(maxsize=32)
def _rows(
    path: str,
    stamp: tuple[int, int],
    columns: tuple[tuple[str, str], ...],
    weights: str | None,
    where: str,
) -> Rows:
    import numpy as np

    frame = read_table(path, f"{where}.file")
    values = _attribute_columns(frame, path, dict(columns), f"{where}.columns")
    cdf = None
    if weights is not None:
        w = numbers(column(frame, weights, f"{where}.weights", path), f"{where}.weights", "weights")
        if np.any(w < 0) or not w.sum() > 0:
            raise ScenarioError(f"{where}.weights", "weights must be >= 0 and not all 0")
        cdf = np.cumsum(w) / w.sum()
        cdf[-1] = 1.0
    return Rows(values, cdf)


def rows_data(ref: RowsFrom, where: str) -> Rows:
    """The table of patients ``ref`` (at ``where``) points at."""
    return _rows(
        ref.file,
        stamp(ref.file, f"{where}.file"),
        tuple(ref.columns.items()),
        ref.weights,
        where,
    )


def check_data(sc: Scenario) -> None:
    """Read and check every data file of ``sc``'s sources (cached)."""
    if sc.attributes_from is not None:
        rows_data(sc.attributes_from, "attributes_from")
    for i, arrival in enumerate(sc.arrivals):
        if arrival.from_ is not None:
            replay_data(arrival, i, sc)
        if arrival.attributes_from is not None:
            rows_data(arrival.attributes_from, f"arrivals[{i}].attributes_from")


# More distinct values than this in a file column cannot make `by:` classes.
MAX_CLASS_VALUES = 64


def _distinct(values: np.ndarray) -> list[float] | None:
    import numpy as np

    distinct = np.unique(values)
    return [float(v) for v in distinct] if len(distinct) <= MAX_CLASS_VALUES else None


def source_attribute(sc: Scenario, i: int, attr: str) -> object:
    """Where patients of ``arrivals[i]`` get attribute ``attr``: the distinct
    values of a file column (a list, or None past MAX_CLASS_VALUES), else
    their distribution.  A replayed column comes first, then the source's
    table (else the scenario's), then the source's distribution, then the
    scenario's (an attribute only files give is 0 elsewhere)."""
    from .distributions import Fixed

    arrival = sc.arrivals[i]
    if attr in arrival.file_columns():
        data = replay_data(arrival, i, sc)
        assert isinstance(data, Replay)
        return _distinct(data.values[attr])
    table = arrival.attributes_from or sc.attributes_from
    if table is not None and attr in table.columns:
        where = (
            "attributes_from"
            if arrival.attributes_from is None
            else f"arrivals[{i}].attributes_from"
        )
        return _distinct(rows_data(table, where).columns[attr])
    if attr in arrival.attributes:
        return arrival.attributes[attr]
    return sc.attributes.get(attr, Fixed(dist="fixed", value=0.0))
