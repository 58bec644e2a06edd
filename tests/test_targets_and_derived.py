"""Targets (published figures) and derived metrics."""

from __future__ import annotations

import numpy as np
import pytest

import carepath as cp
from carepath.errors import ScenarioError
from carepath.results.target_table import ratio_interval
from pathways import scenario

MM1 = scenario(
    {
        "see": {"seize": "gp", "service": {"dist": "exponential", "mean": 0.5}, "then": "out"},
        "out": {"exit": "seen"},
    },
    [{"name": "walk_in", "rate": 1.0, "start": "see"}],
    resources={"gp": {"capacity": 1}},
    horizon=2000.0,
    warmup=200.0,
    replications=8,
    variants={"faster": {"pathway.see.service.mean": 0.25}},
)


def with_(**extra):
    return {**MM1, **extra}


def test_ratio_interval_covers_the_true_ratio_at_its_level():
    """Paired data with mean(b)/mean(a) = 0.8: the 95% interval covers it about 95% of the time."""
    rng = np.random.default_rng(5)
    trials, hits = 2000, 0
    for _ in range(trials):
        a = rng.normal(10.0, 2.0, 20)
        b = 0.8 * a + rng.normal(0.0, 1.0, 20)
        _, lo, hi, n = ratio_interval(a, b, 0.95)
        hits += lo <= -0.2 <= hi
        assert n == 20
    # binomial sd at p = 0.95 and 2000 trials is 0.5 pp: allow 4 sd
    assert abs(hits / trials - 0.95) < 0.02


def test_derived_metrics_are_formulas_per_replication():
    data = with_(
        results={
            "derived": {
                "busy_per_arrival": "utilisation.gp / arrivals",
                "twice": "busy_per_arrival * 2",
                "window": "window.days",
                "quoted": "`wait.see.mean` + 1",
                "cost": "arrivals * unit_cost",
            },
            "constants": {"unit_cost": 125.5},
        }
    )
    res = cp.run(data)
    per = res.per_replication
    np.testing.assert_allclose(per["busy_per_arrival"], per["utilisation.gp"] / per["arrivals"])
    np.testing.assert_allclose(per["twice"], 2 * per["busy_per_arrival"])
    np.testing.assert_allclose(per["window"], 1800 / 24)
    np.testing.assert_allclose(per["quoted"], per["wait.see.mean"] + 1)
    np.testing.assert_allclose(per["cost"], per["arrivals"] * 125.5)
    cheaper = cp.Scenario.model_validate(data).with_changes({"results.constants.unit_cost": 1})
    changed = cp.run(cheaper)
    np.testing.assert_allclose(changed.per_replication["cost"], per["arrivals"])


@pytest.mark.parametrize(
    "derived, message",
    [
        (
            {"x": "utilisation.gq / 2"},
            "results.derived.x: invalid expression 'utilisation.gq / 2': "
            "unknown metric 'utilisation.gq'; did you mean 'utilisation.gp'?",
        ),
        ({"arrivals": "1"}, "results.derived.arrivals: is already a metric's name"),
        ({"x": "arrivals +"}, "results.derived.x: invalid expression"),
        ({"x": "arrivals", "constants": {"arrivals": 1}}, "results.constants.arrivals: is already"),
    ],
)
def test_bad_derived_formulas_name_the_field(derived, message):
    constants = derived.pop("constants", {})
    with pytest.raises(ScenarioError) as err:
        cp.run(with_(results={"derived": derived, "constants": constants}), replications=2)
    assert message in str(err.value)


