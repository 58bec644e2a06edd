"""Costs and QALYs: discounted totals against hand calculations (to 1e-9)."""

from __future__ import annotations

import math

import pytest

import carepath as cp
from carepath.errors import ScenarioError
from pathways import only, scenario

YEAR = 365.25  # days


def discount(t: float, rate: float) -> float:
    """(1 + r)^-(years since t = 0), t in days."""
    return (1 + rate) ** (-t / YEAR)


def integral(a: float, b: float, rate: float) -> float:
    """Discounted days between a and b (days)."""
    if rate == 0:
        return b - a
    return YEAR * (discount(a, rate) - discount(b, rate)) / math.log(1 + rate)


PATHWAY = {
    "start": {"utility": 0.7, "then": "treat"},
    "treat": {"seize": "nurse", "service": {"dist": "fixed", "value": 0.5}, "then": "drug"},
    "drug": {"cost": 200, "category": "drugs", "then": "admit"},
    "admit": {"seize": "bed", "then": "stay"},
    "stay": {"delay": {"dist": "fixed", "value": 3}, "then": "discharge"},
    "discharge": {"release": "bed", "then": "better"},
    "better": {"utility": "0.9", "then": "review"},
    "review": {"book": "clinic", "on_full": "out", "then": "home"},
    "home": {"delay": {"dist": "fixed", "value": 100}, "then": "out"},
    "out": {"exit": "done"},
}


def economy(horizon: float, rate: float = 0.035, qaly_rate: float | None = None, **extra):
    return scenario(
        PATHWAY,
        [{"name": "a", "schedule": {"times": [0.0, 10.0]}, "start": "start"}],
        time_unit="days",
        horizon=horizon,
        replications=1,
        resources={
            "nurse": {"capacity": 1, "cost_per_hour": 40},
            "bed": {"capacity": 5, "cost_per_hour": 10},
        },
        books={
            "clinic": {
                "horizon": 30,
                "cost_per_slot": 120,
                "slots": [{"days": "daily", "start": "09:00", "count": 1}],
            }
        },
        economics={"discount_rate": rate, "qaly_discount_rate": qaly_rate},
        **extra,
    )


def by_hand(t0: float, rate: float, qaly_rate: float) -> tuple[dict[str, float], float]:
    """One patient arriving at t0 (days), to the end of its pathway."""
    slot = math.floor(t0 + 3.5) + 1 + 9 / 24  # the next 09:00 after discharge
    costs = {
        "nurse": 40 * 24 * integral(t0, t0 + 0.5, rate),
        "drugs": 200 * discount(t0 + 0.5, rate),
        "bed": 10 * 24 * integral(t0 + 0.5, t0 + 3.5, rate),
        "clinic": 120 * discount(slot, rate),
    }
    qalys = (
        0.7 * integral(t0, t0 + 3.5, qaly_rate) + 0.9 * integral(t0 + 3.5, slot + 100, qaly_rate)
    ) / YEAR
    return costs, qalys


@pytest.mark.parametrize("rate, qaly_rate", [(0.035, None), (0.035, 0.015), (0.0, 0.0)])
def test_discounted_costs_and_qalys_by_hand(rate, qaly_rate):
    res = cp.run(economy(200.0, rate, qaly_rate))
    q_rate = rate if qaly_rate is None else qaly_rate
    hand = [by_hand(t0, rate, q_rate) for t0 in (0.0, 10.0)]
    for category in ("nurse", "drugs", "bed", "clinic"):
        expected = sum(costs[category] for costs, _ in hand)
        assert only(res, f"cost.{category}") == pytest.approx(expected, rel=1e-9)
    total = sum(sum(costs.values()) for costs, _ in hand)
    assert only(res, "cost.total") == pytest.approx(total, rel=1e-9)
    assert only(res, "cost.per_patient") == pytest.approx(total / 2, rel=1e-9)
    qalys = sum(q for _, q in hand)
    assert only(res, "qaly.total") == pytest.approx(qalys, rel=1e-9)
    assert only(res, "qaly.per_patient") == pytest.approx(qalys / 2, rel=1e-9)


def test_patients_still_in_the_system_are_counted_to_the_end():
    """Horizon 2 days: the first patient is in its bed (since 0.5) and at utility 0.7;
    the second has not arrived."""
    res = cp.run(economy(2.0))
    r = 0.035
    assert only(res, "arrivals") == 1
    assert only(res, "cost.bed") == pytest.approx(10 * 24 * integral(0.5, 2.0, r), rel=1e-9)
    assert only(res, "cost.clinic") == 0
    assert only(res, "qaly.total") == pytest.approx(0.7 * integral(0, 2.0, r) / YEAR, rel=1e-9)


def test_discounting_starts_at_the_end_of_the_warmup_and_counts_observed_patients():
    """Warm-up 5 days: only the patient arriving at day 10 counts, discounted from day 5."""
    res = cp.run(economy(200.0, warmup=5.0))
    costs, qalys = by_hand(5.0, 0.035, 0.035)  # the same pathway 5 days after the origin
    assert only(res, "arrivals") == 1
    assert only(res, "cost.total") == pytest.approx(sum(costs.values()), rel=1e-9)
    assert only(res, "qaly.total") == pytest.approx(qalys, rel=1e-9)


