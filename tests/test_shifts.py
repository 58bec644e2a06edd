"""Capacity that follows a shift schedule, checked against hand calculations.

A clinic opens 09:00-17:00 on weekdays with two clinicians.  Each weekday an
early patient arrives at 07:00 (waits until 09:00, 4 h service) and, Monday
to Thursday, a late one at 16:00 (2 h service, so it runs past closing).
"""

from __future__ import annotations

import pytest

import carepath as cp
from pathways import only, scenario


def clinic(at_shift_end: str) -> dict:
    pathway = {
        "early": {"seize": "clinic", "service": {"dist": "fixed", "value": 4}, "then": "out"},
        "late": {"seize": "clinic", "service": {"dist": "fixed", "value": 2}, "then": "out"},
        "out": {"exit": "done"},
    }
    arrivals = [
        {"name": "morning", "start": "early", "schedule": {"daily": ["07:00"], "days": "weekdays"}},
        {
            "name": "afternoon",
            "start": "late",
            "schedule": {"daily": ["16:00"], "days": ["mon", "tue", "wed", "thu"]},
        },
    ]
    shifts = [{"days": "weekdays", "start": "09:00", "end": "17:00", "capacity": 2}]
    resources = {"clinic": {"shifts": shifts, "at_shift_end": at_shift_end}}
    return scenario(pathway, arrivals, horizon="2 weeks", resources=resources)


@pytest.mark.parametrize(
    ("at_shift_end", "late_system_time"),
    [
        ("finish", 2.0),  # works an hour over
        ("interrupt", 18.0),  # 16:00-17:00, then 09:00-10:00 next morning
    ],
)
def test_shift_end_finish_or_interrupt(at_shift_end, late_system_time):
    res = cp.run(clinic(at_shift_end), replications=1)
    assert only(res, "arrivals") == 18
    assert only(res, "exits.done") == 18
    assert only(res, "wait.early.mean") == 2.0  # 07:00 until the shift starts
    assert only(res, "wait.late.mean") == 0.0
    expected = (10 * 6.0 + 8 * late_system_time) / 18
    assert only(res, "system_time.mean") == pytest.approx(expected, rel=1e-12)
    # Busy 10 x 4 h + 8 x 2 h against 2 clinicians x 8 h x 10 days scheduled.
    assert only(res, "utilisation.clinic") == pytest.approx(56 / 160, rel=1e-12)


def test_overlapping_and_overnight_shifts_add_up():
    # 2 on days 08:00-20:00, 1 on nights 20:00-08:00, +1 overlap 12:00-14:00.
    shifts = [
        {"start": "08:00", "end": "20:00", "capacity": 2},
        {"start": "20:00", "end": "08:00", "capacity": 1},
        {"start": "12:00", "end": "14:00", "capacity": 1},
    ]
    pathway = {
        "stay": {"seize": "bed", "service": {"dist": "fixed", "value": 0.5}, "then": "out"},
        "out": {"exit": "done"},
    }
    # A queue that never empties, and half-hour services that end on the
    # shift boundaries: each server-hour completes exactly two patients.
    # Capacity-hours a day: 12 x 2 + 12 x 1 + 2 x 1 = 38, so 266 a week; the
    # run starts Monday 00:00 inside Sunday's night shift.
    arrivals = [{"name": "a", "start": "stay", "cohort": 2000}]
    data = scenario(pathway, arrivals, horizon="1 week", resources={"bed": {"shifts": shifts}})
    res = cp.run(data, replications=1)
    assert only(res, "served.stay") == 2 * 266
    assert only(res, "utilisation.bed") == pytest.approx(1.0, rel=1e-12)