def test_targets_table_against_hand_computed_estimates():
    targets = [
        {
            "label": "wait",
            "metric": "wait.see.mean",
            "value": 0.5,
            "tolerance": 0.2,
            "kind": "calibrate",
        },
        {
            "label": "wait falls",
            "metric": "wait.see.mean",
            "variant": "faster",
            "change": "relative",
            "value": -0.8,
            "tolerance": 0.1,
            "kind": "predict",
        },
        {
            "label": "wait falls",
            "metric": "wait.see.mean",
            "variant": "faster",
            "change": "difference",
            "expect": "lower",
            "kind": "predict",
        },
        {
            "label": "far off",
            "metric": "wait.see.mean",
            "value": 3.0,
            "tolerance": 0.1,
            "kind": "calibrate",
        },
        {"label": "busy", "metric": "utilisation.gp", "kind": "report"},
        {
            "label": "wait saved per unit of utilisation saved",
            "metric": "wait.see.mean",
            "variant": "faster",
            "change": "difference",
            "per": "utilisation.gp",
            "kind": "report",
        },
    ]
    res = cp.run(with_(targets=targets))
    table = res.targets()
    base = res.values("baseline")["wait.see.mean"].to_numpy()
    fast = res.values("faster")["wait.see.mean"].to_numpy()
    # M/M/1 with rho = 0.5: Wq = 0.5; with rho = 0.25: Wq = 1/12, a fall of 83%
    assert table.loc[0, "model"] == pytest.approx(base.mean())
    assert table.loc[1, "model"] == pytest.approx(fast.mean() / base.mean() - 1)
    assert table.loc[2, "model"] == pytest.approx((fast - base).mean())
    assert list(table["met"]) == [True, True, True, False, None, None]
    assert table.loc[1, "ci_low"] < table.loc[1, "model"] < table.loc[1, "ci_high"]
    # per: a ratio of paired mean differences (Wq falls 5/12 as rho falls 1/4)
    busy_base = res.values("baseline")["utilisation.gp"].to_numpy()
    busy_fast = res.values("faster")["utilisation.gp"].to_numpy()
    per = (fast - base).mean() / (busy_fast - busy_base).mean()
    assert table.loc[5, "model"] == pytest.approx(per)
    assert table.loc[5, "ci_low"] < per < table.loc[5, "ci_high"]
    assert per == pytest.approx((5 / 12) / 0.25, rel=0.15)


@pytest.mark.parametrize(
    "target, message",
    [
        ({"variant": "fastr"}, "targets[0].variant: unknown variant 'fastr'"),
        ({"change": "relative"}, "targets[0].change: a change is measured in a variant"),
        ({"tolerance": None}, "targets[0]: give 'value' and 'tolerance'"),
        ({"kind": "guess"}, "targets[0].kind"),
        ({"tolerance": -1}, "targets[0].tolerance: must be > 0, got -1"),
        ({"per": "utilisation.gp"}, "targets[0]: 'per' needs 'change: difference'"),
    ],
)
def test_bad_targets_name_the_field(target, message):
    base = {
        "label": "w",
        "metric": "wait.see.mean",
        "value": 0.5,
        "tolerance": 0.2,
        "kind": "calibrate",
    }
    spec = {k: v for k, v in {**base, **target}.items() if v is not None}
    with pytest.raises(ScenarioError) as err:
        cp.load(with_(targets=[spec]))
    assert message in str(err.value)


def test_unknown_target_metric_is_caught_before_running():
    from carepath.engine.run import check_outputs

    sc = cp.load(with_(targets=[{"label": "w", "metric": "wait.sea.mean", "kind": "report"}]))
    with pytest.raises(
        ScenarioError,
        match=r"targets\[0\]\.metric: unknown metric "
        r"'wait.sea.mean'; did you mean 'wait.see.mean'",
    ):
        check_outputs(sc)


def test_changes_by_dotted_path_in_python():
    """`changes` equals editing the file: the baseline with a faster service is the variant."""
    changed = cp.run(MM1, changes={"pathway.see.service.mean": 0.25}, variants=["baseline"])
    variant = cp.run(MM1, variants=["faster"])
    np.testing.assert_array_equal(
        changed.values("baseline").to_numpy(), variant.values("faster").to_numpy()
    )
    bracket = cp.run(MM1, changes={"arrivals[0].rate": 0.5}, variants=["baseline"], replications=2)
    dotted = cp.run(MM1, changes={"arrivals.0.rate": 0.5}, variants=["baseline"], replications=2)
    assert bracket.per_replication.equals(dotted.per_replication)
    with pytest.raises(ScenarioError, match=r"arrivals\[0\]\.rate: must be > 0, got -3"):
        cp.run(MM1, changes={"arrivals[0].rate": -3})
    with pytest.raises(ScenarioError, match=r"'resources\.gq' does not exist"):
        cp.run(MM1, changes={"resources.gq.capacity": 2})
