"""Sobol and Morris indices (SALib on the sweep machinery) against a model with a
known answer."""

from __future__ import annotations

import pytest

import carepath as cp

pytest.importorskip("SALib")

# The time in the system is x + 2 y for x ~ U(0, 1) and y ~ U(0, 1) in hours... here
# written as two fixed delays whose lengths are the parameters: a + b with
# a ~ U(0, 1), b ~ U(0, 2).  Var a = 1/12, Var b = 4/12: S1 = ST = 0.2 and 0.8.
TWO_DELAYS = {
    "name": "two_delays",
    "horizon": 100.0,
    "replications": 1,
    "arrivals": [{"name": "a", "schedule": {"times": [1.0]}, "start": "first"}],
    "pathway": {
        "first": {"delay": {"dist": "fixed", "value": 1}, "then": "second"},
        "second": {"delay": {"dist": "fixed", "value": 1}, "then": "out"},
        "out": {"exit": "done"},
    },
}
RANGES = {"pathway.first.delay.value": (0.0, 1.0), "pathway.second.delay.value": (0.0, 2.0)}


def test_sobol_indices_of_a_sum_are_the_variance_shares():
    res = cp.sensitivity(TWO_DELAYS, RANGES, "system_time.mean", n=512, executor="serial")
    table = res.indices.set_index("parameter")
    assert table["S1"].tolist() == pytest.approx([0.2, 0.8], abs=0.02)
    assert table["ST"].tolist() == pytest.approx([0.2, 0.8], abs=0.02)
    assert len(res.points) == 512 * (2 + 2)
    fig = res.plot()
    assert "Sobol index" in fig.axes[0].get_xlabel()


def test_morris_effects_are_the_slopes_times_the_ranges():
    res = cp.sensitivity(
        TWO_DELAYS, RANGES, "system_time.mean", method="morris", n=10, executor="serial"
    )
    table = res.indices.set_index("parameter")
    assert table["mu_star"].tolist() == pytest.approx([1.0, 2.0])
    assert table["sigma"].tolist() == pytest.approx([0.0, 0.0], abs=1e-9)


def test_on_a_queue_the_capacity_matters_most_and_executors_agree():
    """mm5's wait depends far more on capacity (5-7) than on a small rate change."""
    sc = cp.load("mm5").with_changes({"horizon": 3000, "warmup": 200})
    params = {"resources.clinician.capacity": (5, 7), "arrivals[0].rate": (4.3, 4.4)}
    serial = cp.sensitivity(
        sc,
        params,
        "wait.see_clinician.mean",
        method="morris",
        n=4,
        replications=2,
        executor="serial",
    )
    pooled = cp.sensitivity(
        sc,
        params,
        "wait.see_clinician.mean",
        method="morris",
        n=4,
        replications=2,
        executor="local",
        workers=2,
    )
    assert serial.indices.equals(pooled.indices)
    mu = serial.indices.set_index("parameter")["mu_star"]
    assert mu["resources.clinician.capacity"] > 5 * mu["arrivals[0].rate"]
