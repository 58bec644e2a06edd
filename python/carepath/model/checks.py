"""Checks that span fields: names that must exist, expressions, zero-time loops."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..errors import ScenarioError
from .clock import to_time_units
from .expressions import ServiceNames, compile_expression

if TYPE_CHECKING:
    from .scenario import Scenario
    from .steps import Step


def _unknown(kind: str, name: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(name, known, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown {kind} '{name}' (known: {', '.join(known) or 'none'}){suggestion}"


RESERVED = ("arrived", "now")  # built-in variables of expressions
STATE_NAMES = ("hour", "weekday", "day")  # the calendar, read by expressions


def successors(step: Step) -> list[str]:
    """Names of the steps a patient can go to after ``step``."""
    return list(step.next_steps().values())


def expression_names(sc: Scenario) -> list[str]:
    """What an expression may name: the attributes, then the built-ins."""
    return [*sc.attribute_names, *RESERVED]


def holding_steps(sc: Scenario) -> list[str]:
    """The steps where patients spend time (and so have an occupancy)."""
    return [
        n
        for n, s in sc.pathway.items()
        if s.seize or s.seize_all or s.delay or s.book or s.wait_until or s.batch
    ]


def expression_texts(sc: Scenario) -> list[str]:
    """Every expression of the pathway, as written."""
    out: list[str] = []
    for step in sc.pathway.values():
        for arm in step.branch or []:
            out += [t for t in (arm.when, arm.p) if isinstance(t, str)]
        out += [
            t for t in (step.priority, step.scale, step.dna, step.utility) if isinstance(t, str)
        ]
        out += list((step.set or {}).values())
    return out


def service_names(sc: Scenario) -> ServiceNames:
    """What a pathway's expressions may read of the service."""
    return ServiceNames(list(sc.resources), holding_steps(sc), list(sc.pathway), list(sc.globals))


def check_references(sc: Scenario) -> None:
    """Raise [`ScenarioError`][carepath.errors.ScenarioError] for the first dangling
    name or bad expression."""
    steps = list(sc.pathway)
    resources = list(sc.resources)
    attributes = sc.attribute_names
    names = expression_names(sc)
    service = service_names(sc)
    for name in (*RESERVED, *STATE_NAMES):
        if name in attributes:
            raise ScenarioError(f"attributes.{name}", f"'{name}' is a built-in variable; rename it")
        if name in sc.globals:
            raise ScenarioError(f"globals.{name}", f"'{name}' is a built-in variable; rename it")
    for name in sc.globals:
        if name in attributes:
            raise ScenarioError(
                f"globals.{name}",
                f"'{name}' is also an attribute: a name is a patient's attribute or a "
                "global of the service, not both",
            )
    for i, arrival in enumerate(sc.arrivals):
        if arrival.start not in sc.pathway:
            raise ScenarioError(f"arrivals[{i}].start", _unknown("step", arrival.start, steps))
        for attr, value in arrival.attributes.items():
            if not isinstance(value, str) and attr not in attributes:
                raise ScenarioError(
                    f"arrivals[{i}].attributes.{attr}",
                    _unknown("attribute", attr, attributes) + "; declare it under attributes",
                )
    arrival_names = [a.name for a in sc.arrivals]
    for i, name in enumerate(arrival_names):
        if name in arrival_names[:i]:
            raise ScenarioError(f"arrivals[{i}].name", f"duplicate arrival name '{name}'")
    for name, step in sc.pathway.items():
        _check_step(sc, name, step, steps, resources, attributes, names, service)
    _check_holds(sc)
    _check_forks(sc)
    _check_results(sc)
    _check_zero_time_loops(sc)


