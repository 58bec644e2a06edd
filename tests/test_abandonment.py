"""Balking (M/M/c/c, Erlang B) and reneging (M/M/1+M) against theory."""

from __future__ import annotations

import math

import carepath as cp
from pathways import covers, scenario


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load a."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def mm1_abandonment(lam: float, mu: float, theta: float, n_max: int = 400) -> float:
    """P(abandon) in M/M/1+M: birth-death with death rate mu + (n - 1) theta."""
    p = [1.0]
    for n in range(1, n_max):
        p.append(p[-1] * lam / (mu + (n - 1) * theta))
    total = sum(p)
    queue = sum((n - 1) * pn for n, pn in enumerate(p) if n >= 1) / total
    return theta * queue / lam  # abandonment rate over arrival rate


def _run(step: dict, c: int, lam: float, **kw) -> cp.Results:
    pathway = {"serve": step, "done": {"exit": "served"}, "lost": {"exit": "lost"}}
    data = scenario(
        pathway,
        [{"name": "a", "rate": lam, "start": "serve"}],
        horizon=20000.0,
        warmup=500.0,
        resources={"server": {"capacity": c}},
    )
    return cp.run(data, **kw)


def _limited(service: dict, max_queue: int) -> dict:
    """A seize that turns patients away when `max_queue` are already waiting."""
    return {
        "seize": "server",
        "service": service,
        "max_queue": max_queue,
        "on_balk": "lost",
        "then": "done",
    }


def _add_share(res: cp.Results, name: str, count: str) -> None:
    """Column `name`: metric `count` as a share of arrivals, per replication."""
    res.per_replication[name] = res.per_replication[count] / res.per_replication["arrivals"]


def test_mmcc_blocking_matches_erlang_b():
    c, lam = 5, 4.0
    res = _run(_limited({"dist": "exponential", "mean": 1.0}, 0), c, lam, replications=20, seed=8)
    _add_share(res, "blocked", "balked.serve")
    covers(res, "blocked", erlang_b(c, lam))
    # Carried load: utilisation = a (1 - B) / c.
    covers(res, "utilisation.server", lam * (1 - erlang_b(c, lam)) / c)


def test_erlang_b_insensitive_to_service_distribution():
    c, lam = 3, 2.0
    lognormal = {"dist": "lognormal", "mean": 1.0, "sd": 2.0}
    res = _run(_limited(lognormal, 0), c, lam, replications=20, seed=9)
    _add_share(res, "blocked", "balked.serve")
    covers(res, "blocked", erlang_b(c, lam))


def test_mm1_with_exponential_patience_matches_theory():
    lam, mu, theta = 1.0, 1.0, 0.5
    step = {
        "seize": "server",
        "service": {"dist": "exponential", "mean": 1 / mu},
        "patience": {"dist": "exponential", "mean": 1 / theta},
        "on_renege": "lost",
        "then": "done",
    }
    res = _run(step, 1, lam, replications=20, seed=10)
    _add_share(res, "abandoned", "reneged.serve")
    pr = res.per_replication
    expected = mm1_abandonment(lam, mu, theta)
    assert 0.2 < expected < 0.4  # a regime where abandonment matters
    covers(res, "abandoned", expected)
    # Every patient is served, abandons, or is still there at the end.
    assert (
        pr["served.serve"] + pr["reneged.serve"] + pr["in_system_at_end"] == pr["arrivals"]
    ).all()


def test_queue_limit_keeps_the_queue_short():
    res = _run(_limited({"dist": "exponential", "mean": 1.0}, 2), 1, 2.0, replications=5, seed=1)
    # M/M/1/3: P(3 in system) with rho = 2 is 8 / 15.
    rho = 2.0
    p_full = rho**3 * (1 - rho) / (1 - rho**4)
    _add_share(res, "blocked", "balked.serve")
    covers(res, "blocked", p_full)
    assert math.isclose(p_full, 8 / 15)