def test_a_missed_slot_is_still_charged_and_cost_draws_have_their_own_stream():
    """dna: 1 wastes the slot, which is still paid for; a cost drawn from a distribution
    does not move the other draws (the same services and stays with or without it)."""
    data = economy(200.0, 0.0)
    data["pathway"] = {
        **PATHWAY,
        "review": {**PATHWAY["review"], "dna": 1, "on_dna": "out"},
        "drug": {
            "cost": {"dist": "uniform", "low": 100, "high": 300},
            "category": "drugs",
            "then": "admit",
        },
    }
    res = cp.run(data)
    assert only(res, "cost.clinic") == pytest.approx(2 * 120)
    assert 200 <= only(res, "cost.drugs") <= 600
    fixed = cp.run({**data, "pathway": {**data["pathway"], "drug": PATHWAY["drug"]}})
    assert only(res, "system_time.mean") == only(fixed, "system_time.mean")


def test_costs_by_class_add_up():
    data = economy(200.0, attributes={"group": {"dist": "bernoulli", "p": 0.5}})
    data["results"] = {"by": ["group"]}
    data["arrivals"] = [{"name": "a", "rate": 0.5, "start": "start"}]
    data["replications"] = 3
    res = cp.run(data)
    per = res.per_replication
    parts = per["cost.total[group=0]"] + per["cost.total[group=1]"]
    assert (abs(parts - per["cost.total"]) < 1e-6 * per["cost.total"]).all()


def test_no_economics_no_cost_columns():
    res = cp.run("mm5", replications=2)
    assert not [m for m in res.metrics if m.startswith(("cost.", "qaly."))]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"economics": {"discount_rate": 1.5}}, "economics.discount_rate"),
        ({"resources": {"nurse": {"capacity": 1, "cost_per_hour": -1}}}, "cost_per_hour"),
    ],
)
def test_bad_economics_name_the_field(change, message):
    with pytest.raises(ScenarioError, match=message):
        cp.load({**economy(10.0), **change})


@pytest.mark.parametrize(
    "step, message",
    [
        ({"utility": "0.7 +", "then": "treat"}, "pathway.start.utility"),
        ({"cost": 10, "category": "total", "then": "treat"}, "pathway.start.category"),
        ({"cost": 10}, "a cost step needs 'then'"),
    ],
)
def test_bad_economics_steps_name_the_step(step, message):
    data = economy(10.0)
    data["pathway"] = {**PATHWAY, "start": step}
    with pytest.raises(ScenarioError, match=message):
        cp.load(data)


def cohort_trial(**extra):
    """Ten people at t = 0 live one year at utility 0.6 (baseline) or 0.7 (the new
    treatment, which costs new_drug more); both pay a random usual-care cost."""
    return scenario(
        {
            "start": {"branch": [{"when": "treated", "to": "new_drug"}, {"otherwise": "usual"}]},
            "new_drug": {"cost": 3000, "category": "drug", "then": "better"},
            "better": {"utility": 0.7, "then": "care"},
            "usual": {"utility": 0.6, "then": "care"},
            "care": {
                "cost": {"dist": "lognormal", "mean": 1000, "sd": 400},
                "category": "care",
                "then": "year",
            },
            "year": {"delay": {"dist": "fixed", "value": YEAR}, "then": "out"},
            "out": {"exit": "done"},
        },
        [{"name": "cohort", "cohort": 10, "start": "start"}],
        time_unit="days",
        horizon=400.0,
        replications=4,
        attributes={"treated": 0},
        variants={"new_treatment": {"attributes.treated": 1}},
        **extra,
    )


QALY_GAIN = 0.1 * integral(0, YEAR, 0.035) / YEAR  # per patient, discounted


def test_icer_and_net_monetary_benefit_by_hand():
    """Common random numbers: the usual-care draws cancel, so the increments are exact."""
    table = cp.run(cohort_trial()).economics(wtp=[20000, 40000]).set_index("measure")
    assert table.loc["incremental cost", "estimate"] == pytest.approx(3000, rel=1e-9)
    assert table.loc["incremental QALYs", "estimate"] == pytest.approx(QALY_GAIN, rel=1e-9)
    assert table.loc["ICER", "estimate"] == pytest.approx(3000 / QALY_GAIN, rel=1e-9)
    for wtp in (20000, 40000):
        row = table.loc[f"NMB at {wtp}"]
        assert row["estimate"] == pytest.approx(wtp * QALY_GAIN - 3000, rel=1e-9)
        assert row["ci_low"] == pytest.approx(row["ci_high"], rel=1e-9)  # no noise left


def test_psa_draws_parameters_and_the_ceac_matches_them():
    """ICER about 30,500: the new drug's cost ~ Normal(3000, 800) makes the CEAC at a
    willingness to pay w equal P(cost < w x QALY gain), an independent normal CDF."""
    from scipy import stats

    data = cohort_trial(psa={"pathway.new_drug.cost": {"dist": "normal", "mean": 3000, "sd": 800}})
    out = cp.psa(data, iterations=300, replications=1, seed=8)
    draws = out.draws
    cost = draws["pathway.new_drug.cost"].to_numpy()
    assert draws["delta_cost"].to_numpy() == pytest.approx(cost, rel=1e-9)
    assert draws["delta_qaly"].to_numpy() == pytest.approx(QALY_GAIN, rel=1e-9)
    grid = [10000, 25000, 30000, 35000, 60000]
    ceac = out.ceac(grid).set_index("wtp")["probability_cost_effective"]
    for w in grid:
        assert ceac[w] == pytest.approx((cost < w * QALY_GAIN).mean())
        p = stats.norm.cdf((w * QALY_GAIN - 3000) / 800)
        assert abs(ceac[w] - p) <= 3 * math.sqrt(p * (1 - p) / 300) + 1e-9
    # iteration k draws the same values however many iterations are run
    first = cp.psa(data, iterations=5, replications=1, seed=8).draws
    assert first["pathway.new_drug.cost"].tolist() == cost[:5].tolist()


def test_psa_needs_parameters():
    with pytest.raises(ValueError, match="declares no psa"):
        cp.psa(cohort_trial(), iterations=2)
