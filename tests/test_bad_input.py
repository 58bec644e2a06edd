"""Every kind of bad input gets one clear ScenarioError naming the field and value."""

from __future__ import annotations

import copy

import pytest

import carepath as cp
from conftest import mmc


def broken(**edits) -> dict:
    data = copy.deepcopy(mmc(1, 0.5, horizon=100, warmup=0))
    for path, value in edits.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        if value is _DELETE:
            del node[keys[-1]]
        elif isinstance(node, list):
            node[int(keys[-1])] = value
        else:
            node[keys[-1]] = value
    return data


_DELETE = object()

CASES = [
    # (description, data, expected path, words the message must contain)
    (
        "typo in a key",
        broken(resources={"server": {"capcity": 2}}),
        "resources.server.capcity",
        ["unknown key 'capcity'", "did you mean 'capacity'"],
    ),
    ("negative rate", broken(arrivals__0__rate=-3), "arrivals[0].rate", ["must be > 0", "-3"]),
    ("zero rate", broken(arrivals__0__rate=0), "arrivals[0].rate", ["must be > 0", "got 0"]),
    ("infinite rate", broken(arrivals__0__rate=float("inf")), "arrivals[0].rate", ["finite"]),
    ("NaN rate", broken(arrivals__0__rate=float("nan")), "arrivals[0].rate", ["finite"]),
    (
        "boolean capacity",
        broken(resources={"server": {"capacity": True}}),
        "resources.server.capacity",
        ["whole number", "True"],
    ),
    (
        "capacity beyond the engine",
        broken(resources={"server": {"capacity": 10**12}}),
        "resources.server.capacity",
        ["<= 1000000000"],
    ),
    (
        "zero capacity",
        broken(resources={"server": {"capacity": 0}}),
        "resources.server.capacity",
        [">= 1", "got 0"],
    ),
    (
        "probabilities not summing to 1",
        broken(pathway__serve={"branch": [{"p": 0.4, "to": "done"}, {"p": 0.5, "to": "done"}]}),
        "pathway.serve",
        ["sum to 1", "0.9"],
    ),
    (
        "unknown resource",
        broken(pathway__serve__seize="nurse"),
        "pathway.serve.seize",
        ["unknown resource 'nurse'", "server"],
    ),
    (
        "unknown next step",
        broken(pathway__serve__then="dnoe"),
        "pathway.serve.then",
        ["unknown step 'dnoe'", "did you mean 'done'"],
    ),
    (
        "unknown start step",
        broken(arrivals__0__start="nowhere"),
        "arrivals[0].start",
        ["unknown step 'nowhere'"],
    ),
    ("step without then", broken(pathway__serve__then=_DELETE), "pathway.serve", ["needs 'then'"]),
    (
        "step without action",
        broken(pathway__serve={"then": "done"}),
        "pathway.serve",
        ["exactly one action", "got none"],
    ),
    (
        "two actions",
        broken(pathway__done={"exit": "x", "delay": {"dist": "fixed", "value": 1}}),
        "pathway.done",
        ["exactly one action"],
    ),
    (
        "zero-time loop",
        broken(
            pathway__done={"branch": [{"p": 0.5, "to": "again"}, {"p": 0.5, "to": "out"}]},
            pathway__again={"delay": {"dist": "fixed", "value": 0}, "then": "done"},
            pathway__out={"exit": "served"},
        ),
        "pathway",
        ["loop in which no time passes", "done", "again"],
    ),
    (
        "missing distribution parameter",
        broken(pathway__serve__service={"dist": "exponential"}),
        "pathway.serve.service.mean",
        ["required"],
    ),
    (
        "invalid distribution parameter",
        broken(pathway__serve__service={"dist": "gamma", "mean": 1, "sd": -1}),
        "pathway.serve.service.sd",
        ["must be > 0", "-1"],
    ),
    (
        "unknown distribution",
        broken(pathway__serve__service={"dist": "exponentail", "mean": 1}),
        "pathway.serve.service.dist",
        ["exponentail", "did you mean 'exponential'"],
    ),
    (
        "bad triangular",
        broken(pathway__serve__service={"dist": "triangular", "low": 2, "mode": 1, "high": 3}),
        "pathway.serve.service",
        ["low <= mode <= high"],
    ),
    (
        "negative duration",
        broken(pathway__serve__service={"dist": "uniform", "low": -1, "high": 1}),
        "pathway.serve.service",
        ["cannot be negative"],
    ),
    ("warm-up past horizon", broken(warmup=200), "warmup", ["< horizon"]),
    (
        "unknown attribute in priority",
        broken(pathway__serve__priority="0 if urgnt else 1"),
        "pathway.serve.priority",
        ["unknown attribute 'urgnt'"],
    ),
    (
        "unsafe expression",
        broken(pathway__serve__priority="__import__('os').system('true')"),
        "pathway.serve.priority",
        ["not allowed"],
    ),
    (
        "conditional branch without otherwise",
        broken(
            attributes={"old": {"dist": "bernoulli", "p": 0.5}},
            pathway__serve={"branch": [{"when": "old", "to": "done"}]},
        ),
        "pathway.serve",
        ["otherwise"],
    ),
    ("wrong type", broken(horizon="long"), "horizon", ["long"]),
    ("empty pathway", broken(pathway={}), "pathway", []),
    (
        "bad variant path",
        {**mmc(), "variants": {"v": {"resources.nurse.capacity": 2}}},
        "variants.v.resources.nurse.capacity",
        ["does not exist"],
    ),
    (
        "bad variant value",
        {**mmc(), "variants": {"v": {"resources.server.capacity": -2}}},
        "variants.v.resources.server.capacity",
        [">= 1", "-2"],
    ),
]


