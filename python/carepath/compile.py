"""Lowering a validated scenario to the engine's flat, numeric ModelSpec."""

from __future__ import annotations

from . import _core
from .expressions import compile_expression
from .scenario import Scenario
from .scenario.distributions import Empirical

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
}


def dist_spec(dist: object) -> _core.DistSpec:
    """The engine's description of a validated distribution model."""
    spec = _core.DistSpec()
    name = dist.dist  # type: ignore[attr-defined]
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


def compile_scenario(sc: Scenario) -> _core.ModelSpec:
    """Lower ``sc`` (its baseline; pass ``sc.variant(name)`` for a variant)."""
    spec = _core.ModelSpec()
    spec.horizon = float(sc.horizon)
    spec.warmup = float(sc.warmup)
    dists: list[_core.DistSpec] = []
    exprs: list[_core.ExprSpec] = []
    attribute_names = list(sc.attributes)

    def add_dist(d: object) -> int:
        dists.append(dist_spec(d))
        return len(dists) - 1

    def add_expr(text: str, where: str) -> int:
        compiled = compile_expression(text, attribute_names, where)
        e = _core.ExprSpec()
        e.ops, e.args, e.consts, e.text = compiled.ops, compiled.args, compiled.consts, text
        exprs.append(e)
        return len(exprs) - 1

    attributes = []
    for name, d in sc.attributes.items():
        a = _core.AttributeSpec()
        a.name, a.distribution = name, add_dist(d)
        attributes.append(a)

    resource_index = {name: i for i, name in enumerate(sc.resources)}
    resources = []
    for name, r in sc.resources.items():
        rs = _core.ResourceSpec()
        rs.name, rs.capacity = name, r.capacity
        resources.append(rs)

    step_index = {name: i for i, name in enumerate(sc.pathway)}
    outcomes: list[str] = []
    steps = []
    for name, st in sc.pathway.items():
        s = _core.StepSpec()
        s.name = name
        where = f"pathway.{name}"
        if st.seize is not None:
            s.kind = _core.StepKind.SEIZE
            s.resource = resource_index[st.seize]
            s.duration = add_dist(st.service)
            if st.priority is not None:
                s.priority = add_expr(st.priority, f"{where}.priority")
            s.next = step_index[st.then]
        elif st.delay is not None:
            s.kind = _core.StepKind.DELAY
            s.duration = add_dist(st.delay)
            s.next = step_index[st.then]
        elif st.branch is not None:
            s.targets = [step_index[arm.target] for arm in st.branch]
            if all(arm.p is not None for arm in st.branch):
                s.kind = _core.StepKind.BRANCH_CHANCE
                s.weights = [float(arm.p) for arm in st.branch]  # type: ignore[arg-type]
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

    sources = []
    for arrival in sc.arrivals:
        src = _core.SourceSpec()
        src.name, src.rate, src.start = arrival.name, arrival.rate, step_index[arrival.start]
        sources.append(src)

    spec.distributions = dists
    spec.expressions = exprs
    spec.attributes = attributes
    spec.resources = resources
    spec.steps = steps
    spec.sources = sources
    spec.outcomes = outcomes
    return spec
