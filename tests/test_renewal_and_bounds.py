"""Arrivals with gaps of any distribution (a renewal source), and distributions
truncated to [low, high]: against queueing theory and scipy, and refused in
one line when they cannot work."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import brentq

import carepath as cp
from carepath.errors import LoadWarning
from carepath.model.offered_load import offered_loads
from pathways import covers, values

MU = 1.0  # service rate of the one server


def gim1(interarrival: object, horizon: float = 20000.0, **source: object) -> dict:
    return {
        "name": "gim1",
        "horizon": horizon,
        "warmup": 500.0,
        "resources": {"nurse": {"capacity": 1}},
        "arrivals": [{"name": "booked", "interarrival": interarrival, "start": "see", **source}],
        "pathway": {
            "see": {
                "seize": "nurse",
                "service": {"dist": "exponential", "mean": 1 / MU},
                "then": "done",
            },
            "done": {"exit": "seen"},
        },
    }


def gim1_wait(laplace: object) -> float:
    """GI/M/1: Wq = sigma / (mu (1 - sigma)), sigma the root in (0, 1) of
    sigma = A*(mu - mu sigma), A* the Laplace transform of the gaps."""
    sigma = brentq(lambda x: x - laplace(MU * (1 - x)), 0.0, 1.0 - 1e-12)
    return sigma / (MU * (1 - sigma))


def test_fixed_gaps_give_the_d_m_1_wait():
    gap = 1.25
    res = cp.run(gim1(gap), replications=20, seed=3)
    covers(res, "wait.see.mean", gim1_wait(lambda s: math.exp(-s * gap)))


def test_erlang_2_gaps_give_the_e2_m_1_wait():
    rate = 0.8  # arrivals per time unit; gaps gamma(shape 2) of mean 1 / rate
    gaps = {"dist": "gamma", "mean": 1 / rate, "sd": 1 / rate / math.sqrt(2)}
    res = cp.run(gim1(gaps), replications=20, seed=4)
    covers(res, "wait.see.mean", gim1_wait(lambda s: (2 * rate / (2 * rate + s)) ** 2))


def test_a_renewal_source_starts_at_start_at_and_stops_at_max_arrivals():
    data = gim1(2.0, horizon=100.0, start_at=5.0, max_arrivals=7)
    data["warmup"] = 0.0
    data["results"] = {"event_log": {"max_events": 100_000}}
    res = cp.run(data, replications=3, seed=1)
    log = res.event_log
    arrived = log[log["event"] == "arrive"]
    for _, times in arrived.groupby("replication")["time"]:
        np.testing.assert_allclose(times.to_numpy(), 5.0 + 2.0 * np.arange(7))
    assert (values(res, "arrivals") == 7).all()


def test_without_start_at_the_first_arrival_is_one_gap_after_the_start():
    data = gim1(3.0, horizon=10.0)
    data["warmup"] = 0.0
    res = cp.run(data, replications=1, seed=1)
    assert values(res, "arrivals")[0] == 3  # at 3, 6, 9


def test_renewal_gaps_are_the_same_on_any_thread_count():
    data = gim1({"dist": "lognormal", "mean": 1.3, "sd": 0.7}, horizon=2000.0)
    one = cp.run(data, replications=6, seed=9, threads=1).per_replication
    two = cp.run(data, replications=6, seed=9, threads=2).per_replication
    assert one.equals(two)


def test_the_offered_load_of_a_renewal_source_is_its_mean_rate():
    sc = cp.load(gim1({"dist": "uniform", "low": 1.0, "high": 3.0}))
    assert offered_loads(sc)["nurse"] == pytest.approx(MU**-1 / 2.0)
    overloaded = gim1(0.8, horizon=50.0)
    overloaded["warmup"] = 0.0
    with pytest.warns(LoadWarning, match="resources.nurse: offered load 1.25"):
        cp.run(overloaded, replications=1)


def delay_of(dist: dict, horizon: float = 4000.0) -> dict:
    return {
        "name": "bounded",
        "horizon": horizon,
        "arrivals": [{"name": "walk_in", "rate": 2.0, "start": "rest"}],
        "pathway": {
            "rest": {"delay": dist, "then": "done"},
            "done": {"exit": "home"},
        },
    }


def test_a_bounded_normal_has_the_truncated_normal_mean():
    mean, sd, low, high = 4.0, 3.0, 2.0, 9.0
    dist = {"dist": "normal", "mean": mean, "sd": sd, "low": low, "high": high}
    res = cp.run(delay_of(dist), replications=20, seed=5)
    expected = stats.truncnorm((low - mean) / sd, (high - mean) / sd, mean, sd).mean()
    covers(res, "system_time.mean", expected)
    assert (values(res, "system_time.p50") > low).all()


def test_a_bounded_lognormal_stays_within_its_bounds_and_has_the_conditional_mean():
    dist = {"dist": "lognormal", "mean": 5.0, "sd": 4.0, "high": 6.0}
    sc = cp.load(delay_of(dist, horizon=200.0))
    frozen = sc.pathway["rest"].delay.frozen()
    expected = frozen.expect(ub=6.0, conditional=True)
    data = delay_of(dist)
    data["results"] = {"percentiles": [99.9]}
    res = cp.run(data, replications=20, seed=6)
    covers(res, "system_time.mean", expected)
    assert (values(res, "system_time.p99_9") <= 6.0 * (1 + 1 / 256)).all()  # within a bin


def test_bounds_on_an_empirical_keep_its_values_inside():
    dist = {"dist": "empirical", "values": [1, 2, 3, 10], "weights": [1, 1, 1, 1], "high": 3}
    data = delay_of(dist, horizon=500.0)
    data["results"] = {"event_log": {"max_events": 100_000}}
    res = cp.run(data, replications=2, seed=7)
    log = res.event_log
    start = log[log["event"] == "start"].set_index(["replication", "patient"])["time"]
    end = log[log["event"] == "complete"].set_index(["replication", "patient"])["time"]
    stays = (end - start.reindex(end.index)).round(9)
    assert set(stays.unique()) == {1.0, 2.0, 3.0}


def test_a_bound_no_draw_crosses_changes_no_draw():
    """Truncation only draws again what falls outside: the same numbers, draw for draw."""
    data = delay_of({"dist": "normal", "mean": 4.0, "sd": 1.0}, horizon=300.0)
    wide = delay_of({"dist": "normal", "mean": 4.0, "sd": 1.0, "low": -1e9}, horizon=300.0)
    assert (
        cp.run(data, replications=3, seed=2)
        .per_replication.drop(columns="variant")
        .equals(cp.run(wide, replications=3, seed=2).per_replication.drop(columns="variant"))
    )


@pytest.mark.parametrize(
    ("arrival", "message"),
    [
        (
            {"interarrival": {"dist": "normal", "mean": 0.0, "sd": 0.1, "low": 5}},
            r"arrivals\[0\]\.interarrival: low=5 and high=inf keep a probability of 0 of this "
            r"normal, below 1e-06: widen them",
        ),
        (
            {"interarrival": {"dist": "exponential", "mean": 1.0, "low": 3, "high": 2}},
            r"arrivals\[0\]\.interarrival: low must be < high, got low=3, high=2",
        ),
        (
            {"interarrival": 0},
            r"arrivals\[0\]: interarrival: every gap is 0, so arrivals never stop: "
            r"give max_arrivals",
        ),
        (
            {"interarrival": {"dist": "uniform", "low": -1, "high": 1}},
            r"arrivals\[0\]: interarrival: a gap cannot be negative, but this uniform reaches -1",
        ),
        ({"rate": 1.0, "max_arrivals": 3}, r"max_arrivals goes with interarrival"),
        ({"interarrival": 1.0, "start_at": -2}, r"start_at must be >= 0, got -2"),
        (
            {"interarrival": 1.0, "rate": 2.0},
            r"an arrival needs exactly one of rate, profile, schedule, cohort, backlog, "
            r"interarrival, from, got rate, interarrival",
        ),
    ],
)
def test_bad_renewal_sources_and_bounds_are_refused_naming_the_field(arrival, message):
    data = gim1(1.0)
    data["arrivals"] = [{"name": "booked", "start": "see", **arrival}]
    with pytest.raises(cp.ScenarioError, match=message):
        cp.load(data)


def test_a_fixed_gap_of_zero_with_max_arrivals_is_a_burst():
    data = gim1(0, horizon=10.0, max_arrivals=4)
    data["warmup"] = 0.0
    res = cp.run(data, replications=1)
    assert values(res, "arrivals")[0] == 4