@pytest.mark.parametrize(
    ("data", "path", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_scenario_names_field_and_value(data, path, words):
    with pytest.raises(cp.ScenarioError) as info:
        sc = cp.load(data)
        for name in sc.variants:
            sc.variant(name)
    err = info.value
    assert err.path.startswith(path), (err.path, str(err))
    for word in words:
        assert word in str(err), (word, str(err))
    assert "\n" not in str(err)


def test_malformed_yaml_names_the_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\nhorizon: [1, 2\narrivals: []\n")
    with pytest.raises(cp.ScenarioError, match=r"malformed YAML: line \d+"):
        cp.load(f)


def test_duplicate_yaml_key_is_refused(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("name: x\nhorizon: 10\nhorizon: 20\n")
    with pytest.raises(cp.ScenarioError, match="duplicate key 'horizon'"):
        cp.load(f)


def test_yaml_that_is_not_a_mapping(tmp_path):
    f = tmp_path / "list.yaml"
    f.write_text("- 1\n- 2\n")
    with pytest.raises(cp.ScenarioError, match="mapping"):
        cp.load(f)


def test_missing_file_and_unknown_builtin():
    with pytest.raises(cp.ScenarioError, match="does not exist"):
        cp.load("no/such/file.yaml")
    with pytest.raises(cp.ScenarioError, match="built-in"):
        cp.load("no-such-scenario")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"replications": 0}, "replications"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"threads": -2}, "threads"),
        ({"variants": ["nope"]}, "variants"),
        ({"replications": 2.5}, "replications"),
    ],
)
def test_bad_run_options(kwargs, field):
    with pytest.raises(cp.ScenarioError) as info:
        cp.run(mmc(horizon=10, warmup=0), **kwargs)
    assert info.value.path == field


def test_engine_guard_stops_a_patient_stuck_at_one_instant():
    # The static check refuses zero-time loops; the engine has its own guard
    # in case one slips through.  Trip it with a limit of one instant step.
    from carepath import _core
    from carepath.engine.compile import compile_scenario

    data = mmc(1, 0.5, horizon=100, warmup=0)
    data["arrivals"][0]["start"] = "first"
    data["pathway"]["first"] = {"branch": [{"p": 1.0, "to": "second"}]}
    data["pathway"]["second"] = {"branch": [{"p": 1.0, "to": "serve"}]}
    spec = compile_scenario(cp.load(data))
    spec.max_steps_without_time = 1
    with pytest.raises(RuntimeError, match=r"pathway\.second: .* without simulated time passing"):
        _core.Runner(spec).run(1, 1, 1)
    with pytest.raises(cp.SimulationError):
        from unittest import mock

        with mock.patch("carepath.engine.batch.compile_scenario", return_value=spec):
            cp.run(data, replications=2)


def test_engine_rejects_inconsistent_spec_without_crashing():
    from carepath import _core
    from carepath.engine.compile import compile_scenario

    spec = compile_scenario(cp.load(mmc(horizon=10, warmup=0)))
    steps = spec.steps
    steps[0].resource = 7
    spec.steps = steps
    with pytest.raises(ValueError, match="resource index 7 out of range"):
        _core.Runner(spec)
