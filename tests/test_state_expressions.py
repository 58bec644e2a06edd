"""Expressions that read the service: queue(), busy(), free(), in_system(),
occupancy(), the calendar (hour, weekday, day), functions, and weights."""

from __future__ import annotations

import pytest

import carepath as cp
from carepath import _core
from carepath.errors import ScenarioError, SimulationError
from carepath.model.expressions import compile_expression
from carepath.results.intervals import t_interval


def _diversion(k: int, rho: float = 0.8) -> cp.Scenario:
    """Arrivals turned away when K are at the desk (waiting or served)."""
    return cp.load(
        {
            "name": f"mm1k-{k}",
            "horizon": 20000,
            "warmup": 1000,
            "replications": 30,
            "resources": {"desk": {"capacity": 1}},
            "arrivals": [{"name": "a", "rate": rho, "start": "door"}],
            "pathway": {
                "door": {
                    "branch": [
                        {"when": f'queue("desk") + busy("desk") >= {k}', "to": "diverted"},
                        {"otherwise": "desk"},
                    ]
                },
                "desk": {
                    "seize": "desk",
                    "service": {"dist": "exponential", "mean": 1},
                    "then": "done",
                },
                "diverted": {"exit": "diverted"},
                "done": {"exit": "served"},
            },
        }
    )


@pytest.mark.parametrize("k", [2, 5])
def test_diverting_at_k_reproduces_mm1k_blocking(k):
    """P(block) = (1 - rho) rho^K / (1 - rho^(K+1)), inside a 99% interval."""
    rho = 0.8
    res = cp.run(_diversion(k, rho), seed=k)
    df = res.per_replication
    share = (df["exits.diverted"] / df["arrivals"]).to_numpy()
    theory = (1 - rho) * rho**k / (1 - rho ** (k + 1))
    _, _, low, high, _ = t_interval(share, 0.99)
    assert low <= theory <= high, (low, theory, high)


def test_state_reads_are_identical_on_any_thread_count():
    sc = _diversion(3).with_changes({"replications": 6, "horizon": 2000, "warmup": 0})
    assert cp.run(sc, threads=1).per_replication.equals(cp.run(sc, threads=2).per_replication)


def _timetable(when: str) -> cp.Results:
    """One patient at each of 07:30, 08:00, 12:00, 17:59, 18:00, 23:30 every
    day for two weeks from Monday 00:00, routed by ``when``."""
    times = ["07:30", "08:00", "12:00", "17:59", "18:00", "23:30"]
    return cp.run(
        {
            "name": "timetable",
            "horizon": "2 weeks",
            "replications": 1,
            "arrivals": [{"name": "a", "schedule": {"daily": times}, "start": "route"}],
            "pathway": {
                "route": {"branch": [{"when": when, "to": "ooh"}, {"otherwise": "gp"}]},
                "ooh": {"exit": "ooh"},
                "gp": {"exit": "gp"},
            },
        }
    )


def test_hour_routing_sends_exactly_the_arrivals_of_those_hours():
    res = _timetable("hour >= 18 or hour < 8")  # 07:30, 18:00, 23:30
    row = res.per_replication.iloc[0]
    assert (row["exits.ooh"], row["exits.gp"]) == (3 * 14, 3 * 14)


def test_weekday_and_day_read_the_calendar():
    weekend = _timetable("weekday >= 5").per_replication.iloc[0]
    assert (weekend["exits.ooh"], weekend["exits.gp"]) == (6 * 4, 6 * 10)
    second_week = _timetable("day >= 7").per_replication.iloc[0]
    assert second_week["exits.ooh"] == 6 * 7
    fractional = _timetable("17.9 < hour < 18").per_replication.iloc[0]
    assert fractional["exits.ooh"] == 14


def test_free_busy_capacity_in_system_by_hand():
    """Three patients at time 0 and two servers: the first two find a server
    free, the third finds none; in_system() counts every patient present."""
    res = cp.run(
        {
            "name": "by-hand",
            "horizon": 10,
            "replications": 1,
            "resources": {"desk": {"capacity": 2}},
            "arrivals": [{"name": "a", "cohort": 3, "start": "look"}],
            "pathway": {
                "look": {
                    "branch": [
                        {"when": 'free("desk") > 0 and capacity("desk") == 2', "to": "desk"},
                        {"otherwise": "full"},
                    ]
                },
                "desk": {"seize": "desk", "service": {"dist": "fixed", "value": 5}, "then": "tag"},
                "tag": {
                    "branch": [
                        {"when": 'in_system() == 2 and busy("desk") == 1', "to": "last"},
                        {"otherwise": "first"},
                    ]
                },
                "full": {"exit": "full"},
                "first": {"exit": "first"},
                "last": {"exit": "last"},
            },
        }
    )
    row = res.per_replication.iloc[0]
    assert (row["exits.full"], row["served.desk"]) == (1, 2)
    # at t = 5 the first to finish sees itself and the other in the system and
    # one server still busy; the second sees itself alone
    assert (row["exits.last"], row["exits.first"]) == (1, 1)


