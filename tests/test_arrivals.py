"""Time-varying demand (profiles, by inversion), timetables, cohorts and backlogs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import carepath as cp
from pathways import covers, only, scenario, values

HOURLY = [0.2] * 7 + [3.0, 2.5, 2.0, 1.5, 1.2, 1.0, 1.0, 1.1, 1.2, 1.0, 0.8, 0.6, 0.5] + [0.3] * 4
WEEKDAY = [1.4, 1.0, 0.9, 1.0, 1.1, 0.4, 0.3]
WEEKS = 4


def _binned(bins: int, width: float, period: float) -> dict:
    """Patients leave through outcome b<i> for the i-th bin of `now % period`."""
    arms = [{"when": f"now % {period} < {(i + 1) * width}", "to": f"b{i}"} for i in range(bins - 1)]
    pathway = {"bin": {"branch": [*arms, {"otherwise": f"b{bins - 1}"}]}}
    pathway.update({f"b{i}": {"exit": f"b{i}"} for i in range(bins)})
    return pathway


def _profile_run(pathway: dict) -> cp.Results:
    arrivals = [
        {"name": "calls", "start": "bin", "profile": {"hourly": HOURLY, "weekday": WEEKDAY}}
    ]
    data = scenario(pathway, arrivals, horizon=f"{WEEKS} weeks")
    return cp.run(data, replications=40, seed=5)


# One interval per bin: Bonferroni-corrected so the family errs with < 1% chance.
def test_profile_counts_per_hour_match_the_profile():
    res = _profile_run(_binned(24, 1, 24))
    for h in range(24):
        expected = WEEKS * sum(WEEKDAY) * HOURLY[h]
        covers(res, f"exits.b{h}", expected, level=1 - 0.01 / 24)


def test_profile_counts_per_weekday_match_the_profile():
    res = _profile_run(_binned(7, 24, 168))
    for d in range(7):
        expected = WEEKS * WEEKDAY[d] * sum(HOURLY)
        covers(res, f"exits.b{d}", expected, level=1 - 0.01 / 7)


def test_calendar_start_lines_the_profile_up():
    # Demand only on Wednesdays 08:00-09:00; the run starts then, so every
    # arrival falls in the first hour of each simulated week.
    hourly = [0.0] * 24
    hourly[8] = 5.0
    weekday = [0, 0, 1, 0, 0, 0, 0]
    pathway = {
        "bin": {"branch": [{"when": "now % 168 < 1", "to": "in"}, {"otherwise": "out"}]},
        "in": {"exit": "in"},
        "out": {"exit": "out"},
    }
    arrivals = [{"name": "a", "start": "bin", "profile": {"hourly": hourly, "weekday": weekday}}]
    data = scenario(pathway, arrivals, horizon="10 weeks", start={"day": "wed", "time": "08:00"})
    res = cp.run(data, replications=5, seed=1)
    assert res.per_replication["exits.out"].sum() == 0
    covers(res, "exits.in", 50.0)


def test_daily_timetable_arrives_exactly_on_time():
    pathway = {
        "bin": {
            "branch": [
                {"when": "now % 1440 == 540 or now % 1440 == 810", "to": "on_time"},
                {"otherwise": "late"},
            ]
        },
        "on_time": {"exit": "on_time"},
        "late": {"exit": "late"},
    }
    arrivals = [
        {
            "name": "clinic",
            "start": "bin",
            "schedule": {"daily": ["09:00", "13:30"], "days": "weekdays"},
        }
    ]
    data = scenario(pathway, arrivals, time_unit="minutes", horizon="2 weeks")
    res = cp.run(data, replications=1)
    assert only(res, "exits.on_time") == 20  # 2 a day, 10 weekdays
    assert only(res, "exits.late") == 0


@pytest.mark.parametrize(("horizon", "expected"), [(10.0, 3), (2.9, 2)])
def test_fixed_times_since_the_start(horizon, expected):
    arrivals = [{"name": "a", "start": "out", "schedule": {"times": [1, "2.5 hours", 3]}}]
    data = scenario({"out": {"exit": "done"}}, arrivals, horizon=horizon)
    assert only(cp.run(data, replications=1), "arrivals") == expected


def test_cohort_arrives_at_time_zero_with_its_own_attributes():
    arrivals = [
        {"name": "ward", "start": "stay", "cohort": 500, "attributes": {"urgent": 1}},
        {"name": "walk_in", "start": "stay", "rate": 1.0},
    ]
    pathway = {
        "stay": {"delay": {"dist": "fixed", "value": 2.0}, "then": "out"},
        "out": {"exit": "done"},
    }
    data = scenario(
        pathway,
        arrivals,
        horizon=100.0,
        attributes={"urgent": {"dist": "bernoulli", "p": 0.0}},
        results={"by": ["urgent"]},
    )
    res = cp.run(data, replications=3, seed=2)
    # Only the cohort is urgent, and the walk-ins (p = 0) never are.
    assert (res.per_replication["arrivals[urgent=1]"] == 500).all()
    assert (res.per_replication["system_time.mean[urgent=1]"] == 2.0).all()
    assert (res.per_replication["arrivals[urgent=0]"] > 50).all()


def test_backlog_waits_count_from_referral():
    arrivals = [
        {
            "name": "list",
            "start": "treat",
            "backlog": {"size": 200, "waited": {"dist": "fixed", "value": 10.0}},
        }
    ]
    pathway = {
        "treat": {"seize": "theatre", "service": {"dist": "fixed", "value": 1.0}, "then": "out"},
        "out": {"exit": "done"},
    }
    data = scenario(pathway, arrivals, horizon=50.0, resources={"theatre": {"capacity": 1000}})
    res = cp.run(data, replications=1)
    assert only(res, "arrivals") == 200
    assert only(res, "wait.treat.mean") == 10.0
    assert only(res, "system_time.mean") == 11.0


def test_season_multiplies_the_rate_week_by_week():
    """season [0, 3]: nobody in week 0, three times the rate in week 1, repeating; so a
    window of weeks 1-3 sees 3 + 0 + 3 weeks' worth, and nobody arrives in the warmup."""

    def run(warmup):
        return cp.run(
            scenario(
                {"out": {"exit": "done"}},
                [
                    {
                        "name": "a",
                        "start": "out",
                        "profile": {"hourly": [0.5] * 24, "season": [0, 3]},
                    }
                ],
                horizon=4 * 168.0,
                warmup=warmup,
                replications=20,
            )
        )

    whole, after_week_0 = run(0.0), run(168.0)
    assert (values(whole, "arrivals") == values(after_week_0, "arrivals")).all()
    covers(whole, "arrivals", 0.5 * 168 * 6)