def _check_step(
    sc: Scenario,
    name: str,
    step: Step,
    steps: list[str],
    resources: list[str],
    attributes: list[str],
    names: list[str],
    service: ServiceNames,
) -> None:
    where = f"pathway.{name}"
    for j, value in enumerate(step.seizes):
        if value not in sc.resources:
            key = "seize_all" if step.seize_all is not None else "seize"
            at = f"{where}.seize" if isinstance(step.seize, str) else f"{where}.{key}[{j}]"
            raise ScenarioError(at, _unknown("resource", value, resources))
        if isinstance(step.seize, list) and sc.resources[value].preempt != "none":
            raise ScenarioError(
                f"{where}.seize[{j}]",
                f"'{value}' preempts; a choice of resources takes only non-preemptive ones",
            )
    if step.seize_all is not None or step.units is not None:
        key = "seize_all" if step.seize_all is not None else "units"
        for value in step.seizes:
            r = sc.resources.get(value)
            if r is not None and (
                r.preempt != "none" or r.at_shift_end == "interrupt" or r.breakdowns is not None
            ):
                raise ScenarioError(
                    f"{where}.{key}",
                    f"'{value}' is preemptive, interrupted at shift ends or breaks down: it "
                    "cannot be taken in units or with other resources",
                )
    if isinstance(step.units, str):
        compile_expression(step.units, names, f"{where}.units", service=service)
    action = "release_all" if step.release_all is not None else "release"
    for j, value in enumerate(step.releases):
        if value not in sc.resources:
            at = f"{where}.release" if isinstance(step.release, str) else f"{where}.{action}[{j}]"
            raise ScenarioError(at, _unknown("resource", value, resources))
    if step.batch is not None and step.then in sc.pathway:
        session = sc.pathway[step.then]
        if (
            session.seize is None
            or session.service is None
            or session.patience is not None
            or (session.max_queue is not None)
        ):
            raise ScenarioError(
                f"{where}.then",
                f"'{step.then}' must be a seize step with a service, no patience and no "
                "max_queue: the group's session",
            )
        timeout = step.batch.timeout
        if timeout is not None and not to_time_units(timeout, sc.time_unit) >= 0:
            raise ScenarioError(f"{where}.batch.timeout", f"must be >= 0, got {timeout}")
    if step.as_ is not None and step.as_ not in attributes:
        raise ScenarioError(
            f"{where}.as",
            _unknown("attribute", step.as_, attributes) + "; declare it under attributes",
        )
    for key, target in step.next_steps().items():
        if target not in sc.pathway:
            raise ScenarioError(f"{where}.{key}", _unknown("step", target, steps))
    for j, arm in enumerate(step.branch or []):
        if isinstance(arm.p, str):
            compile_expression(arm.p, names, f"{where}.branch[{j}].p", service=service)
        if arm.when is not None:
            compile_expression(arm.when, names, f"{where}.branch[{j}].when", service=service)
    if step.priority is not None:
        compile_expression(step.priority, names, f"{where}.priority", service=service)
    if step.scale is not None:
        if step.holds:
            raise ScenarioError(f"{where}.scale", "scales a service; a hold has none")
        compile_expression(step.scale, names, f"{where}.scale", service=service)
    if isinstance(step.dna, str):
        compile_expression(step.dna, names, f"{where}.dna", service=service)
    if step.utility is not None:
        compile_expression(step.utility, names, f"{where}.utility", service=service)
    if step.category in ("total", "per_patient"):
        raise ScenarioError(f"{where}.category", f"'{step.category}' names a total; choose another")
    for attr, text in (step.set or {}).items():
        if attr not in attributes and attr not in sc.globals:
            raise ScenarioError(
                f"{where}.set.{attr}",
                _unknown("attribute or global", attr, [*attributes, *sc.globals])
                + "; declare it under attributes or globals",
            )
        compile_expression(text, names, f"{where}.set.{attr}", service=service)
    if step.waiting_since is not None and step.waiting_since not in attributes:
        raise ScenarioError(
            f"{where}.waiting_since", _unknown("attribute", step.waiting_since, attributes)
        )
    if step.book is not None:
        if step.book not in sc.books:
            raise ScenarioError(f"{where}.book", _unknown("book", step.book, list(sc.books)))
        known = sc.books[step.book].type_names()
        for j, t in enumerate(step.types or []):
            if t not in known:
                raise ScenarioError(f"{where}.types[{j}]", _unknown("slot type", t, known))
    for key in ("service", "delay", "patience", "not_before"):
        dist = getattr(step, key)
        if dist is not None and dist.min_value() < 0 and dist.dist != "normal":
            raise ScenarioError(
                f"{where}.{key}",
                f"a duration cannot be negative, but this {dist.dist} reaches {dist.min_value():g}",
            )


