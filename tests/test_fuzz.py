"""Fuzzing: every built-in scenario, mutated (keys dropped, types swapped,
numbers at extremes or scaled by up to 1000, NaN and infinities, unicode
names, long lists), either
loads and runs or is refused with a ScenarioError naming a field; a run may
also stop with a SimulationError (a runaway model); nothing else, and never a
crash of the process.  2,000 cases a run (derandomised in CI: the same
cases every time)."""

from __future__ import annotations

import copy
import math
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carepath as cp
from carepath.errors import ScenarioError, SimulationError
from carepath.model import builtin_ids, builtin_text
from carepath.model.clock import UNIT_HOURS

CASES = int(os.environ.get("CAREPATH_FUZZ_CASES", "2000"))  # more on a quiet machine
BUILTINS = {sid: yaml.safe_load(builtin_text(sid)) for sid in builtin_ids()}
OTHER_TYPES = [None, True, False, "text", "", 0, -1, 1.5, [], {}, [1, 2], {"x": 1}, "52 weeks"]
EXTREMES = [0, -1, 1e308, -1e308, math.nan, math.inf, -math.inf, 5e-324, 2**63, -(2**63), 10**9]
UNICODE = ["ñame", "病院", "\u200b", "😀", "a\u0301", "Ω" * 40, "x\ty"]


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document: keys of mappings, items of lists."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append((*prefix, i))
            out += paths(value, (*prefix, i))
    return out


def _number(data: Any, path: tuple) -> bool:
    for key in path:
        data = data[key]
    return isinstance(data, int | float) and not isinstance(data, bool)


def mutate(data: Any, path: tuple, how: str, value: Any) -> None:
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "drop":
        del parent[key]
    elif how == "rename" and isinstance(parent, dict):
        parent[value] = parent.pop(key)
    elif (
        how == "scale"
        and isinstance(parent[key], int | float)
        and not isinstance(parent[key], bool)
    ):
        parent[key] = parent[key] * value
    elif how == "long":  # a list of a thousand: its items again and again
        items = parent[key] if isinstance(parent[key], list) and parent[key] else [parent[key]]
        parent[key] = [copy.deepcopy(items[i % len(items)]) for i in range(1000)]
    else:
        parent[key] = value


@st.composite
def mutated(draw: Any) -> dict:
    data = copy.deepcopy(BUILTINS[draw(st.sampled_from(sorted(BUILTINS)))])
    kinds = ["drop", "swap", "extreme", "rename", "unicode", "scale", "scale", "scale"]
    hows = draw(st.lists(st.sampled_from(kinds), max_size=3))
    if draw(st.booleans()):
        hows.append("long")  # once at most, and last: a thousand copies are not mutated again
    for how in hows or ["swap"]:
        places = paths(data)
        if not places:
            break
        if how == "scale":  # a number made much smaller or larger: mostly still valid
            places = [p for p in places if _number(data, p)] or places
        path = draw(st.sampled_from(places))
        value = {
            "swap": st.sampled_from(OTHER_TYPES),
            "extreme": st.sampled_from(EXTREMES),
            "rename": st.sampled_from(UNICODE),
            "unicode": st.sampled_from(UNICODE),
            "scale": st.sampled_from([0.001, 0.5, 2.0, 1000.0]),
        }.get(how, st.none())
        # a copy: a shared [1, 2] swapped in twice, or into itself, would make a cycle
        mutate(data, path, how, copy.deepcopy(draw(value)))
    return data


def shortened(sc: cp.Scenario) -> cp.Scenario:
    """The scenario over at most a day, with tight bounds on patients and
    events (rates scaled a billion times would run for hours), so that 2,000
    of them run in seconds."""
    week = 24 / UNIT_HOURS[sc.time_unit]
    horizon = min(sc.horizon, week)
    return sc.with_changes(
        {
            "horizon": horizon,
            "warmup": min(sc.warmup, horizon / 2),
            "follow_up": min(sc.follow_up, week),
            "limits": {"max_in_system": 20000, "max_events": 2_000_000},
        }
    )


@pytest.mark.filterwarnings("ignore::carepath.errors.LoadWarning")  # overloaded on purpose
@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_builtins_load_and_run_or_name_a_field(data):
    try:
        sc = shortened(cp.load(data))
    except ScenarioError as err:
        assert str(err), "a ScenarioError says what is wrong"
        return
    try:
        cp.run(sc, replications=1, threads=1)
    except ScenarioError as err:
        assert str(err)
    except SimulationError as err:
        assert str(err)
