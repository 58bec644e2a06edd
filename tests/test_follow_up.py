"""follow_up: the run goes on after the horizon until the window's patients are through."""

from __future__ import annotations

import pytest

import carepath as cp
from carepath.errors import ScenarioError
from pathways import only, scenario, values

STAY = {
    "see": {"seize": "gp", "service": {"dist": "fixed", "value": 5}, "then": "out"},
    "out": {"exit": "done"},
}


def run(**top):
    return cp.run(
        scenario(
            STAY,
            [{"name": "a", "schedule": {"times": [1.0, 2.0, 6.0]}, "start": "see"}],
            resources={"gp": {"capacity": 1}},
            horizon=4.0,
            replications=1,
            **top,
        )
    )


def test_follow_up_completes_the_window_cohort_by_hand():
    """Arrivals at 1 and 2 (in the window [0, 4]) are served 1-6 and 6-11; the one at 6
    arrives after the horizon and is not counted, though it still queues."""
    cut, followed = run(), run(follow_up=20.0)
    assert only(cut, "arrivals") == only(followed, "arrivals") == 2
    assert only(cut, "in_system_at_end") == 2 and only(cut, "exits.done") == 0
    assert only(followed, "in_system_at_end") == 0 and only(followed, "exits.done") == 2
    assert only(followed, "system_time.mean") == pytest.approx((5 + 9) / 2)
    assert only(followed, "wait.see.mean") == pytest.approx((0 + 4) / 2)
    # time averages stay on the window: busy 1-4, in system 1-4 and 2-4
    for res in (cut, followed):
        assert only(res, "utilisation.gp") == pytest.approx(3 / 4)
        assert only(res, "in_system.mean") == pytest.approx(5 / 4)


def test_follow_up_keeps_arrivals_going_and_the_window_unchanged():
    """Common random numbers: the same patients arrive in the window with or without a
    follow-up, and a longer follow-up only lets more of them finish."""
    base = scenario(
        STAY | {"see": {**STAY["see"], "service": {"dist": "exponential", "mean": 0.9}}},
        [{"name": "a", "rate": 1.0, "start": "see"}],
        resources={"gp": {"capacity": 1}},
        horizon=200.0,
        replications=4,
    )
    cut = cp.run(base)
    followed = cp.run({**base, "follow_up": "2 weeks"})
    assert (values(cut, "arrivals") == values(followed, "arrivals")).all()
    assert (values(followed, "in_system_at_end") == 0).all()
    assert (values(followed, "utilisation.gp") == values(cut, "utilisation.gp")).all()


def test_negative_follow_up_names_the_field():
    with pytest.raises(ScenarioError, match="follow_up"):
        run(follow_up=-1.0)
