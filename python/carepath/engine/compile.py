"""Lowering a validated scenario to the engine's flat, numeric ModelSpec."""

from __future__ import annotations

from typing import Any

from .. import _core
from ..model import Resource, Scenario
from ..model.checks import class_values, expression_names, expression_texts, service_names
from ..model.clock import (
    HOURS_PER_WEEK,
    UNIT_HOURS,
    WEEKDAYS,
    label,
    time_of_day_hours,
    to_days,
    to_time_units,
)
from ..model.distributions import Empirical, Fixed
from ..model.expressions import CONST, compile_expression, occupancy_references
from ..model.options import percentile_label
from .compile_sources import cycle, source_spec, table_specs, weekly

# Scenario path (dotted, list items as numbers: "arrivals.0.rate") -> the
# engine slots its value fills, as (kind, index, sub).  See bind_slots.
SlotMap = dict[str, list[tuple[_core.SlotKind, int, int]]]

_PREEMPT = {
    "none": _core.Preempt.NONE,
    "resume": _core.Preempt.RESUME,
    "restart": _core.Preempt.RESTART,
}

_ON_FAILURE = {
    "resume": _core.OnFailure.RESUME,
    "restart": _core.OnFailure.RESTART,
    "finish": _core.OnFailure.FINISH,
}

_KINDS = {
    "exponential": _core.DistKind.EXPONENTIAL,
    "fixed": _core.DistKind.FIXED,
    "uniform": _core.DistKind.UNIFORM,
    "triangular": _core.DistKind.TRIANGULAR,
    "normal": _core.DistKind.NORMAL,
    "lognormal": _core.DistKind.LOGNORMAL,
    "gamma": _core.DistKind.GAMMA,
    "weibull": _core.DistKind.WEIBULL,
    "bernoulli": _core.DistKind.BERNOULLI,
    "poisson": _core.DistKind.POISSON,
}
# Which parameters fill the engine's (a, b, c) slots, per distribution.
_PARAMS = {
    "exponential": ("mean",),
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "gamma": ("mean", "sd"),
    "weibull": ("shape", "scale"),
    "bernoulli": ("p",),
    "poisson": ("mean",),
}


def dist_spec(dist: object) -> _core.DistSpec:
    """The engine's description of a validated distribution model."""
    spec = _core.DistSpec()
    name = dist.dist  # type: ignore[attr-defined]
    if getattr(dist, "bounded", False):
        spec.low, spec.high = dist.bounds()  # type: ignore[attr-defined]
    if isinstance(dist, Empirical):
        spec.kind = (
            _core.DistKind.EMPIRICAL_DISCRETE
            if dist.kind == "discrete"
            else _core.DistKind.EMPIRICAL_CONTINUOUS
        )
        spec.values = [float(v) for v in dist.values]
        spec.weights = dist.resolved_weights()
        return spec
    spec.kind = _KINDS[name]
    for slot, param in zip(("a", "b", "c"), _PARAMS[name]):
        setattr(spec, slot, float(getattr(dist, param)))
    return spec


def _thresholds(values: list[float | str], convert: Any) -> tuple[list[float], list[str]]:
    """``results.over`` thresholds in the metric's unit, and their labels."""
    return [convert(v) for v in values], [label(v) for v in values]


def _shift_spec(rs: _core.ResourceSpec, resource: Resource, sc: Scenario) -> None:
    """Capacity over the week as the level at t = 0 and the changes after it."""
    intervals = []  # (start, end) in hours of the week, end may pass 168
    for shift in resource.shifts or []:
        begin, end = time_of_day_hours(shift.start), time_of_day_hours(shift.end)
        if end <= begin:
            end += 24.0  # overnight
        for day in shift.days:
            d = WEEKDAYS.index(day) * 24.0
            intervals.append((d + begin, d + end, shift.capacity))

    def level(hour: float) -> int:
        return sum(c for a, b, c in intervals for h in (hour, hour + HOURS_PER_WEEK) if a <= h < b)

    points = sorted(
        {a % HOURS_PER_WEEK for a, _, _ in intervals}
        | {b % HOURS_PER_WEEK for _, b, _ in intervals}
    )
    changes = [(h, level(h)) for h in points]
    rs.capacity = level(sc.start.hour_of_week)
    rs.shift_changes = cycle([h for h, _ in changes], sc)
    start = sc.start.hour_of_week
    by_offset = sorted(changes, key=lambda hc: (hc[0] - start) % HOURS_PER_WEEK)
    rs.shift_capacity = [c for _, c in by_offset]


