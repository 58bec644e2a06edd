"""Holding while waiting, explicit release, set/goto loops and time-to-event races."""

from __future__ import annotations

import pytest

import carepath as cp
from pathways import only, scenario


def test_delayed_discharge_by_hand():
    # One acute bed, one community place.  Patients at 0, 10, 20 stay 5 h in
    # the bed, then keep it until the community place is free (12 h there).
    #   p1: bed 0-5,   community 5-17
    #   p2: bed 10-17 (waits 2 for community), community 17-29
    #   p3: bed 20-29 (waits 4), community 29-41
    pathway = {
        "admit": {"seize": "bed", "then": "acute"},
        "acute": {"delay": {"dist": "fixed", "value": 5}, "then": "transfer"},
        "transfer": {"seize": "community", "then": "discharge"},
        "discharge": {"release": "bed", "then": "rehab"},
        "rehab": {"delay": {"dist": "fixed", "value": 12}, "then": "leave"},
        "leave": {"release": "community", "then": "home"},
        "home": {"exit": "home"},
    }
    data = scenario(
        pathway,
        [{"name": "a", "start": "admit", "schedule": {"times": [0, 10, 20]}}],
        horizon=50.0,
        resources={"bed": {"capacity": 1}, "community": {"capacity": 1}},
        results={"over": {"wait.transfer": [1, "3 hours"]}},
    )
    res = cp.run(data, replications=1)
    assert only(res, "utilisation.bed") == pytest.approx(21 / 50)
    assert only(res, "utilisation.community") == pytest.approx(36 / 50)
    assert only(res, "wait.transfer.mean") == pytest.approx(2.0)
    assert only(res, "wait.transfer.over_1") == 2
    assert only(res, "wait.transfer.over_3_hours") == 1
    assert only(res, "wait.transfer.frac_over_3_hours") == pytest.approx(1 / 3)
    assert only(res, "system_time.mean") == pytest.approx((17 + 19 + 21) / 3)


def test_exit_releases_what_is_still_held():
    # A patient who dies in the bed (exits while holding it) frees the bed.
    pathway = {
        "admit": {"seize": "bed", "then": "stay"},
        "stay": {"delay": {"dist": "fixed", "value": 3}, "then": "outcome"},
        "outcome": {"branch": [{"when": "frail", "to": "died"}, {"otherwise": "discharge"}]},
        "died": {"exit": "died"},
        "discharge": {"release": "bed", "then": "home"},
        "home": {"exit": "home"},
    }
    data = scenario(
        pathway,
        [{"name": "a", "start": "admit", "cohort": 4, "attributes": {"frail": 1}}],
        horizon=100.0,
        attributes={"frail": 0},
        resources={"bed": {"capacity": 1}},
    )
    res = cp.run(data, replications=1)
    assert only(res, "exits.died") == 4
    assert only(res, "wait.admit.mean") == pytest.approx((0 + 3 + 6 + 9) / 4)


def test_follow_up_loop_with_a_visit_counter():
    pathway = {
        "clinic": {"delay": {"dist": "fixed", "value": 1}, "then": "count"},
        "count": {"set": {"visits": "visits + 1"}, "then": "review"},
        "review": {"branch": [{"when": "visits < 3", "to": "back"}, {"otherwise": "out"}]},
        "back": {"goto": "clinic"},
        "out": {"exit": "discharged"},
    }
    data = scenario(
        pathway,
        [{"name": "a", "start": "clinic", "cohort": 10}],
        horizon=100.0,
        attributes={"visits": 0},
    )
    res = cp.run(data, replications=1)
    assert only(res, "served.clinic") == 30
    assert only(res, "system_time.mean") == 3.0


def test_deterioration_races_a_late_appointment():
    # Weekly slot on Mondays at 09:00; three referrals at Monday 00:00 get
    # slots after 9 h, 177 h and 345 h.  They deteriorate after 100 h: the
    # last two go to ED at t = 100 and give their slots back, so a referral
    # at t = 150 takes the one at 177 h.
    pathway = {
        "refer": {
            "book": "clinic",
            "patience": {"dist": "fixed", "value": 100},
            "on_renege": "ed",
            "on_full": "ed",
            "then": "seen",
        },
        "seen": {"exit": "seen"},
        "ed": {"exit": "ed"},
    }
    books = {"clinic": {"horizon": 28, "slots": [{"days": "mon", "count": 1, "start": "09:00"}]}}
    arrivals = [
        {"name": "list", "start": "refer", "cohort": 3},
        {"name": "late", "start": "refer", "schedule": {"times": [150]}},
    ]
    res = cp.run(scenario(pathway, arrivals, horizon=400.0, books=books), replications=1)
    assert only(res, "reneged.refer") == 2
    assert only(res, "exits.ed") == 2
    assert only(res, "attended.refer") == 2
    assert only(res, "appointment_wait.refer.mean") == pytest.approx((9 + 177 + 345 + 27) / 4 / 24)


def test_a_loop_without_time_is_refused():
    pathway = {
        "a": {"set": {"n": "n + 1"}, "then": "b"},
        "b": {"goto": "a"},
    }
    data = scenario(pathway, [{"name": "x", "rate": 1, "start": "a"}], attributes={"n": 0})
    with pytest.raises(cp.ScenarioError, match="loop in which no time passes"):
        cp.load(data)


def test_scale_multiplies_each_patients_duration():
    """Fixed 2-hour delay scaled by an attribute: patients with k = 1, 2, 3 (a timetable
    source each) stay 2, 4 and 6 hours; a seize service is scaled the same way."""
    sources = [
        {"name": f"k{k}", "schedule": {"times": [0.0]}, "start": "stay", "attributes": {"k": k}}
        for k in (1, 2, 3)
    ]
    res = cp.run(
        scenario(
            {
                "stay": {"delay": {"dist": "fixed", "value": 2}, "scale": "k", "then": "see"},
                "see": {
                    "seize": "gp",
                    "service": {"dist": "fixed", "value": 1},
                    "scale": "k / 2",
                    "then": "out",
                },
                "out": {"exit": "done"},
            },
            sources,
            attributes={"k": 1},
            resources={"gp": {"capacity": 3}},
            horizon=50.0,
            replications=1,
        )
    )
    assert only(res, "system_time.mean") == pytest.approx(((2 + 0.5) + (4 + 1) + (6 + 1.5)) / 3)


@pytest.mark.parametrize(
    "step, message",
    [
        ({"scale": "k - 5"}, "pathway.stay.scale: must be >= 0 and finite, got -4"),
        ({"scale": "kk"}, "pathway.stay.scale: invalid expression 'kk'"),
    ],
)
def test_bad_scale_names_the_step(step, message):
    data = scenario(
        {
            "stay": {"delay": {"dist": "fixed", "value": 2}, "then": "out", **step},
            "out": {"exit": "done"},
        },
        [{"name": "a", "rate": 1.0, "start": "stay"}],
        attributes={"k": 1},
        horizon=10.0,
        replications=1,
    )
    with pytest.raises(cp.CarepathError) as err:
        cp.run(data)
    assert message in str(err.value)
