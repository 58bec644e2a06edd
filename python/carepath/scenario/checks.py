"""Checks that span fields: names that must exist, expressions, zero-time loops."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..errors import ScenarioError
from ..expressions import compile_expression

if TYPE_CHECKING:
    from .model import Scenario
    from .steps import Step


def _unknown(kind: str, name: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(name, known, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown {kind} '{name}' (known: {', '.join(known) or 'none'}){suggestion}"


def successors(step: Step) -> list[str]:
    """Names of the steps a patient can go to after ``step``."""
    if step.branch is not None:
        return [arm.target for arm in step.branch]
    return [step.then] if step.then is not None else []


def check_references(sc: Scenario) -> None:
    """Raise :class:`ScenarioError` for the first dangling name or bad expression."""
    steps = list(sc.pathway)
    resources = list(sc.resources)
    attributes = list(sc.attributes)
    for i, arrival in enumerate(sc.arrivals):
        if arrival.start not in sc.pathway:
            raise ScenarioError(f"arrivals[{i}].start", _unknown("step", arrival.start, steps))
    names = [a.name for a in sc.arrivals]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"arrivals[{i}].name", f"duplicate arrival name '{name}'")
    for name, step in sc.pathway.items():
        where = f"pathway.{name}"
        if step.seize is not None and step.seize not in sc.resources:
            raise ScenarioError(f"{where}.seize", _unknown("resource", step.seize, resources))
        if step.then is not None and step.then not in sc.pathway:
            raise ScenarioError(f"{where}.then", _unknown("step", step.then, steps))
        for j, arm in enumerate(step.branch or []):
            key = "otherwise" if arm.otherwise is not None else "to"
            if arm.target not in sc.pathway:
                raise ScenarioError(
                    f"{where}.branch[{j}].{key}", _unknown("step", arm.target, steps)
                )
            if arm.when is not None:
                compile_expression(arm.when, attributes, f"{where}.branch[{j}].when")
        if step.priority is not None:
            compile_expression(step.priority, attributes, f"{where}.priority")
        for key in ("service", "delay"):
            dist = getattr(step, key)
            if dist is not None and dist.min_value() < 0 and dist.dist != "normal":
                raise ScenarioError(
                    f"{where}.{key}",
                    f"a duration cannot be negative, but this {dist.dist} reaches "
                    f"{dist.min_value():g}",
                )
    _check_zero_time_loops(sc)


def _takes_no_time(step: Step) -> bool:
    """Whether a patient can pass ``step`` without simulated time passing."""
    if step.branch is not None or step.exit is not None:
        return True
    duration = step.service if step.service is not None else step.delay
    return duration is not None and (duration.can_be_zero() or duration.dist == "normal")


def _check_zero_time_loops(sc: Scenario) -> None:
    """Reject a cycle of steps through which a patient could loop forever at one instant."""
    instant = {n for n, s in sc.pathway.items() if _takes_no_time(s)}
    graph = {n: [t for t in successors(sc.pathway[n]) if t in instant] for n in instant}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in graph:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            if i < len(graph[node]):
                stack.append((node, i + 1))
                nxt = graph[node][i]
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    raise ScenarioError(
                        f"pathway.{nxt}",
                        "steps " + " -> ".join(cycle) + " form a loop in which no time "
                        "passes, so a patient could cycle forever; add a delay or a service "
                        "with a positive duration",
                    )
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
