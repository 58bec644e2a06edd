"""``results.percentiles``: which percentiles every time metric reports."""

from __future__ import annotations

import math
import re

import numpy as np

import carepath as cp
from conftest import interval, mmc
from test_theory import erlang_c


def test_chosen_percentiles_are_reported_and_agree_with_the_defaults(simulate):
    default = simulate(mmc(2, 1.6), replications=4, seed=3)
    chosen = simulate(
        {**mmc(2, 1.6), "results": {"percentiles": [50, 99, 99.9]}}, replications=4, seed=3
    )
    reported = sorted(m for m in chosen.metrics if m.startswith("wait.serve.p"))
    assert reported == ["wait.serve.p50", "wait.serve.p99", "wait.serve.p99_9"]
    for metric in ("wait.serve.p50", "wait.serve.mean", "system_time.p50"):
        assert chosen.per_replication[metric].equals(default.per_replication[metric])
    per = chosen.per_replication
    assert (per["wait.serve.p50"] <= per["wait.serve.p99"]).all()
    assert (per["wait.serve.p99"] <= per["wait.serve.p99_9"]).all()


def test_no_percentiles_no_percentile_metrics_and_the_same_means(simulate):
    default = simulate(mmc(2, 1.6), replications=4, seed=3)
    none = simulate({**mmc(2, 1.6), "results": {"percentiles": []}}, replications=4, seed=3)
    assert not [m for m in none.metrics if re.search(r"\.p\d", m)]
    assert set(none.metrics) < set(default.metrics)
    for metric in none.metrics:
        assert none.per_replication[metric].equals(default.per_replication[metric]), metric


def test_p99_wait_matches_erlang_c(simulate):
    # P(W > t) = C exp(-(c mu - lambda) t): the 99th percentile solves C exp(...) = 0.01
    c, lam = 3, 2.4
    res = simulate({**mmc(c, lam), "results": {"percentiles": [99]}}, replications=30, seed=17)
    p99 = math.log(erlang_c(c, lam) / 0.01) / (c - lam)
    mean, lo, hi = interval(res, "wait.serve.p99")
    # the histogram's bins add at most 0.4% relative error on top of sampling error
    assert lo * (1 - 0.004) <= p99 <= hi * (1 + 0.004), (p99, lo, hi, mean)


def test_percentile_labels():
    from carepath.model.options import percentile_label

    assert [percentile_label(p) for p in (50, 2.5, 99.9, 99.99)] == [
        "p50",
        "p2_5",
        "p99_9",
        "p99_99",
    ]


def test_plot_of_waits_follows_the_percentiles():
    res = cp.run(
        cp.load("mm5").with_changes({"results.percentiles": [50, 99]}), replications=2, seed=1
    )
    fig = res.plot.waits("see_clinician")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["mean", "median", "99th centile"]


def test_percentiles_are_within_a_bin_of_the_exact_order_statistics():
    """The histogram's percentile lies in the bin of the exact order statistic
    X_(ceil(q n)), so within 1/256 of it relatively: checked against the
    times in system of every patient, from the event log."""
    data = {
        **mmc(2, 1.6, horizon=6000.0, warmup=0.0),
        "results": {"percentiles": [10, 50, 90, 95, 99], "event_log": {"max_events": 10**6}},
    }
    res = cp.run(data, replications=2, seed=5)
    log = res.event_log
    for rep, events in log.groupby("replication"):
        times = events.pivot_table(index="patient", columns="event", values="time", aggfunc="first")
        stay = (times["exit"] - times["arrive"]).dropna().to_numpy()
        row = res.per_replication[res.per_replication["replication"] == rep].iloc[0]
        assert row["system_time.p50"] > 0 and len(stay) == row["exits.served"]
        for p in (10, 50, 90, 95, 99):
            exact = np.quantile(stay, p / 100, method="inverted_cdf")
            assert abs(row[f"system_time.p{p}"] - exact) <= exact / 256 + 1e-12, (rep, p)
