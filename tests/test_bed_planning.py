"""Occupancy distributions and the probability of delay against queueing theory."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import carepath as cp
from carepath.errors import ScenarioError

LEVEL = 0.99


def _scenario(service: dict, capacity: int, rate: float, **results) -> cp.Scenario:
    return cp.Scenario.model_validate(
        {
            "name": "beds",
            "time_unit": "days",
            "horizon": 3000,
            "warmup": 300,
            "replications": 30,
            "resources": {"beds": {"capacity": capacity}},
            "arrivals": [{"name": "admissions", "rate": rate, "start": "stay"}],
            "pathway": {
                "stay": {"seize": "beds", "service": service, "then": "home"},
                "home": {"exit": "home"},
            },
            "results": {"occupancy": ["stay"], "distributions": {"max_level": 40, **results}},
        }
    )


def _assert_within(table, theory: np.ndarray) -> None:
    """Every level whose theoretical share is not negligible lies in its
    interval over replications."""
    checked = 0
    for k, p in enumerate(theory):
        if p < 1e-3:
            continue
        row = table.iloc[k]
        assert row["ci_low"] <= p <= row["ci_high"], (k, p, row.to_dict())
        checked += 1
    assert checked >= 8


def mmc_number_in_system(lam: float, mu: float, c: int, levels: int) -> np.ndarray:
    """The stationary distribution of patients in an M/M/c queue."""
    a = lam / mu
    rho = a / c
    head = [a**n / math.factorial(n) for n in range(c)]
    tail = a**c / math.factorial(c) / (1 - rho)
    p0 = 1 / (sum(head) + tail)
    return np.array(
        [
            p0 * (a**n / math.factorial(n) if n < c else a**c / math.factorial(c) * rho ** (n - c))
            for n in range(levels)
        ]
    )


def erlang_b(c: int, a: float) -> float:
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def test_mmc_occupancy_and_busy_servers_match_theory_level_by_level():
    lam, mu, c = 2.0, 1.0, 3
    res = cp.run(_scenario({"dist": "exponential", "mean": 1 / mu}, c, lam), seed=11)
    theory = mmc_number_in_system(lam, mu, c, 41)
    at_step = res.occupancy_distribution("stay", level=LEVEL)
    _assert_within(at_step, theory)
    busy = res.occupancy_distribution("beds", level=LEVEL)
    busy_theory = np.concatenate([theory[:c], [theory[c:].sum()], np.zeros(41 - c - 1)])
    for k in range(c + 1):
        row = busy.iloc[k]
        assert row["ci_low"] <= busy_theory[k] <= row["ci_high"], (k, row.to_dict())
    assert busy["share"].iloc[c + 1 :].max() == 0  # never more busy than servers
    assert busy["cdf"].iloc[-1] == pytest.approx(1.0)


def test_mginf_occupancy_is_poisson_whatever_the_stay():
    """Infinite servers, lognormal stays: occupancy is Poisson with mean
    (arrival rate x mean stay), level by level."""
    res = cp.run(_scenario({"dist": "lognormal", "mean": 5, "sd": 7}, 10000, 2.0), seed=3)
    table = res.occupancy_distribution("stay", level=LEVEL)
    _assert_within(table, stats.poisson.pmf(np.arange(41), 10.0))


def test_p_delay_from_an_infinite_server_run_is_erlang_b():
    """The study's method: truncating the unconstrained occupancy at c gives
    the probability that an arrival finds c beds full, Erlang B."""
    a = 8.0
    sc = _scenario({"dist": "exponential", "mean": 4.0}, 10000, a / 4.0, p_delay={"beds": [6, 10]})
    res = cp.run(sc, seed=5)
    beds = [4, 6, 8, 10, 12, 14]
    table = res.p_delay("beds", beds, level=LEVEL)
    for c, row in zip(beds, table.itertuples()):
        assert row.ci_low <= erlang_b(c, a) <= row.ci_high, (c, row)
        assert row.one_in_n == pytest.approx(1 / row.p_delay)
    # the metrics the scenario asks for are the same numbers, replication by replication
    summary = res.summary().set_index("metric")
    for c in (6, 10):
        assert summary.loc[f"p_delay.beds.{c}", "mean"] == pytest.approx(
            table.set_index("beds").loc[c, "p_delay"], rel=1e-12
        )


def test_time_shares_and_daily_audits_by_hand():
    """Three patients staying 2.5 days, arriving at 0.5, 1 and 4: levels
    0, 1, 2, 1, 0, 1, 0 over [0, 0.5, 1, 3, 3.5, 4, 6.5, 10].  An audit at t
    sees the level from t on (the arrival at 1 and the departure at 3)."""
    sc = cp.Scenario.model_validate(
        {
            "name": "by-hand",
            "time_unit": "days",
            "horizon": 10,
            "replications": 1,
            "arrivals": [{"name": "a", "schedule": {"times": [0.5, 1.0, 4.0]}, "start": "stay"}],
            "pathway": {
                "stay": {"delay": {"dist": "fixed", "value": 2.5}, "then": "home"},
                "home": {"exit": "home"},
            },
            "results": {"occupancy": ["stay"], "distributions": {"max_level": 3, "audit": 1}},
        }
    )
    res = cp.run(sc, seed=1)
    time_shares = res.occupancy_distribution("stay")["share"].tolist()
    audit_shares = res.occupancy_distribution("stay", audit=True)["share"].tolist()
    assert time_shares == pytest.approx([0.45, 0.35, 0.2, 0.0], abs=1e-12)
    assert audit_shares == pytest.approx([0.4, 0.4, 0.2, 0.0], abs=1e-12)


def test_distributions_are_identical_on_any_thread_count():
    sc = cp.load("stroke-capacity").with_changes({"replications": 6})
    one = cp.run(sc, threads=1).per_replication
    two = cp.run(sc, threads=2).per_replication
    assert one.equals(two)


def test_without_distributions_no_level_metrics():
    sc = cp.load("mm5")
    assert not any("share_" in m for m in cp.run(sc, replications=2).metrics)


@pytest.mark.parametrize(
    ("results", "field"),
    [
        ({"distributions": {"p_delay": {"ward": [3]}}}, "results.distributions.p_delay.ward"),
        (
            {"distributions": {"max_level": 10, "p_delay": {"beds": [4, 10]}}},
            "results.distributions.p_delay.beds[1]",
        ),
        ({"distributions": {"audit": 0}}, "results.distributions.audit"),
        ({"distributions": {"max_level": 0}}, "results.distributions.max_level"),
    ],
)
def test_bad_options_name_the_field(results, field):
    base = _scenario({"dist": "exponential", "mean": 1.0}, 5, 2.0).model_dump()
    base["results"] = {"occupancy": ["stay"], **results}
    with pytest.raises(ScenarioError) as err:
        cp.load(base)
    assert field in str(err.value)


def test_asking_for_what_was_not_recorded_is_a_clear_error():
    res = cp.run(_scenario({"dist": "exponential", "mean": 1.0}, 5, 2.0), replications=2)
    with pytest.raises(ValueError, match="beds must be between 0 and 39"):
        res.p_delay("beds", [40])
    with pytest.raises(KeyError, match="have: beds, stay"):
        res.p_delay("ward", [3])
    with pytest.raises(KeyError, match="no occupancy audits"):
        res.occupancy_distribution("beds", audit=True)
    plain = cp.run("mm5", replications=2)
    with pytest.raises(KeyError, match=r"set results\.distributions"):
        plain.occupancy_distribution("clinician")


def test_plots_and_text(tmp_path):
    from carepath.outputs.text_tables import metric_tables

    res = cp.run("stroke-capacity", replications=4)
    fig = res.plot.occupancy("asu_beds")
    fig.savefig(tmp_path / "occupancy.png")
    fig = res.plot.p_delay("rehab_beds")
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 2  # one line per variant
    text = metric_tables(res)
    assert "1 in" in text and "share_" not in text


def test_a_sweep_gives_the_same_p_delay_as_running_each_point():
    """The batch path binds the point into the compiled model and derives
    p_delay there: the same numbers as cp.run with the change."""
    sc = cp.load("stroke-capacity")
    swept = cp.sweep(sc, {"arrivals.0.rate": [0.8, 0.9]}, replications=3, variants=["baseline"])
    rows = swept.results[swept.results["arrivals.0.rate"] == 0.9]
    alone = cp.run(sc.with_changes({"arrivals.0.rate": 0.9}), replications=3, variants=["baseline"])
    for c in (9, 14):
        name = f"p_delay.asu_beds.{c}"
        assert rows[name].to_numpy().tolist() == alone.values("baseline")[name].tolist()