def _cumulative_rate(hourly, weekday, season, start_hour, horizon):
    """Breakpoints and the cumulative rate there of a profile (time unit hours):
    the rate is constant between calendar hours and the weeks of the season."""
    hours = np.arange(np.ceil(start_hour), start_hour + horizon + 1) - start_hour
    weeks = np.arange(0, horizon + 168, 168.0)
    cuts = np.unique(np.concatenate([[0.0], hours[hours > 0], weeks, [horizon]]))
    cuts = cuts[cuts <= horizon]
    mid = (cuts[:-1] + cuts[1:]) / 2
    k = np.floor(mid + start_hour).astype(int)
    rate = np.asarray(hourly)[k % 24] * np.asarray(weekday)[(k // 24) % 7]
    if season:
        rate = rate * np.asarray(season)[(np.floor(mid / 168).astype(int)) % len(season)]
    return cuts, np.concatenate([[0.0], np.cumsum(rate * np.diff(cuts))])


def test_profile_arrivals_rescaled_by_the_cumulative_rate_are_unit_exponential():
    """Time-rescaling: with Lambda the cumulative rate, Lambda(t_i) - Lambda(t_i-1)
    are independent unit exponentials for a Poisson process of that rate.  A run
    starting mid-hour on a Wednesday with a season (so segments also split at
    week boundaries inside an hour) passes a Kolmogorov-Smirnov test."""
    season = [1.0, 0.0, 2.5]
    horizon = 5 * 168.0
    data = scenario(
        {"out": {"exit": "done"}},
        [
            {
                "name": "a",
                "start": "out",
                "profile": {"hourly": HOURLY, "weekday": WEEKDAY, "season": season},
            }
        ],
        horizon=horizon,
        start={"day": "wed", "time": "08:30"},
        replications=20,
    )
    data["results"] = {"event_log": {"max_events": 100_000}}
    res = cp.run(data, seed=3)
    log = res.event_log[res.event_log["event"] == "arrive"]
    cuts, cum = _cumulative_rate(HOURLY, WEEKDAY, season, 2 * 24 + 8.5, horizon)
    gaps = []
    for _, times in log.groupby("replication")["time"]:
        rescaled = np.interp(np.sort(times.to_numpy()), cuts, cum)
        gaps.append(np.diff(np.concatenate([[0.0], rescaled])))
    gaps = np.concatenate(gaps)
    assert len(gaps) > 5000
    assert stats.kstest(gaps, "expon").pvalue > 0.01
    # and nobody arrives in the season's empty week
    week = np.floor(log["time"].to_numpy() / 168).astype(int) % 3
    assert not (week == 1).any()
