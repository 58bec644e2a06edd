"""Appointment books: hand-computed waits, DNAs, full books and slot use."""

from __future__ import annotations

import warnings

import pytest

import carepath as cp
from pathways import covers, only, scenario

WEEK = 168.0


def reference_booking(
    arrivals: list[float], slots: list[float], horizon_days: int
) -> list[float | None]:
    """Waits in days under 'first free slot after now within the horizon', by hand."""
    taken: set[float] = set()
    waits: list[float | None] = []
    for t in arrivals:
        free = [s for s in slots if s > t and s not in taken and s // 24 - t // 24 <= horizon_days]
        if not free:
            waits.append(None)
            continue
        taken.add(min(free))
        waits.append((min(free) - t) / 24)
    return waits


def weekday_times(times_of_day: list[float], weeks: int) -> list[float]:
    return sorted(
        w * WEEK + d * 24 + h for w in range(weeks) for d in range(5) for h in times_of_day
    )


def clinic(horizon_days: int, dna: float | None = None) -> dict:
    book_step = {"book": "clinic", "on_full": "turned_away", "then": "seen"}
    if dna is not None:
        book_step.update(dna=dna, on_dna="missed")
    pathway = {
        "request": book_step,
        "seen": {"exit": "seen"},
        "missed": {"exit": "dna"},
        "turned_away": {"exit": "full"},
    }
    arrivals = [
        {
            "name": "calls",
            "start": "request",
            "schedule": {"daily": ["08:00", "08:30"], "days": "weekdays"},
        }
    ]
    books = {
        "clinic": {
            "horizon": horizon_days,
            "slots": [{"days": "weekdays", "count": 1, "start": "09:00"}],
        }
    }
    return scenario(pathway, arrivals, horizon="2 weeks", books=books)


@pytest.mark.parametrize("horizon_days", [28, 3, 0])
def test_waits_match_a_hand_calculation(horizon_days):
    res = cp.run(clinic(horizon_days), replications=1)
    arrivals = weekday_times([8.0, 8.5], 2)
    waits = reference_booking(arrivals, weekday_times([9.0], 6), horizon_days)
    booked = [w for w in waits if w is not None]
    assert only(res, "booked.request") == len(booked)
    assert only(res, "full.request") == len(waits) - len(booked)
    assert only(res, "appointment_wait.request.mean") == pytest.approx(
        sum(booked) / len(booked), rel=1e-12
    )
    # Slots in the two weeks: 10.  Attended = booked slots that start within them.
    attended = sum(1 for t, w in zip(arrivals, waits) if w is not None and t + 24 * w <= 2 * WEEK)
    assert only(res, "attended.request") == attended
    assert only(res, "slots.clinic.offered") == 10
    assert only(res, "slots.clinic.used") == attended
    assert only(res, "slots.clinic.utilisation") == attended / 10


def test_the_default_horizon_serialises_without_a_warning():
    """A book without `horizon` takes 28 days; dumping the scenario (as
    variants, sweeps and reports do) must not warn about its type."""
    spec = clinic(28)
    del spec["books"]["clinic"]["horizon"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = cp.load(spec).model_dump()
    assert dumped["books"]["clinic"]["horizon"] == 28


def test_everyone_dna_wastes_every_slot():
    res = cp.run(clinic(28, dna=1.0), replications=1)
    assert only(res, "dna.request") == 1.0
    assert only(res, "slots.clinic.used") == 0
    assert only(res, "slots.clinic.wasted") == 10
    assert only(res, "exits.dna") == 10


def test_same_day_and_prebookable_slot_types():
    # Same-day slots at 10:00 are bookable only on the day; routine ones at
    # 14:00 up to 28 days ahead.  An 08:00 urgent call takes today's 10:00.
    book = {
        "horizon": 28,
        "types": {"same_day": {"horizon": 0}},
        "slots": [
            {"days": "weekdays", "count": 1, "start": "10:00", "type": "same_day"},
            {"days": "weekdays", "count": 1, "start": "14:00", "type": "routine"},
        ],
    }
    pathway = {
        "urgent": {"book": "gp", "types": ["same_day"], "on_full": "out", "then": "out"},
        "routine": {"book": "gp", "types": ["routine"], "on_full": "out", "then": "out"},
        "out": {"exit": "done"},
    }
    arrivals = [
        {"name": "u", "start": "urgent", "schedule": {"daily": ["08:00"], "days": "weekdays"}},
        {
            "name": "r",
            "start": "routine",
            "schedule": {"daily": ["08:00", "08:01"], "days": "weekdays"},
        },
    ]
    res = cp.run(scenario(pathway, arrivals, horizon="1 week", books={"gp": book}), replications=1)
    assert only(res, "appointment_wait.urgent.mean") == pytest.approx(2 / 24)
    ref = reference_booking(weekday_times([8.0, 8 + 1 / 60], 1), weekday_times([14.0], 6), 28)
    assert only(res, "appointment_wait.routine.mean") == pytest.approx(sum(ref) / len(ref))


def test_dna_rate_follows_an_expression_by_class():
    book = {
        "horizon": 400,
        "slots": [{"days": "daily", "count": 40, "start": "08:00", "end": "18:00"}],
    }
    pathway = {
        "request": {
            "book": "gp",
            "dna": "0.3 if young else 0.05",
            "on_dna": "out",
            "on_full": "out",
            "then": "out",
        },
        "out": {"exit": "done"},
    }
    data = scenario(
        pathway,
        [{"name": "calls", "start": "request", "rate": 1.0}],
        horizon="20 weeks",
        warmup="2 weeks",
        books={"gp": book},
        attributes={"young": {"dist": "bernoulli", "p": 0.4}},
        results={"by": ["young"]},
    )
    res = cp.run(data, replications=20, seed=4)
    covers(res, "dna.request[young=1]", 0.3)
    covers(res, "dna.request[young=0]", 0.05)
    covers(res, "dna.request", 0.4 * 0.3 + 0.6 * 0.05)
