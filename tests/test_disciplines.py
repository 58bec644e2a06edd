"""Queue disciplines: preemptive priority, and longest-wait-first by hand."""

from __future__ import annotations

import pytest

import carepath as cp
from pathways import covers, only, scenario


def preemptive(mode: str, service: dict) -> dict:
    lam1, lam2 = 0.3, 0.4
    pathway = {
        "serve": {
            "seize": "server",
            "service": service,
            "priority": "0 if urgent else 1",
            "then": "out",
        },
        "out": {"exit": "done"},
    }
    return scenario(
        pathway,
        [{"name": "a", "rate": lam1 + lam2, "start": "serve"}],
        horizon=40000.0,
        warmup=1000.0,
        attributes={"urgent": {"dist": "bernoulli", "p": lam1 / (lam1 + lam2)}},
        resources={"server": {"capacity": 1, "preempt": mode}},
        results={"by": ["urgent"]},
    )


@pytest.mark.parametrize("mode", ["resume", "restart"])
def test_preemptive_high_class_sees_mm1_of_its_own_load(mode):
    res = cp.run(preemptive(mode, {"dist": "exponential", "mean": 1.0}), replications=30, seed=12)
    covers(res, "system_time.mean[urgent=1]", 1 / (1 - 0.3))


def test_preemptive_resume_low_class_matches_theory():
    # M/G/1 preemptive resume: T2 = E[S]/(1-r1) + R/((1-r1)(1-r1-r2)),
    # R = sum(lambda_i E[S^2]) / 2 = 0.7 for exponential(1) service.
    res = cp.run(
        preemptive("resume", {"dist": "exponential", "mean": 1.0}), replications=30, seed=13
    )
    covers(res, "system_time.mean[urgent=0]", 1 / 0.7 + 0.7 / (0.7 * 0.3))


def test_preemptive_restart_repeats_the_whole_service():
    # Fixed service 1: under restart a preempted patient needs a full 1 again,
    # so the low class waits longer than under resume; the high class is the
    # same M/D/1 of its own load: W = 1 + rho1 / (2 (1 - rho1)).
    fixed = {"dist": "fixed", "value": 1.0}
    resume = cp.run(preemptive("resume", fixed), replications=20, seed=14)
    restart = cp.run(preemptive("restart", fixed), replications=20, seed=14)
    covers(resume, "system_time.mean[urgent=1]", 1 + 0.3 / (2 * 0.7))
    covers(restart, "system_time.mean[urgent=1]", 1 + 0.3 / (2 * 0.7))
    low = "system_time.mean[urgent=0]"
    assert restart.per_replication[low].mean() > resume.per_replication[low].mean() + 0.5


def test_longest_wait_first_by_referral_date():
    # 100 patients at time 0 queue for a surgeon who starts at 01:00, 6 min
    # each.  `referral` is set to -100 (long ago) for the old referrals, so
    # they are all treated first.
    pathway = {
        "date": {"set": {"referral": "-100 if old else 0"}, "then": "treat"},
        "treat": {
            "seize": "surgeon",
            "service": {"dist": "fixed", "value": 0.1},
            "order": "longest_wait",
            "waiting_since": "referral",
            "then": "out",
        },
        "out": {"exit": "done"},
    }
    data = scenario(
        pathway,
        [{"name": "list", "start": "date", "cohort": 100}],
        horizon=200.0,
        attributes={"old": {"dist": "bernoulli", "p": 0.4}, "referral": 0},
        resources={"surgeon": {"shifts": [{"start": "01:00", "end": "23:00", "capacity": 1}]}},
        results={"by": ["old"]},
    )
    res = cp.run(data, replications=1, seed=3)
    n_old = only(res, "arrivals[old=1]")
    n_new = 100 - n_old
    assert 20 < n_old < 60
    assert only(res, "wait.treat.mean[old=1]") == pytest.approx(1 + 0.1 * (n_old - 1) / 2)
    assert only(res, "wait.treat.mean[old=0]") == pytest.approx(
        1 + 0.1 * n_old + 0.1 * (n_new - 1) / 2
    )


def test_longest_wait_by_arrival_puts_returning_patients_first():
    # Without waiting_since the order is by arrival in the system: a patient
    # coming back for a second visit goes ahead of newer arrivals.
    pathway = {
        "see": {
            "seize": "gp",
            "service": {"dist": "fixed", "value": 1.0},
            "order": "longest_wait",
            "then": "again",
        },
        "again": {"branch": [{"when": "visits < 1", "to": "count"}, {"otherwise": "out"}]},
        "count": {"set": {"visits": "visits + 1"}, "then": "see"},
        "out": {"exit": "done"},
    }
    data = scenario(
        pathway,
        [{"name": "list", "start": "see", "schedule": {"times": [0, 0.1, 0.2]}}],
        horizon=100.0,
        attributes={"visits": 0},
        resources={"gp": {"capacity": 1}},
    )
    res = cp.run(data, replications=1)
    # Arrivals at 0, 0.1, 0.2; a finishing patient's server goes to the queue
    # before the patient moves on.  Service order: p0 [0,1], p1 [1,2], p0
    # again [2,3] (arrived first), p1 again [3,4], p2 [4,5], p2 again [5,6].
    assert only(res, "wait.see.mean") == pytest.approx((0 + 0.9 + 1 + 1 + 3.8 + 0) / 6)
    assert only(res, "system_time.mean") == pytest.approx((3 + 3.9 + 5.8) / 3)
    # FIFO serves p2 before p0's second visit: p0, p1, p2, p0, p1, p2.
    data["pathway"]["see"]["order"] = "fifo"
    fifo = cp.run(data, replications=1)
    assert only(fifo, "wait.see.mean") == pytest.approx((0 + 0.9 + 1.8 + 2 + 2 + 2) / 6)