def _check_holds(sc: Scenario) -> None:
    """A held resource must be released on some path; a release must follow a hold."""
    held = {r for s in sc.pathway.values() if s.holds for r in s.seizes}
    for name, step in sc.pathway.items():
        for value in step.releases:
            if value not in held:
                key = "release_all" if step.release_all is not None else "release"
                raise ScenarioError(
                    f"pathway.{name}.{key}",
                    f"no step holds '{value}' (a seize without 'service' holds a resource "
                    "until a release)",
                )
        if not step.holds:
            continue
        # a seize_all holds each; a seize holds its one (of a list: any of them)
        needs = [[r] for r in step.seizes] if step.seize_all is not None else [step.seizes]
        for options in needs:
            seen, todo = set(), [step.then]
            while todo:
                current = todo.pop()
                if current in seen or current not in sc.pathway:
                    continue
                seen.add(current)
                here = sc.pathway[current]
                if set(here.releases) & set(options):
                    break
                todo += successors(here)
                if here.join is not None and here.join in sc.pathway:  # held on past the join
                    todo += [str(sc.pathway[here.join].then)]
            else:
                shown = options[0] if len(options) == 1 else "one of " + ", ".join(options)
                raise ScenarioError(
                    f"pathway.{name}",
                    f"holds '{shown}' (a seize without 'service') but no later step "
                    f"releases it; add a step with release: {options[0]}, or give the seize "
                    "a 'service'",
                )


def _check_forks(sc: Scenario) -> None:
    """Each part of a fork ends at a join naming that fork: it cannot reach an
    exit, or another fork's join; a join names a fork."""
    for name, step in sc.pathway.items():
        if step.join is not None and (
            step.join not in sc.pathway or sc.pathway[step.join].fork is None
        ):
            forks = [n for n, s in sc.pathway.items() if s.fork is not None]
            raise ScenarioError(f"pathway.{name}.join", _unknown("fork step", step.join, forks))
    for name, step in sc.pathway.items():
        for j, first in enumerate(step.fork or []):
            seen, todo = set(), [first]
            while todo:
                current = todo.pop()
                if current in seen or current not in sc.pathway:
                    continue
                seen.add(current)
                here = sc.pathway[current]
                if here.fork is not None and current != name:  # a fork within the part:
                    todo.append(str(here.then))  # its own parts are checked as its own
                    continue
                if here.join is not None:
                    if here.join != name:
                        raise ScenarioError(
                            f"pathway.{name}.fork[{j}]",
                            f"the part from '{first}' can reach '{current}', the join of "
                            f"another fork ('{here.join}'); a part ends at a join: {name}",
                        )
                    continue
                if here.exit is not None:
                    raise ScenarioError(
                        f"pathway.{name}.fork[{j}]",
                        f"the part from '{first}' can reach exit step '{current}'; a part "
                        f"ends at a step with join: {name}",
                    )
                todo += successors(here)


