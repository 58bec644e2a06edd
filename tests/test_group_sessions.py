"""Group sessions: a batch step gathers patients, a seize serves the group."""

from __future__ import annotations

import pytest
from scipy.optimize import brentq

import carepath as cp
from carepath.errors import ScenarioError
from pathways import covers


def _groups(arrivals: dict, batch: dict, service: dict, **top) -> dict:
    return {
        "name": "groups",
        "resources": {"room": {"capacity": 1}},
        "arrivals": [{"name": "a", "start": "gather", **arrivals}],
        "pathway": {
            "gather": {"batch": batch, "then": "session"},
            "session": {"seize": "room", "service": service, "then": "done"},
            "done": {"exit": "done"},
        },
        **top,
    }


def test_a_cohort_in_groups_of_four_with_a_timeout_by_hand():
    """10 patients at t = 0, groups of 4, timeout 7, sessions of 3 on one
    server: groups {1-4} and {5-8} form at 0, {9, 10} at 7.  Sessions 0-3,
    3-6 and 7-10."""
    res = cp.run(
        _groups(
            {"cohort": 10},
            {"size": 4, "timeout": 7},
            {"dist": "fixed", "value": 3},
            horizon=100,
            replications=1,
        )
    )
    row = res.per_replication.iloc[0]
    assert row["batches.gather"] == 3
    assert row["batch_size.gather.mean"] == pytest.approx(10 / 3, abs=1e-12)
    assert row["batch_wait.gather.mean"] == pytest.approx((8 * 0 + 2 * 7) / 10, abs=1e-12)
    assert row["batch_wait.gather.p95"] == pytest.approx(7, rel=0.004)
    assert row["wait.session.mean"] == pytest.approx((4 * 0 + 4 * 3 + 2 * 0) / 10, abs=1e-12)
    assert row["system_time.mean"] == pytest.approx((4 * 3 + 4 * 6 + 2 * 10) / 10, abs=1e-12)
    assert (row["served.session"], row["exits.done"]) == (10, 10)


def test_poisson_arrivals_in_groups_of_b_match_the_bulk_service_queue():
    """Poisson(lambda) arrivals in groups of exactly b, exponential sessions
    (rate mu) on one server, the M/M^[b,b]/1 queue: a patient waits (b - 1)
    / (2 lambda) on average for its group, and groups form an E_b/M/1 queue
    whose wait is sigma / (mu (1 - sigma)), sigma the root in (0, 1) of
    sigma = (lambda / (lambda + mu (1 - sigma)))^b.  99% intervals."""
    lam, b, mu = 1.0, 4, 0.4
    sigma = brentq(lambda s: s - (lam / (lam + mu * (1 - s))) ** b, 1e-9, 1 - 1e-9)
    data = _groups(
        {"rate": lam},
        {"size": b},
        {"dist": "exponential", "mean": 1 / mu},
        horizon=50000,
        warmup=1000,
        replications=30,
    )
    res = cp.run(data, seed=1)
    for metric, theory in (
        ("batch_wait.gather.mean", (b - 1) / (2 * lam)),
        ("wait.session.mean", sigma / (mu * (1 - sigma))),
    ):
        covers(res, metric, theory)
    assert (res.per_replication["batch_size.gather.mean"] == b).all()


def test_group_sessions_are_identical_on_any_thread_count():
    data = _groups(
        {"rate": 1.0},
        {"size": 3, "timeout": 5},
        {"dist": "exponential", "mean": 2},
        horizon=2000,
        replications=6,
    )
    assert cp.run(data, threads=1).per_replication.equals(cp.run(data, threads=2).per_replication)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"gather": {"batch": {"size": 0}, "then": "session"}},
            "pathway.gather.batch.size",
            ">= 1",
        ),
        (
            {"session": {"delay": {"dist": "fixed", "value": 1}, "then": "done"}},
            "pathway.gather.then",
            "must be a seize step",
        ),
        (
            {"gather": {"batch": {"size": 2, "timeout": -1}, "then": "session"}},
            "pathway.gather.batch.timeout",
            ">= 0",
        ),
    ],
)
def test_bad_batches_name_the_field(change, field, message):
    data = _groups({"rate": 1}, {"size": 2}, {"dist": "fixed", "value": 1}, horizon=10)
    data["pathway"].update(change)
    with pytest.raises(ScenarioError) as err:
        cp.load(data)
    assert field in str(err.value) and message in str(err.value)