def test_occupancy_of_a_step_is_tracked_when_read():
    sc = _diversion(3).with_changes(
        {
            "pathway.door.branch": [
                {"when": 'occupancy("desk") >= 3', "to": "diverted"},
                {"otherwise": "desk"},
            ],
            "replications": 4,
        }
    )
    res = cp.run(sc, seed=1)
    assert "occupancy.desk.mean" in res.metrics
    # patients at the desk step (queue and service) is what queue + busy counts
    same = cp.run(_diversion(3).with_changes({"replications": 4}), seed=1)
    assert res.per_replication["exits.diverted"].equals(same.per_replication["exits.diverted"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(3, 1, 2)", 1.0),
        ("max(a, 2)", 2.0),
        ("abs(-2.5)", 2.5),
        ("floor(-1.5) + ceil(1.2)", 0.0),
        ("exp(0) + log(1)", 1.0),
        ("max(a, 0.5) if a else -1", -1.0),
    ],
)
def test_functions(text, expected):
    compiled = compile_expression(text, ["a"], "x")
    spec = _core.ExprSpec()
    spec.ops, spec.args, spec.consts, spec.text = compiled.ops, compiled.args, compiled.consts, text
    assert _core.evaluate(spec, [0.0]) == expected


def test_weights_are_normalised_per_patient():
    sc = cp.load(
        {
            "name": "weights",
            "horizon": 2000,
            "replications": 20,
            "attributes": {"frail": {"dist": "bernoulli", "p": 0.5}},
            "arrivals": [{"name": "a", "rate": 2, "start": "route"}],
            "pathway": {
                "route": {
                    "branch": [
                        {"p": "3 if frail else 1", "to": "ooh"},  # 0.3 or 0.1 once normalised
                        {"p": "7 if frail else 9", "to": "gp"},
                    ]
                },
                "ooh": {"exit": "ooh"},
                "gp": {"exit": "gp"},
            },
        }
    )
    df = cp.run(sc, seed=3).per_replication
    share = (df["exits.ooh"] / df["arrivals"]).to_numpy()
    _, _, low, high, _ = t_interval(share, 0.99)
    assert low <= 0.2 <= high
    zero = sc.with_changes(
        {"pathway.route.branch": [{"p": "0", "to": "ooh"}, {"p": "frail * 0", "to": "gp"}]}
    )
    with pytest.raises(SimulationError, match=r"pathway\.route: every arm's p is 0"):
        cp.run(zero, replications=1)
    negative = sc.with_changes(
        {"pathway.route.branch": [{"p": "-1", "to": "ooh"}, {"p": "1", "to": "gp"}]}
    )
    with pytest.raises(SimulationError, match=r"route\.branch\[0\]\.p"):
        cp.run(negative, replications=1)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ('queue("dsk") > 0', "unknown resource 'dsk'; did you mean 'desk'"),
        ('occupancy("nowhere") > 0', "unknown step 'nowhere'"),
        ('occupancy("door") > 0', "only seize, delay, wait_until and book steps"),
        ("busy(desk) > 0", "busy() takes one name in quotes"),
        ("flor(1)", "unknown function 'flor'; did you mean 'floor'"),
    ],
)
def test_bad_state_reads_name_the_field(when, message):
    data = _diversion(3).model_dump(mode="json", exclude_defaults=True)
    data["pathway"]["door"]["branch"][0]["when"] = when
    with pytest.raises(ScenarioError) as err:
        cp.load(data)
    assert "pathway.door.branch[0].when" in str(err.value)
    assert message in str(err.value)


def test_calendar_names_are_reserved():
    data = _diversion(3).model_dump(mode="json", exclude_defaults=True)
    data["attributes"] = {"hour": 1}
    with pytest.raises(ScenarioError, match=r"attributes\.hour"):
        cp.load(data)


def test_derived_metrics_take_functions_not_state():
    sc = _diversion(3).with_changes(
        {"results.derived": {"worst": "max(wait.desk.mean, 1)"}, "replications": 2}
    )
    assert (cp.run(sc).per_replication["worst"] >= 1).all()
    with pytest.raises(ScenarioError, match="unknown function 'queue'"):
        cp.run(_diversion(3).with_changes({"results.derived": {"q": 'queue("desk")'}}))
