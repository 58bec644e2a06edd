"""Derived metrics: formulas over a replication's metrics (``results.derived``).

A derived metric such as ``appointments_per_day: (slots.same_day.used +
slots.routine.used) / 40`` is computed replication by replication, so it has
a confidence interval and a paired comparison like any engine metric.  The
formula language is the one of priorities and branch conditions, with metric
names (dotted) in place of attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..model import expressions as ex

_NUMPY = {
    ex.ast.Add: np.add,
    ex.ast.Sub: np.subtract,
    ex.ast.Mult: np.multiply,
    ex.ast.Div: np.divide,
    ex.ast.Mod: np.mod,
    ex.ast.Pow: np.power,
    ex.ast.Lt: np.less,
    ex.ast.LtE: np.less_equal,
    ex.ast.Gt: np.greater,
    ex.ast.GtE: np.greater_equal,
    ex.ast.Eq: np.equal,
    ex.ast.NotEq: np.not_equal,
}
_FN1 = {
    ex.FN1_CODES["abs"]: np.abs,
    ex.FN1_CODES["floor"]: np.floor,
    ex.FN1_CODES["ceil"]: np.ceil,
    ex.FN1_CODES["exp"]: np.exp,
    ex.FN1_CODES["log"]: np.log,
}
# Opcode -> ufunc for every binary operator and comparison of the engine.
_OPCODES = [*ex._BINARY.items(), *ex._COMPARE.items()]
_UFUNCS: dict[int, Any] = {code: _NUMPY[node] for node, code in _OPCODES}


def _evaluate(program: ex.CompiledExpression, columns: list[np.ndarray], n: int) -> np.ndarray:
    """Run a postfix program on whole columns of ``n`` rows (the engine runs
    it per patient)."""
    stack: list[np.ndarray] = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for op, arg in zip(program.ops, program.args):
            if op == ex.CONST:
                stack.append(np.full(n, program.consts[arg]))
            elif op == ex.ATTR:
                stack.append(columns[arg])
            elif op == ex.NEG:
                stack.append(-stack.pop())
            elif op == ex.NOT:
                stack.append((stack.pop() == 0).astype(float))
            elif op == ex.FN1:
                stack.append(_FN1[arg](stack.pop()))
            elif op == ex.FN2:
                b, a = stack.pop(), stack.pop()
                stack.append(np.fmin(a, b) if arg == ex.FN2_CODES["min"] else np.fmax(a, b))
            elif op == ex.SELECT:
                no, yes, cond = stack.pop(), stack.pop(), stack.pop()
                stack.append(np.where(cond != 0, yes, no))
            else:
                b, a = stack.pop(), stack.pop()
                if op in _UFUNCS:
                    stack.append(_UFUNCS[op](a, b).astype(float))
                elif op == ex.AND:  # Python's `a and b`: a if a is false, else b
                    stack.append(np.where(a == 0, a, b))
                else:
                    stack.append(np.where(a != 0, a, b))
    return stack[0]


def window_constants(window_days: float) -> dict[str, float]:
    """Names a formula may use for the observation window (warmup to horizon)."""
    return {"window.days": window_days, "window.weeks": window_days / 7}


def _compiled(
    formulas: dict[str, str], known: list[str]
) -> Iterator[tuple[str, ex.CompiledExpression]]:
    """Each formula compiled over ``known`` plus the derived names before it."""
    known = list(known)
    for name, formula in formulas.items():
        if name in known:
            raise ScenarioError(f"results.derived.{name}", "is already a metric's name")
        yield name, ex.compile_expression(formula, known, f"results.derived.{name}", dotted=True)
        known.append(name)


def _check_constants(metrics: list[str], constants: dict[str, Any]) -> None:
    for name in constants:
        if name in metrics:
            raise ScenarioError(f"results.constants.{name}", "is already a metric's name")


def add_derived_columns(
    metrics: dict[str, np.ndarray],
    formulas: dict[str, str],
    constants: dict[str, float | np.ndarray],
    n: int,
) -> dict[str, np.ndarray]:
    """Each derived metric as a column of ``n`` rows, in the order given.

    A formula may name the ``metrics`` (columns), derived metrics defined
    above it and ``constants`` (a number, or a column: a constant that
    differs from row to row, as in a sweep over it), such as ``window.days``
    from `window_constants`.

    Raises
    ------
    ScenarioError
        Naming ``results.derived.<name>`` if a formula names an unknown metric.
    """
    _check_constants(list(metrics), constants)
    # in the order of the names the formulas are compiled over
    columns = list(metrics.values())
    columns += [np.broadcast_to(np.asarray(v, float), (n,)) for v in constants.values()]
    derived = {}
    for name, program in _compiled(formulas, [*metrics, *constants]):
        values = np.broadcast_to(_evaluate(program, columns, n), (n,)).astype(float)
        columns.append(values)
        derived[name] = values
    return derived


def check_formulas(
    formulas: dict[str, str], metric_names: list[str], constants: dict[str, float] | None = None
) -> None:
    """Check every formula against the engine's metric names, without running."""
    _check_constants(metric_names, constants or {})
    for _ in _compiled(formulas, [*metric_names, *(constants or {})]):
        pass
