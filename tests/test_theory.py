"""The engine against queueing theory, within 99% confidence intervals."""

from __future__ import annotations

import math

from conftest import assert_covers, interval, mmc


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a = lambda / mu."""
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (head + tail)


def test_mm1_matches_erlang_c(simulate):
    lam, mu = 0.7, 1.0
    res = simulate(mmc(1, lam), replications=30, seed=11)
    rho = lam / mu
    assert_covers(res, "wait.serve.mean", rho / (mu - lam))
    assert_covers(res, "wait.serve.frac_waited", rho)
    assert_covers(res, "utilisation.server", rho)
    assert_covers(res, "system_time.mean", 1 / (mu - lam))


def test_mmc_matches_erlang_c(simulate):
    c, lam, mu = 3, 2.4, 1.0
    res = simulate(mmc(c, lam), replications=30, seed=21)
    pw = erlang_c(c, lam / mu)
    assert_covers(res, "wait.serve.frac_waited", pw)
    assert_covers(res, "wait.serve.mean", pw / (c * mu - lam))
    assert_covers(res, "queue_length.server.mean", lam * pw / (c * mu - lam))
    assert_covers(res, "utilisation.server", lam / (c * mu))


def test_mmc_wait_quantile_matches_erlang_c(simulate):
    # P(W > t) = C exp(-(c mu - lambda) t), so the 90th percentile solves
    # C exp(-(c mu - lambda) t) = 0.1
    c, lam = 3, 2.4
    res = simulate(mmc(c, lam), replications=30, seed=13)
    pw = erlang_c(c, lam)
    p90 = math.log(pw / 0.1) / (c - lam)
    mean, lo, hi = interval(res, "wait.serve.p90")
    # the histogram's bins add at most 0.4% relative error on top of sampling error
    assert lo * (1 - 0.004) <= p90 <= hi * (1 + 0.004), (p90, lo, hi, mean)


def test_md1_matches_pollaczek_khinchine(simulate):
    lam, d = 0.8, 1.0
    res = simulate(mmc(1, lam, {"dist": "fixed", "value": d}), replications=30, seed=14)
    rho = lam * d
    # P-K: Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = d^2 for fixed service
    assert_covers(res, "wait.serve.mean", lam * d * d / (2 * (1 - rho)))


def test_mg1_gamma_service_matches_pollaczek_khinchine(simulate):
    lam, mean, sd = 0.6, 1.0, 0.5
    res = simulate(mmc(1, lam, {"dist": "gamma", "mean": mean, "sd": sd}), replications=30, seed=15)
    es2 = sd**2 + mean**2
    assert_covers(res, "wait.serve.mean", lam * es2 / (2 * (1 - lam * mean)))


def priority_scenario(lam_high: float, lam_low: float) -> dict:
    lam = lam_high + lam_low
    return {
        "name": "priority",
        "horizon": 40000,
        "warmup": 2000,
        "attributes": {"urgent": {"dist": "bernoulli", "p": lam_high / lam}},
        "resources": {"clinician": {"capacity": 1}},
        "arrivals": [{"name": "walk_in", "rate": lam, "start": "triage"}],
        "pathway": {
            "triage": {
                "branch": [{"when": "urgent", "to": "see_urgent"}, {"otherwise": "see_routine"}]
            },
            "see_urgent": {
                "seize": "clinician",
                "service": {"dist": "exponential", "mean": 1.0},
                "priority": "0 if urgent else 1",
                "then": "done",
            },
            "see_routine": {
                "seize": "clinician",
                "service": {"dist": "exponential", "mean": 1.0},
                "priority": "0 if urgent else 1",
                "then": "done",
            },
            "done": {"exit": "treated"},
        },
    }


def test_two_class_priority_matches_cobham(simulate):
    lam1, lam2, mu = 0.3, 0.4, 1.0
    res = simulate(priority_scenario(lam1, lam2), replications=30, seed=16)
    w0 = (lam1 + lam2) * 2 / mu**2 / 2  # sum lambda_i E[S_i^2] / 2
    s1, s2 = lam1 / mu, (lam1 + lam2) / mu
    assert_covers(res, "wait.see_urgent.mean", w0 / (1 - s1))
    assert_covers(res, "wait.see_routine.mean", w0 / ((1 - s1) * (1 - s2)))
    # conservation: the work-weighted mean wait is the FIFO M/M/1 wait
    assert_covers(res, "utilisation.clinician", lam1 + lam2)


def test_branch_probabilities_route_the_right_shares(simulate):
    data = mmc(1, 0.5)
    data["pathway"] = {
        "split": {"branch": [{"p": 0.25, "to": "a"}, {"p": 0.75, "to": "b"}]},
        "a": {"delay": {"dist": "exponential", "mean": 1.0}, "then": "out_a"},
        "b": {"delay": {"dist": "uniform", "low": 0.5, "high": 1.5}, "then": "out_b"},
        "out_a": {"exit": "a"},
        "out_b": {"exit": "b"},
    }
    data["arrivals"][0]["start"] = "split"
    data["resources"] = {}
    res = simulate(data, replications=20, seed=17)
    df = res.per_replication
    share = df["exits.a"] / (df["exits.a"] + df["exits.b"])
    res.per_replication["share_a"] = share
    assert_covers(res, "share_a", 0.25)
    # a delay-only pathway is an M/G/infinity queue: L = lambda E[S]
    assert_covers(res, "in_system.mean", 0.5 * (0.25 * 1.0 + 0.75 * 1.0))
