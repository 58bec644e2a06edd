"""Calendar time: durations such as "52 weeks", time units and the calendar start."""

from __future__ import annotations

import pytest

import carepath as cp
from carepath.model.clock import duration_hours, time_of_day_hours
from pathways import scenario


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("52 weeks", 52 * 168),
        ("1 week", 168),
        ("3 days", 72),
        ("8 hours", 8),
        ("90 minutes", 1.5),
        ("2.5 days", 60),
        ("45 min", 0.75),
    ],
)
def test_durations(text, hours):
    assert duration_hours(text) == pytest.approx(hours, rel=1e-12)


@pytest.mark.parametrize(
    ("unit", "expected"), [("minutes", 52 * 168 * 60), ("hours", 52 * 168), ("days", 52 * 7)]
)
def test_horizon_in_weeks_becomes_time_units(unit, expected):
    data = scenario({"out": {"exit": "done"}}, [{"name": "a", "rate": 1, "start": "out"}])
    data.update(time_unit=unit, horizon="52 weeks", warmup="1 week")
    sc = cp.load(data)
    assert sc.horizon == pytest.approx(expected)
    assert sc.warmup == pytest.approx(expected / 52)


def test_times_of_day():
    assert time_of_day_hours("08:30") == 8.5
    assert time_of_day_hours("24:00") == 24
    for bad in ("8.30", "25:00", "24:30", "noon"):
        with pytest.raises(ValueError, match="HH:MM"):
            time_of_day_hours(bad)


def test_rates_are_per_time_unit():
    # 0.1 a minute = 6 an hour: the same demand in either unit.
    runs = {}
    for unit, rate, horizon in (("minutes", 0.1, "1 week"), ("hours", 6.0, "1 week")):
        data = scenario({"out": {"exit": "done"}}, [{"name": "a", "rate": rate, "start": "out"}])
        data.update(time_unit=unit, horizon=horizon)
        runs[unit] = cp.run(data, replications=20, seed=3).per_replication["arrivals"].mean()
    assert runs["minutes"] == pytest.approx(1008, rel=0.03)
    assert runs["hours"] == pytest.approx(1008, rel=0.03)