def series_count_names(sc: Scenario) -> list[str]:
    """The counts per series bin: those listed (``exits`` for every outcome),
    or arrivals and every outcome's exits."""
    assert sc.results.series is not None
    outcomes = list(
        dict.fromkeys(str(st.exit) for st in sc.pathway.values() if st.exit is not None)
    )
    asked = sc.results.series.counts
    out: list[str] = []
    for name in ["arrivals", "exits"] if asked is None else asked:
        out += [f"exits.{o}" for o in outcomes] if name == "exits" else [name]
    return list(dict.fromkeys(out))


def cost_categories(sc: Scenario) -> list[str]:
    """The scenario's cost categories: those of its cost steps, then the
    resources and books that have a cost, each once."""
    names = [st.category or "other" for st in sc.pathway.values() if st.cost is not None]
    names += [n for n, r in sc.resources.items() if r.cost_per_hour]
    names += [n for n, b in sc.books.items() if b.cost_per_slot]
    return list(dict.fromkeys(names))


def has_economics(sc: Scenario) -> bool:
    """Whether the run reports costs and QALYs."""
    return bool(cost_categories(sc)) or any(st.utility is not None for st in sc.pathway.values())


# carepath::Choice, in order
CHOICES = ("first_free", "shortest_queue", "round_robin", "random")


