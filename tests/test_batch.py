"""The batch path: values bound to a compiled model give exactly the numbers
of compiling the changed scenario; shape changes fall back transparently;
bad values fail with the field's name before anything runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import carepath as cp
from carepath import _core
from carepath.engine.batch import compiled
from carepath.errors import ScenarioError

# One scenario with a value of every kind the engine can bind.
FEATURES = {
    "name": "features",
    "horizon": 400.0,
    "warmup": 40.0,
    "replications": 3,
    "seed": 5,
    "attributes": {
        "frail": {"dist": "bernoulli", "p": 0.3},
        "age": {"dist": "normal", "mean": 70, "sd": 10},
    },
    "resources": {"nurse": {"capacity": 2, "cost_per_hour": 30}, "bed": {"capacity": 3}},
    "arrivals": [
        {"name": "walk_in", "rate": 1.5, "start": "assess"},
        {"name": "backlog", "cohort": 20, "start": "assess"},
    ],
    "pathway": {
        "assess": {
            "seize": "nurse",
            "service": {"dist": "lognormal", "mean": 0.8, "sd": 0.4},
            "priority": "0 if frail else (1 if age > 75 else 2)",
            "max_queue": 30,
            "on_balk": "gone",
            "then": "route",
        },
        "route": {"branch": [{"p": 0.6, "to": "ward"}, {"p": 0.4, "to": "home"}]},
        "ward": {
            "seize": "bed",
            "service": {"dist": "triangular", "low": 1, "mode": 2, "high": 5},
            "patience": {"dist": "exponential", "mean": 8},
            "on_renege": "gone",
            "then": "rest",
        },
        "rest": {"delay": {"dist": "uniform", "low": 0.5, "high": 1.5}, "then": "bill"},
        "bill": {"cost": 120, "then": "feel"},
        "feel": {"utility": 0.7, "then": "recover"},
        "recover": {"delay": {"dist": "exponential", "mean": 2}, "then": "home"},
        "home": {"exit": "home"},
        "gone": {"exit": "left"},
    },
    "results": {
        "derived": {"cost_per_stay": "cost.total / max_stays"},
        "constants": {"max_stays": 100},
    },
    "variants": {"more_beds": {"resources.bed.capacity": 4}},
}

BOUND = [
    {"arrivals[0].rate": 1.2},
    {"arrivals[1].cohort": 35},
    {"resources.nurse.capacity": 3, "resources.nurse.cost_per_hour": 45.5},
    {"pathway.assess.service.mean": 0.7, "pathway.assess.service.sd": 0.5},
    {"pathway.route.branch[0].p": 0.7, "pathway.route.branch[1].p": 0.3},
    {"pathway.ward.service.low": 0.5, "pathway.ward.service.mode": 2.5},
    {"pathway.ward.patience.mean": 4},
    {"pathway.rest.delay.high": 2.5},
    {"pathway.bill.cost": 150.25},
    {"pathway.feel.utility": 0.55},
    {"pathway.assess.max_queue": 5},
    {"attributes.frail.p": 0.5},
    {"attributes.age.mean": 60.0},
    {"economics.discount_rate": 0.015},
    {"results.constants.max_stays": 250},
    {"resources.bed.capacity": 1},  # the variant sets its own: only the baseline changes
]


@pytest.fixture(scope="module")
def features():
    return cp.load(FEATURES)


def assert_same_run(a: cp.Results, b: cp.Results) -> None:
    pd.testing.assert_frame_equal(a.per_replication, b.per_replication, check_exact=True)


@pytest.mark.parametrize("changes", BOUND, ids=lambda c: ",".join(c))
def test_bound_values_give_the_compiled_scenarios_numbers(features, changes):
    assert compiled(features).binds(list(changes))
    bound = cp.run(features, changes=changes)
    assert_same_run(bound, cp.run(features.with_changes(changes)))
    assert not bound.per_replication.equals(cp.run(features).per_replication)


@pytest.mark.parametrize(
    "changes",
    [
        {"pathway.assess.service": {"dist": "gamma", "mean": 0.8, "sd": 0.3}},  # another family
        {"horizon": 300},
        {"pathway.feel.utility": -0.1},  # compiles to another program
        {"resources.nurse.cost_per_hour": 0},  # drops a cost category
        {"pathway.rest.delay.high": float(np.float32(2.5))},
    ],
    ids=["family", "horizon", "negative-utility", "zero-cost", "float32"],
)
def test_changes_of_shape_fall_back_to_compiling_the_point(features, changes):
    assert_same_run(cp.run(features, changes=changes), cp.run(features.with_changes(changes)))


def test_a_sweep_mixing_bound_and_compiled_points_equals_each_point_run_alone(features):
    params = {"resources.nurse.cost_per_hour": [0, 20.0], "arrivals[0].rate": [1.2, 1.6]}
    res = cp.sweep(features, params, replications=2, executor="serial")
    for (cost, rate), rows in res.results.groupby(list(params)):
        direct = cp.run(
            features,
            replications=2,
            changes={"resources.nurse.cost_per_hour": cost, "arrivals[0].rate": rate},
        ).per_replication
        mine = rows[direct.columns].sort_values(["variant", "replication"], kind="stable")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), direct, check_exact=True)
    # the free-cost points have no cost column of the nurse: empty there, as concat would
    free = res.results[res.results["resources.nurse.cost_per_hour"] == 0]
    assert free["cost.nurse"].isna().all()


def test_batch_results_do_not_depend_on_threads_or_on_the_other_points(features):
    plan = compiled(features)
    rates = [[r] for r in np.linspace(1.0, 2.0, 9)]
    one = plan.run(["arrivals[0].rate"], rates, ["baseline", "more_beds"], 2, 3, threads=1)
    two = plan.run(["arrivals[0].rate"], rates, ["baseline", "more_beds"], 2, 3, threads=2)
    np.testing.assert_array_equal(one.values, two.values)
    alone = plan.run(["arrivals[0].rate"], rates[4:5], ["baseline", "more_beds"], 2, 3, threads=1)
    np.testing.assert_array_equal(one.values[16:20], alone.values)


@pytest.mark.parametrize(
    "params, design, where",
    [
        ({"resources.nurse.capacity": [2, 2.5]}, "grid", "resources.nurse.capacity"),
        ({"pathway.route.branch[0].p": [0.6, 0.7]}, "grid", "pathway.route"),
        ({"arrivals[0].rate": (-1.0, 2.0)}, "lhs", r"arrivals\[0\].rate"),
        ({"arrivals[0].rate": [1.0, float("nan")]}, "grid", r"arrivals\[0\].rate"),
        ({"pathway.ward.service.low": [0.5, 3.0]}, "grid", "pathway.ward.service"),
        ({"pathway.rest.delay.low": [-0.5, 0.5]}, "grid", "pathway.rest.delay"),
    ],
)
def test_bad_values_fail_before_running_naming_the_field(features, params, design, where):
    with pytest.raises(ScenarioError, match=where):
        cp.sweep(features, params, design=design, n=8, replications=1, executor="serial")


def test_engine_checks_every_bound_point():
    spec = cp.load("mm5")
    plan = compiled(spec)
    values = np.array([[4.5], [-1.0], [np.inf]])
    batch = _core.Batch(
        [plan.variant("baseline").spec], [[_core.Slot(_core.SlotKind.SOURCE_RATE, 0)]]
    )
    errors = batch.check(np.zeros(3, dtype=np.int32), values)
    assert errors[0] == "" and "arrivals.walk_in.rate: must be > 0" in errors[1] and errors[2]


def test_psa_on_the_batch_path_matches_running_each_draw():
    out = cp.psa("social-prescribing-yad", iterations=3, replications=2, seed=4)
    sc = cp.load("social-prescribing-yad")
    for _, draw in out.draws.iterrows():
        changes = {p: float(draw[p]) for p in sc.psa}
        res = cp.run(sc.with_changes(changes), replications=2, seed=4)
        assert draw["cost_baseline"] == res.values("baseline")["cost.per_patient"].mean()


def test_a_variant_patching_by_negative_index_is_not_bound_past():
    """arrivals[-1] in a variant may be the item a point changes: such points compile alone."""
    data = cp.load("mm5").model_dump(exclude_none=True)
    sc = cp.load({**data, "horizon": 3000, "variants": {"slow": {"arrivals[-1].rate": 3.0}}})
    assert not compiled(sc).binds(["arrivals[0].rate"])
    changes = {"arrivals[0].rate": 4.0}
    assert_same_run(
        cp.run(sc, replications=2, changes=changes),
        cp.run(sc.with_changes(changes), replications=2),
    )
