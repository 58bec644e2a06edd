"""Calendar-aware steps and outputs: wait_until, not_before, counts by clock hour."""

from __future__ import annotations

import pytest

import carepath as cp
from carepath.errors import ScenarioError
from pathways import only, scenario

WEEKDAYS_8AM = {"at": "08:00", "days": "weekdays"}


def test_wait_until_the_next_opening_by_hand():
    """t = 0 is Monday 00:00: Mon 07:30 waits 0.5 h, Mon 09:00 waits until Tue 08:00
    (23 h), Tue 06:00 waits 2 h, Fri 19:00 waits until Mon 08:00 (61 h); exactly 08:00
    waits a whole day (the next time strictly after now)."""
    times = [7.5, 9.0, 30.0, 4 * 24 + 19.0, 24 + 8.0]
    res = cp.run(
        scenario(
            {"wait": {"wait_until": WEEKDAYS_8AM, "then": "out"}, "out": {"exit": "done"}},
            [{"name": "a", "schedule": {"times": times}, "start": "wait"}],
            horizon=400.0,
            replications=1,
        )
    )
    assert only(res, "system_time.mean") == pytest.approx((0.5 + 23 + 2 + 61 + 24) / 5)
    assert only(res, "served.wait") == 5


def test_wait_until_several_times_and_a_calendar_start():
    """Start Wednesday 12:00; wait for 09:00 or 14:00 on any day: t = 1 h (13:00) waits 1 h,
    t = 3 h (15:00) waits until Thursday 09:00 (18 h)."""
    res = cp.run(
        scenario(
            {
                "wait": {"wait_until": {"at": ["14:00", "09:00"]}, "then": "out"},
                "out": {"exit": "done"},
            },
            [{"name": "a", "schedule": {"times": [1.0, 3.0]}, "start": "wait"}],
            start={"day": "wed", "time": "12:00"},
            horizon=100.0,
            replications=1,
        )
    )
    assert only(res, "system_time.mean") == pytest.approx((1 + 18) / 2)


def test_not_before_skips_earlier_slots_by_hand():
    """One 09:00 slot a day.  Patients at t = 0, 1 and 2 h want no slot before 48 h from
    booking: the first gets Wed 09:00 (57 h), the second Thu 09:00 (80 h), and the third,
    booking with no preference, the still-free Mon 09:00 (7 h)."""
    book_pref = {
        "book": "gp",
        "not_before": {"dist": "fixed", "value": 48},
        "on_full": "out",
        "then": "out",
    }
    book_any = {"book": "gp", "on_full": "out", "then": "out"}
    res = cp.run(
        scenario(
            {
                "route": {
                    "branch": [{"when": "arrived < 1.5", "to": "pref"}, {"otherwise": "any"}]
                },
                "pref": book_pref,
                "any": book_any,
                "out": {"exit": "done"},
            },
            [{"name": "a", "schedule": {"times": [0.0, 1.0, 2.0]}, "start": "route"}],
            books={"gp": {"slots": [{"days": "daily", "start": "09:00", "count": 1}]}},
            horizon=200.0,
            replications=1,
        )
    )
    assert only(res, "appointment_wait.pref.mean") == pytest.approx((57 + 80) / 2 / 24)
    assert only(res, "appointment_wait.any.mean") == pytest.approx(7 / 24)
    assert only(res, "slots.gp.used") == 3


def test_counts_by_clock_hour_by_hand():
    """Entries at 08:10, 08:20, 09:05 on Monday and 08:30 on Tuesday of week 2 (the
    first week is warmup), and one on Monday of week 1 (not counted)."""
    week = 168.0
    times = [8.2, week + 8.1667, week + 8.3333, week + 9.0833, week + 24 + 8.5]
    res = cp.run(
        scenario(
            {
                "call": {"delay": {"dist": "fixed", "value": 0.01}, "then": "out"},
                "out": {"exit": "done"},
            },
            [{"name": "a", "schedule": {"times": times}, "start": "call"}],
            horizon=3 * week,
            warmup=week,
            replications=1,
            results={"hourly": ["call"]},
        )
    )
    days = 14.0
    assert only(res, "entered.call.h08") == pytest.approx(3 / days)
    assert only(res, "entered.call.h09") == pytest.approx(1 / days)
    assert only(res, "entered.call.h10") == 0
    # busiest hour of the week: Monday 08:00, 2 calls in 2 weeks
    assert only(res, "entered.call.peak_hour") == pytest.approx(1.0)
    assert only(res, "entered.call.max_hour") == 2