def compile_scenario(sc: Scenario, slots: SlotMap | None = None) -> _core.ModelSpec:
    """Lower ``sc`` (its baseline; pass ``sc.variant(name)`` for a variant).

    With ``slots``, also record which engine slot each numeric value of the
    scenario fills, by its dotted path: a value whose every use is recorded
    can be changed on the compiled model (`carepath.engine.batch`) and give the
    model compiling the changed scenario would.  Values whose change would
    alter the model's shape (a cost switched on or off, the classes of a
    ``by:`` attribute) are not recorded.
    """
    spec = _core.ModelSpec()
    spec.horizon = float(sc.horizon)
    spec.warmup = float(sc.warmup)
    spec.follow_up = float(sc.follow_up)
    spec.max_in_system = sc.limits.max_in_system
    spec.max_events = sc.limits.max_events or 0
    if sc.results.event_log is not None:
        spec.event_log_cap = sc.results.event_log.max_events
    if sc.results.series is not None:
        spec.series_bin = to_time_units(sc.results.series.bin, sc.time_unit)
    if sc.results.distributions is not None:
        spec.distribution_top = sc.results.distributions.max_level
        if sc.results.distributions.audit is not None:
            spec.audit_interval = to_time_units(sc.results.distributions.audit, sc.time_unit)
    spec.economics = has_economics(sc)
    spec.discount_costs = sc.economics.discount_rate
    rate = sc.economics.qaly_discount_rate
    spec.discount_qalys = sc.economics.discount_rate if rate is None else rate
    spec.cost_categories = cost_categories(sc)
    spec.hours_per_unit = UNIT_HOURS[sc.time_unit]
    spec.start_hour_of_week = sc.start.hour_of_week
    dists: list[_core.DistSpec] = []
    exprs: list[_core.ExprSpec] = []
    attribute_names = sc.attribute_names
    names = expression_names(sc)
    service = service_names(sc)
    # steps whose occupancy an expression reads are tracked as occupancy steps
    read_occupancy = {step for text in expression_texts(sc) for step in occupancy_references(text)}

    def record(path: str, kind: _core.SlotKind, index: int, sub: int = 0) -> None:
        if slots is not None:
            slots.setdefault(path, []).append((kind, index, sub))

    def add_dist(d: object, path: str | None = None) -> int:
        dists.append(dist_spec(d))
        index = len(dists) - 1
        # bounded: a new value must keep the bounds' mass, which the scenario
        # checks, so such a point compiles (and is validated) alone
        if path is not None and not isinstance(d, Empirical) and not getattr(d, "bounded", False):
            name = d.dist  # type: ignore[attr-defined]
            for sub, param in enumerate(_PARAMS[name]):
                record(f"{path}.{param}", _core.SlotKind.DIST_PARAM, index, sub)
            if name == "fixed":  # written as a plain number
                record(path, _core.SlotKind.DIST_PARAM, index, 0)
        return index

    def add_expr(text: str, where: str, path: str | None = None) -> int:
        compiled = compile_expression(text, names, where, service=service)
        e = _core.ExprSpec()
        e.ops, e.args, e.consts, e.text = compiled.ops, compiled.args, compiled.consts, text
        exprs.append(e)
        if path is not None and list(compiled.ops) == [CONST]:  # a plain number
            record(path, _core.SlotKind.EXPR_CONST, len(exprs) - 1, 0)
        return len(exprs) - 1

    categories = cost_categories(sc)
    attributes = []
    for name in attribute_names:
        a = _core.AttributeSpec()
        a.name = name
        if name in sc.attributes:
            # the values of a `by:` attribute make the classes: not a number to bind
            path = None if name in sc.results.by else f"attributes.{name}"
            a.distribution = add_dist(sc.attributes[name], path)
        else:  # only data files give it: 0 for patients of other sources
            a.distribution = add_dist(Fixed(dist="fixed", value=0.0))
        attributes.append(a)

    resource_index = {name: i for i, name in enumerate(sc.resources)}
    resources = []
    for r_index, (name, r) in enumerate(sc.resources.items()):
        rs = _core.ResourceSpec()
        rs.name = name
        if r.shifts is not None:
            _shift_spec(rs, r, sc)
        else:
            rs.capacity = int(r.capacity or 0)
            record(f"resources.{name}.capacity", _core.SlotKind.CAPACITY, r_index)
        rs.interrupt_at_shift_end = r.at_shift_end == "interrupt"
        rs.preempt = _PREEMPT[r.preempt]
        if r.breakdowns is not None:
            where = f"resources.{name}.breakdowns"
            rs.time_to_failure = add_dist(r.breakdowns.time_to_failure, f"{where}.time_to_failure")
            rs.repair = add_dist(r.breakdowns.repair, f"{where}.repair")
            rs.busy_clock = r.breakdowns.clock == "busy"
            rs.on_failure = _ON_FAILURE[r.breakdowns.on_failure]
        if r.cost_per_hour:
            rs.cost_per_hour, rs.cost_category = r.cost_per_hour, categories.index(name)
            record(f"resources.{name}.cost_per_hour", _core.SlotKind.COST_PER_HOUR, r_index)
        resources.append(rs)

    book_index = {name: i for i, name in enumerate(sc.books)}
    books: list[_core.BookSpec] = []
    for name, book in sc.books.items():
        bs = _core.BookSpec()
        bs.name = name
        types = []
        for type_name in book.type_names():
            ts = _core.SlotTypeSpec()
            ts.name = type_name
            ts.horizon_days = book.horizon_days(type_name)
            hours = [
                h
                for g in book.slots
                if g.type == type_name
                for h in weekly(g.days, g.times_of_day())
            ]
            ts.slots = cycle(hours, sc)
            types.append(ts)
        bs.types = types
        if book.cost_per_slot:
            bs.cost_per_slot, bs.cost_category = book.cost_per_slot, categories.index(name)
            record(f"books.{name}.cost_per_slot", _core.SlotKind.COST_PER_SLOT, len(books))
        books.append(bs)

    over = {key: list(values) for key, values in sc.results.over.items()}

    def in_time_units(value: float | str) -> float:
        return to_time_units(value, sc.time_unit)

    step_index = {name: i for i, name in enumerate(sc.pathway)}
    outcomes: list[str] = []
    steps: list[_core.StepSpec] = []
    for name, st in sc.pathway.items():
        s = _core.StepSpec()
        s.name = name
        s.hourly = name in sc.results.hourly
        s.occupancy = name in sc.results.occupancy or name in read_occupancy
        where = f"pathway.{name}"
        for key, target in (
            ("on_renege", st.on_renege),
            ("on_balk", st.on_balk),
            ("on_dna", st.on_dna),
            ("on_full", st.on_full),
        ):
            if target is not None:
                setattr(s, key, step_index[target])
        if st.patience is not None:
            s.patience = add_dist(st.patience, f"{where}.patience")
        if st.then is not None:
            s.next = step_index[st.then]
        if st.scale is not None:
            s.scale = add_expr(st.scale, f"{where}.scale", f"{where}.scale")
        if st.seize is not None or st.seize_all is not None:
            s.kind = _core.StepKind.SEIZE if st.seize is not None else _core.StepKind.SEIZE_ALL
            s.resource = resource_index[st.seizes[0]]
            if isinstance(st.seize, list):
                s.resources = [resource_index[r] for r in st.seize]
                s.choose = CHOICES.index(st.choose or "first_free")
                if st.as_ is not None:
                    s.as_attribute = attribute_names.index(st.as_)
            if st.seize_all is not None:
                s.resources = [resource_index[r] for r in st.seize_all]
                s.as_available = st.take == "as_available"
            if isinstance(st.units, dict):
                s.unit_counts = [st.units.get(r, 1) for r in st.seizes]
            elif st.units is not None:
                s.units = add_expr(str(st.units), f"{where}.units", f"{where}.units")
            if st.service is not None:
                s.duration = add_dist(st.service, f"{where}.service")
            if st.priority is not None:
                s.priority = add_expr(st.priority, f"{where}.priority", f"{where}.priority")
            s.longest_wait = st.order == "longest_wait"
            if st.waiting_since is not None:
                s.waiting_since = attribute_names.index(st.waiting_since)
            if st.max_queue is not None:
                s.max_queue = st.max_queue
                record(f"{where}.max_queue", _core.SlotKind.MAX_QUEUE, len(steps))
            s.over, s.over_labels = _thresholds(over.get(f"wait.{name}", []), in_time_units)
        elif st.batch is not None:
            s.kind = _core.StepKind.BATCH
            s.batch_size = st.batch.size
            if st.batch.timeout is not None:
                s.batch_timeout = to_time_units(st.batch.timeout, sc.time_unit)
        elif st.delay is not None:
            s.kind = _core.StepKind.DELAY
            s.duration = add_dist(st.delay, f"{where}.delay")
        elif st.wait_until is not None:
            s.kind = _core.StepKind.DELAY
            hours = [time_of_day_hours(t) for t in st.wait_until.at]
            s.until = cycle(weekly(st.wait_until.days, hours), sc)
        elif st.book is not None:
            s.kind = _core.StepKind.BOOK
            s.book = book_index[st.book]
            type_names = sc.books[st.book].type_names()
            allowed = st.types if st.types is not None else type_names
            s.slot_types = sum(1 << type_names.index(t) for t in allowed)
            if st.dna is not None:
                s.dna = add_expr(str(st.dna), f"{where}.dna", f"{where}.dna")
            if st.not_before is not None:
                s.not_before = add_dist(st.not_before, f"{where}.not_before")
            s.over, s.over_labels = _thresholds(over.get(f"appointment_wait.{name}", []), to_days)
        elif st.cost is not None:
            s.kind = _core.StepKind.COST
            s.duration = add_dist(st.cost, f"{where}.cost")
            s.cost_category = categories.index(st.category or "other")
        elif st.utility is not None:
            s.kind = _core.StepKind.UTILITY
            s.utility = add_expr(st.utility, f"{where}.utility", f"{where}.utility")
        elif st.release is not None or st.release_all is not None:
            s.kind = (
                _core.StepKind.RELEASE if st.release is not None else _core.StepKind.RELEASE_ALL
            )
            s.resource = resource_index[st.releases[0]]
            if not isinstance(st.release, str):
                s.resources = [resource_index[r] for r in st.releases]
        elif st.fork is not None:
            s.kind = _core.StepKind.FORK
            s.targets = [step_index[t] for t in st.fork]
        elif st.join is not None:
            s.kind = _core.StepKind.JOIN
            s.fork = step_index[st.join]
        elif st.set is not None:
            s.kind = _core.StepKind.SET
            globals_ = list(sc.globals)
            s.set_attributes = [
                attribute_names.index(a) if a in attribute_names else -1 - globals_.index(a)
                for a in st.set
            ]
            s.set_expressions = [
                add_expr(text, f"{where}.set.{a}", f"{where}.set.{a}") for a, text in st.set.items()
            ]
        elif st.goto is not None:
            s.kind = _core.StepKind.GOTO
            s.next = step_index[st.goto]
        elif st.branch is not None:
            s.targets = [step_index[arm.target] for arm in st.branch]
            if any(isinstance(arm.p, str) for arm in st.branch):
                s.kind = _core.StepKind.BRANCH_CHANCE
                s.weight_expressions = [
                    add_expr(str(arm.p), f"{where}.branch[{j}].p")
                    for j, arm in enumerate(st.branch)
                ]
            elif all(arm.p is not None for arm in st.branch):
                s.kind = _core.StepKind.BRANCH_CHANCE
                s.weights = [float(arm.p) for arm in st.branch]  # type: ignore[arg-type]
                for j in range(len(st.branch)):
                    record(f"{where}.branch.{j}.p", _core.SlotKind.BRANCH_WEIGHT, len(steps), j)
            else:
                s.kind = _core.StepKind.BRANCH_WHEN
                s.conditions = [
                    -1 if arm.when is None else add_expr(arm.when, f"{where}.branch[{j}].when")
                    for j, arm in enumerate(st.branch)
                ]
        else:
            s.kind = _core.StepKind.EXIT
            if st.exit not in outcomes:
                outcomes.append(str(st.exit))
            s.outcome = outcomes.index(str(st.exit))
        steps.append(s)

    classes = []
    for attr in sc.results.by:
        c = _core.ClassSpec()
        c.attribute = attribute_names.index(attr)
        c.values = class_values(sc, attr) or []
        classes.append(c)
    spec.system_time_over, spec.system_time_over_labels = _thresholds(
        over.get("system_time", []), in_time_units
    )
    spec.percentiles = [p / 100.0 for p in sc.results.percentiles]
    spec.percentile_labels = [percentile_label(p) for p in sc.results.percentiles]

    sources = [
        source_spec(a, sc, step_index, add_dist, record, i) for i, a in enumerate(sc.arrivals)
    ]
    spec.tables = table_specs(sc, sources)  # points each source at its table
    spec.sources = sources
    spec.observe_start = sc.results.observe == "start"
    spec.globals = list(sc.globals)
    spec.global_values = [float(v) for v in sc.globals.values()]
    if sc.results.series is not None:
        spec.series_counts = series_count_names(sc)
    record("economics.discount_rate", _core.SlotKind.DISCOUNT_COSTS, 0)
    qaly_rate = "economics.discount_rate" if rate is None else "economics.qaly_discount_rate"
    record(qaly_rate, _core.SlotKind.DISCOUNT_QALYS, 0)
    spec.distributions = dists  # last: the sources add theirs
    spec.expressions = exprs
    spec.attributes = attributes
    spec.resources = resources
    spec.books = books
    spec.steps = steps
    spec.outcomes = outcomes
    spec.classes = classes
    return spec
