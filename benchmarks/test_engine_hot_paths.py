"""pytest-benchmark suites for the engine's hot paths.

pytest benchmarks/ --benchmark-only          # measure
pytest benchmarks/ --benchmark-disable       # just check they run
"""

from __future__ import annotations

import pytest

import carepath as cp
from carepath import _core
from carepath.engine.compile import compile_scenario, dist_spec
from carepath.model.distributions import DIST_MODELS

CUSTOMERS = 200_000


def runner_for(data: dict) -> _core.Runner:
    return _core.Runner(compile_scenario(cp.load(data)))


def mm5(customers: int = CUSTOMERS) -> dict:
    return (
        cp.load("mm5")
        .with_changes({"horizon": customers / 4.5, "warmup": 0})
        .model_dump(exclude_none=True)
    )


def triage(customers: int = CUSTOMERS) -> dict:
    """Attributes, a conditional branch, priorities and a chance branch: the interpreter's paths."""
    return {
        "name": "triage",
        "horizon": customers / 4.5,
        "attributes": {
            "urgent": {"dist": "bernoulli", "p": 0.2},
            "age": {"dist": "empirical", "values": [25, 50, 80], "weights": [5, 3, 2]},
        },
        "resources": {"nurse": {"capacity": 3}, "gp": {"capacity": 3}},
        "arrivals": [{"name": "calls", "rate": 4.5, "start": "route"}],
        "pathway": {
            "route": {
                "branch": [
                    {"when": "urgent or age >= 75", "to": "gp_visit"},
                    {"otherwise": "nurse_visit"},
                ]
            },
            "nurse_visit": {
                "seize": "nurse",
                "service": {"dist": "gamma", "mean": 0.5, "sd": 0.3},
                "priority": "0 if urgent else age",
                "then": "after_nurse",
            },
            "after_nurse": {"branch": [{"p": 0.3, "to": "gp_visit"}, {"p": 0.7, "to": "home"}]},
            "gp_visit": {
                "seize": "gp",
                "service": {"dist": "lognormal", "mean": 0.5, "sd": 0.4},
                "priority": "0 if urgent else 1",
                "then": "home",
            },
            "home": {"exit": "home"},
        },
    }


@pytest.mark.parametrize("threads", [1, 0], ids=["1-thread", "all-threads"])
def test_mm5_replications(benchmark, threads):
    runner = runner_for(mm5())
    _, values = benchmark(runner.run, 8, 1, threads)
    assert values.shape[0] == 8


def test_interpreted_triage_pathway(benchmark):
    runner = runner_for(triage())
    _, values = benchmark(runner.run, 4, 1, 1)
    assert values.shape[0] == 4


@pytest.mark.parametrize("name", ["exponential", "gamma", "lognormal", "empirical"])
def test_sampling(benchmark, name):
    params = {
        "exponential": {"mean": 1.0},
        "gamma": {"mean": 1.0, "sd": 0.5},
        "lognormal": {"mean": 1.0, "sd": 0.5},
        "empirical": {"values": list(range(50)), "weights": [1] * 50},
    }[name]
    spec = dist_spec(DIST_MODELS[name].model_validate({"dist": name, **params}))
    out = benchmark(_core.sample, spec, 1_000_000, 1)
    assert out.size == 1_000_000


def test_load_and_compile(benchmark):
    data = triage()
    spec = benchmark(lambda: compile_scenario(cp.load(data)))
    assert len(spec.steps) == 5


def test_gp_pathway(benchmark):
    """Profile arrivals, shifts, an appointment book, DNAs and a loop."""
    from pathlib import Path

    sc = cp.load(Path(__file__).parent / "gp_pathway.yaml")
    runner = _core.Runner(compile_scenario(sc))
    names, values = benchmark(runner.run, 4, 1, 1)
    assert values[:, list(names).index("exits.seen")].min() > 0


def test_population_scale(benchmark):
    """ai-risk-coaching's baseline with PEOPLE people for three years (default one
    million: 3 million patient-years), one replication on every thread.
    CAREPATH_BENCH_PEOPLE=... changes the size."""
    import os

    people = int(os.environ.get("CAREPATH_BENCH_PEOPLE", "1000000"))
    flagged = people // 20
    sc = cp.load("ai-risk-coaching").with_changes(
        {"arrivals.0.cohort": flagged, "arrivals.1.cohort": people - flagged}
    )
    runner = _core.Runner(compile_scenario(sc))
    names, values = benchmark.pedantic(runner.run, args=(1, 1, 0), rounds=3, iterations=1)
    assert values[0, list(names).index("arrivals")] == people


def test_sweep_batch(benchmark):
    """1,000 points of benchmarks/ed_small.yaml, one replication each, serial
    on one thread: the batch path (benchmarks/sweep_batch.py compares it)."""
    from pathlib import Path

    import numpy as np

    sc = cp.load(Path(__file__).parent / "ed_small.yaml")
    params = {"arrivals[0].rate": list(np.linspace(8.5, 10.5, 1000))}
    res = benchmark(
        cp.sweep, sc, params, replications=1, variants=["baseline"], executor="serial", workers=1
    )
    assert len(res.results) == 1000


def test_tiny_run(benchmark):
    """cp.run's fixed cost: one replication of a handful of patients from a loaded Scenario."""
    sc = cp.load("mm5").with_changes({"horizon": 1, "warmup": 0})
    res = benchmark(cp.run, sc, replications=1)
    assert res.replications == 1
