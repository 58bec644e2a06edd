"""Hypothesis: random valid scenarios conserve patients, never wait negative
times and do not depend on the thread count; random invalid ones fail cleanly."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carepath as cp

durations = st.one_of(
    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(0.05, 3)),
    st.builds(lambda v: {"dist": "fixed", "value": v}, st.floats(0.05, 3)),
    st.builds(
        lambda lo, w: {"dist": "uniform", "low": lo, "high": lo + w},
        st.floats(0, 1),
        st.floats(0.1, 2),
    ),
    st.builds(
        lambda m, s: {"dist": "lognormal", "mean": m, "sd": s}, st.floats(0.1, 2), st.floats(0.1, 2)
    ),
    st.builds(
        lambda m, s: {"dist": "normal", "mean": m, "sd": s}, st.floats(0.5, 2), st.floats(0.1, 0.5)
    ),
)


@st.composite
def scenarios(draw):
    n_res = draw(st.integers(1, 3))
    resources = {f"r{i}": {"capacity": draw(st.integers(1, 3))} for i in range(n_res)}
    n_steps = draw(st.integers(1, 6))
    attributes = {"urgent": {"dist": "bernoulli", "p": draw(st.floats(0, 1))}}
    pathway = {}
    names = [f"s{i}" for i in range(n_steps)] + ["end_a", "end_b"]
    for i in range(n_steps):
        later = names[i + 1 :]
        kind = draw(st.sampled_from(["seize", "seize", "delay", "chance", "when"]))
        if kind == "seize":
            step = {
                "seize": draw(st.sampled_from(list(resources))),
                "service": draw(durations),
                "then": draw(st.sampled_from(later)),
            }
            if draw(st.booleans()):
                step["priority"] = "0 if urgent else 1"
            # a seize takes time, so looping back to it is a valid follow-up visit
        elif kind == "delay":
            step = {"delay": draw(durations), "then": draw(st.sampled_from(later))}
        elif kind == "chance":
            p = draw(st.floats(0.05, 0.95))
            step = {
                "branch": [
                    {"p": p, "to": draw(st.sampled_from(later))},
                    {"p": 1 - p, "to": draw(st.sampled_from(later))},
                ]
            }
        else:
            step = {
                "branch": [
                    {"when": "urgent", "to": draw(st.sampled_from(later))},
                    {"otherwise": draw(st.sampled_from(later))},
                ]
            }
        pathway[names[i]] = step
    pathway["end_a"] = {"exit": "home"}
    pathway["end_b"] = {"exit": "admitted"}
    horizon = draw(st.floats(20, 200))
    return {
        "name": "random",
        "horizon": horizon,
        "warmup": draw(st.floats(0, 0.5)) * horizon,
        "attributes": attributes,
        "resources": resources,
        "arrivals": [
            {"name": f"a{j}", "rate": draw(st.floats(0.1, 3)), "start": "s0"}
            for j in range(draw(st.integers(1, 2)))
        ],
        "pathway": pathway,
    }


@pytest.mark.filterwarnings("ignore::carepath.errors.LoadWarning")  # overloaded ones too
@settings(max_examples=40)
@given(scenarios(), st.integers(0, 2**64 - 1))
def test_random_valid_scenarios_behave(data, seed):
    sc = cp.load(data)
    res = cp.run(sc, replications=4, seed=seed, threads=1)
    df = res.per_replication
    exits = df[[c for c in df.columns if c.startswith("exits.")]].sum(axis=1)
    np.testing.assert_array_equal(df["arrivals"], exits + df["in_system_at_end"])
    waits = df[[c for c in df.columns if c.startswith("wait.")]].to_numpy()
    assert np.all(np.isnan(waits) | (waits >= 0))
    assert np.all(df["in_system.mean"] >= 0)
    util = df[[c for c in df.columns if c.startswith("utilisation.")]].to_numpy()
    assert np.all((util >= 0) & (util <= 1 + 1e-12))
    other = cp.run(sc, replications=4, seed=seed, threads=3).per_replication
    pd.testing.assert_frame_equal(df, other, check_exact=True)


CORRUPTIONS = [
    ("arrivals", lambda d, v: d["arrivals"][0].__setitem__("rate", -abs(v) - 0.1)),
    ("arrivals", lambda d, v: d["arrivals"][0].__setitem__("start", "missing_step")),
    (
        "pathway",
        lambda d, v: (
            d["pathway"]["s0"].__setitem__("then", "nowhere")
            if "then" in d["pathway"]["s0"]
            else d["pathway"]["s0"].__setitem__("branch", [{"p": 0.3, "to": "end_a"}])
        ),
    ),
    ("pathway", lambda d, v: d["pathway"].__setitem__("end_a", {"exit": "x", "then": "s0"})),
    ("resources", lambda d, v: d["resources"]["r0"].__setitem__("capacity", -int(abs(v)))),
    ("resources", lambda d, v: d["resources"]["r0"].__setitem__("capcity", 2)),
    ("horizon", lambda d, v: d.__setitem__("horizon", -abs(v))),
    ("warmup", lambda d, v: d.__setitem__("warmup", d["horizon"] + abs(v))),
    (
        "attributes",
        lambda d, v: d["attributes"].__setitem__(
            "urgent", {"dist": "bernoulli", "p": 1 + abs(v) + 0.01}
        ),
    ),
    ("name", lambda d, v: d.__setitem__("name", 42)),
]


@settings(max_examples=60)
@given(scenarios(), st.sampled_from(CORRUPTIONS), st.floats(0, 100))
def test_random_invalid_scenarios_fail_cleanly(data, corruption, value):
    field, corrupt = corruption
    bad = copy.deepcopy(data)
    corrupt(bad, value)
    with pytest.raises(cp.ScenarioError) as info:
        cp.load(bad)
    assert info.value.path.split(".")[0].split("[")[0] == field, str(info.value)