def _check_results(sc: Scenario) -> None:
    for j, attr in enumerate(sc.results.by):
        if attr not in sc.attribute_names:
            raise ScenarioError(f"results.by[{j}]", _unknown("attribute", attr, sc.attribute_names))
        if class_values(sc, attr) is None:
            raise ScenarioError(
                f"results.by[{j}]",
                f"attribute '{attr}' can take any number of values; results by class need a "
                "fixed, bernoulli or discrete empirical attribute",
            )
    seizes = [f"wait.{n}" for n, s in sc.pathway.items() if s.seizes]
    books = [f"appointment_wait.{n}" for n, s in sc.pathway.items() if s.book is not None]
    known = ["system_time", *seizes, *books]
    for key in sc.results.over:
        if key not in known:
            raise ScenarioError(f"results.over.{key}", _unknown("metric", key, known))
    countable = holding_steps(sc)
    series = sc.results.series
    if series is not None and not to_time_units(series.bin, sc.time_unit) > 0:
        raise ScenarioError("results.series.bin", f"must be > 0, got {series.bin}")
    if series is not None:
        known_counts = series_counts_known(sc)
        for j, name in enumerate(series.counts or []):
            if name not in known_counts:
                raise ScenarioError(
                    f"results.series.counts[{j}]", _unknown("count", name, known_counts)
                )
    for key in ("hourly", "occupancy"):
        for j, name in enumerate(getattr(sc.results, key)):
            if name not in countable:
                raise ScenarioError(
                    f"results.{key}[{j}]",
                    _unknown("seize, delay, wait_until or book step", name, countable),
                )
    _check_distributions(sc)
    for j, target in enumerate(sc.targets):
        if target.variant not in sc.variant_names:
            raise ScenarioError(
                f"targets[{j}].variant", _unknown("variant", target.variant, sc.variant_names)
            )
        if target.change != "none" and target.variant == "baseline":
            raise ScenarioError(
                f"targets[{j}].change", "a change is measured in a variant, not in the baseline"
            )


def series_counts_known(sc: Scenario) -> list[str]:
    """What ``results.series.counts`` may list for ``sc``."""
    out = ["arrivals", "exits"]
    out += [f"exits.{s.exit}" for s in sc.pathway.values() if s.exit is not None]
    out += [f"entered.{n}" for n in sc.pathway]
    out += [f"served.{n}" for n, s in sc.pathway.items() if s.seizes or s.delay]
    out += [f"reneged.{n}" for n, s in sc.pathway.items() if s.patience is not None]
    out += [f"balked.{n}" for n, s in sc.pathway.items() if s.max_queue is not None]
    return list(dict.fromkeys(out))


def class_values(sc: Scenario, attr: str) -> list[float] | None:
    """The values attribute ``attr`` can take at arrival, or None if unbounded."""
    from .arrival_data import source_attribute

    values: list[float] = []
    for i in range(len(sc.arrivals)):
        given = source_attribute(sc, i, attr)
        if given is None:  # a file column of too many values
            return None
        support = given if isinstance(given, list) else given.support()  # type: ignore[attr-defined]
        if support is None:
            return None
        values += [v for v in support if v not in values]
    return sorted(values)


def _instant_successors(step: Step) -> list[str]:
    """The steps a patient can reach from ``step`` without simulated time passing."""
    out = [arm.target for arm in step.branch or []]
    out += [t for t in (step.goto, step.on_balk, step.on_full) if t is not None]
    out += list(step.fork or [])
    if step.action in ("set", "release", "release_all", "cost", "utility", "batch") or step.holds:
        out.append(str(step.then))
    duration = step.service if step.service is not None else step.delay
    if duration is not None and (duration.can_be_zero() or duration.dist == "normal"):
        out.append(str(step.then))
    p = step.patience
    if p is not None and step.on_renege is not None and (p.can_be_zero() or p.dist == "normal"):
        out.append(step.on_renege)
    return out


def _check_zero_time_loops(sc: Scenario) -> None:
    """Reject a cycle of steps through which a patient could loop forever at one instant."""
    graph = {
        n: [t for t in _instant_successors(s) if t in sc.pathway] for n, s in sc.pathway.items()
    }
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


def _check_distributions(sc: Scenario) -> None:
    options = sc.results.distributions
    if options is None:
        return
    if options.audit is not None and not to_time_units(options.audit, sc.time_unit) > 0:
        raise ScenarioError("results.distributions.audit", f"must be > 0, got {options.audit}")
    known = [*sc.resources, *sc.results.occupancy]
    for name, beds in options.p_delay.items():
        where = f"results.distributions.p_delay.{name}"
        if name not in known:
            raise ScenarioError(where, _unknown("resource or occupancy step", name, known))
        if name in sc.resources and name in sc.results.occupancy:
            raise ScenarioError(where, "names both a resource and an occupancy step")
        for j, c in enumerate(beds):
            if c >= options.max_level:
                raise ScenarioError(
                    f"{where}[{j}]",
                    f"must be < max_level ({options.max_level}), whose share pools every "
                    f"level above it; got {c}",
                )