def test_abandonment_by_hour_and_arrivals_per_source():
    res = cp.run(
        scenario(
            {
                "call": {
                    "seize": "line",
                    "service": {"dist": "fixed", "value": 1.0},
                    "patience": {"dist": "fixed", "value": 0.25},
                    "on_renege": "out",
                    "then": "out",
                },
                "out": {"exit": "done"},
            },
            [
                {"name": "a", "schedule": {"times": [8.0, 8.1, 8.2]}, "start": "call"},
                {"name": "b", "schedule": {"times": [30.0]}, "start": "call"},
            ],
            resources={"line": {"capacity": 1}},
            horizon=48.0,
            replications=1,
            results={"hourly": ["call"]},
        )
    )
    # the second and third callers hang up at 08:21 and 08:27
    assert only(res, "reneged.call.h08") == pytest.approx(2 / 2)
    assert only(res, "arrivals.a") == 3 and only(res, "arrivals.b") == 1


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"results": {"hourly": ["out"]}},
            "results.hourly[0]: unknown seize, delay, wait_until or book step 'out'",
        ),
        (
            {
                "pathway": {
                    "w": {"wait_until": {"at": "25:00"}, "then": "out"},
                    "out": {"exit": "x"},
                }
            },
            "pathway.w.wait_until.at",
        ),
        (
            {
                "pathway": {
                    "w": {"wait_until": {"at": "08:00", "dayz": "all"}, "then": "out"},
                    "out": {"exit": "x"},
                }
            },
            "pathway.w.wait_until.dayz: unknown key 'dayz'; did you mean 'days'?",
        ),
        ({"pathway": {"w": {"wait_until": {"at": "08:00"}}, "out": {"exit": "x"}}}, "needs 'then'"),
    ],
)
def test_bad_clock_steps_name_the_field(change, message):
    data = scenario(
        {"w": {"wait_until": WEEKDAYS_8AM, "then": "out"}, "out": {"exit": "x"}},
        [{"name": "a", "rate": 1.0, "start": "w"}],
    )
    data.update(change)
    with pytest.raises(ScenarioError) as err:
        cp.load(data)
    assert message in str(err.value)


def test_occupancy_by_hand_and_by_littles_law():
    """Patients at t = 1, 2 and 4 h each spend 3 h in a delay step; window [0, 10]:
    occupancy is (3 + 3 + 3) / 10.  A seize step counts its queue and its service."""
    res = cp.run(
        scenario(
            {
                "stay": {"delay": {"dist": "fixed", "value": 3}, "then": "see"},
                "see": {"seize": "gp", "service": {"dist": "fixed", "value": 2}, "then": "out"},
                "out": {"exit": "done"},
            },
            [{"name": "a", "schedule": {"times": [1.0, 2.0, 4.0]}, "start": "stay"}],
            resources={"gp": {"capacity": 1}},
            horizon=10.0,
            replications=1,
            results={"occupancy": ["stay", "see"]},
        )
    )
    assert only(res, "occupancy.stay.mean") == pytest.approx(9 / 10)
    # at `see` from 4-6, 5-8 (queued 5-6) and 7-10: 2 + 3 + 3 time units
    assert only(res, "occupancy.see.mean") == pytest.approx(8 / 10)


def test_occupancy_of_a_poisson_stream_is_rate_times_stay():
    """Little's law: Poisson(2) arrivals staying a mean 3 give 6 at the step."""
    res = cp.run(
        scenario(
            {
                "stay": {"delay": {"dist": "exponential", "mean": 3}, "then": "out"},
                "out": {"exit": "done"},
            },
            [{"name": "a", "rate": 2.0, "start": "stay"}],
            horizon=2000.0,
            warmup=50.0,
            replications=10,
            results={"occupancy": ["stay"]},
        )
    )
    row = res.summary().set_index("metric").loc["occupancy.stay.mean"]
    assert row["ci_low"] <= 6.0 <= row["ci_high"]
