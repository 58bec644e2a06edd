"""The safe expression language of priorities and branch conditions.

Expressions such as ``0 if urgent else 1`` or ``age >= 75 and not urgent``
are parsed here with Python's `ast` (never evaluated) and compiled to a
postfix program over attribute values, which the engine runs in C++.  Allowed:
numbers, ``True``/``False``, attribute names, ``+ - * / % **``, comparisons
(chained too), ``and``, ``or``, ``not``, ``x if c else y`` and the functions
``min``, ``max``, ``abs``, ``floor``, ``ceil``, ``exp``, ``log``.  Comparisons
and ``not`` give 1 or 0; ``and``/``or`` give one of their operands, as in
Python, so an expression means what Python would compute.

In a pathway (not in derived metrics) expressions also read the service:
``queue("r")``, ``busy("r")``, ``capacity("r")``, ``free("r")``,
``in_system()``, ``occupancy("step")``, and ``hour``, ``weekday``, ``day``.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field

from ..errors import ScenarioError

# Opcodes: must match carepath::Op in cpp/include/carepath/expression.hpp.
CONST, ATTR, NEG, NOT = 0, 1, 2, 3
_BINARY = {ast.Add: 4, ast.Sub: 5, ast.Mult: 6, ast.Div: 7, ast.Mod: 8, ast.Pow: 9}
_COMPARE = {ast.Lt: 10, ast.LtE: 11, ast.Gt: 12, ast.GtE: 13, ast.Eq: 14, ast.NotEq: 15}
AND, OR, SELECT = 16, 17, 18
STATE, FN1, FN2 = 19, 20, 21
# carepath::StateKind: functions of a resource, of a step, of nothing; and names
RESOURCE_STATE = {"queue": 0, "busy": 1, "capacity": 2, "free": 3}
STEP_STATE = {"occupancy": 5}
CALL_STATE = {"in_system": 4}
NAME_STATE = {"hour": 6, "weekday": 7, "day": 8}
GLOBAL_STATE = 9  # a global variable of the service, by index
FN1_CODES = {"abs": 0, "floor": 1, "ceil": 2, "exp": 3, "log": 4}
FN2_CODES = {"min": 0, "max": 1}
MAX_DEPTH = 64
MAX_LENGTH = 2000


@dataclass
class CompiledExpression:
    """A postfix program: ``ops[i]`` with operand ``args[i]``."""

    text: str
    ops: list[int] = field(default_factory=list)
    args: list[int] = field(default_factory=list)
    consts: list[float] = field(default_factory=list)
    depth: int = 0
    _stack: int = 0

    def emit(self, op: int, arg: int = 0) -> None:
        self.ops.append(op)
        self.args.append(arg)
        pops = {CONST: 0, ATTR: 0, STATE: 0, NEG: 1, NOT: 1, FN1: 1, SELECT: 3}.get(op, 2)
        self._stack += 1 - pops
        self.depth = max(self.depth, self._stack)

    def const(self, value: float) -> None:
        self.consts.append(float(value))
        self.emit(CONST, len(self.consts) - 1)


@dataclass(frozen=True)
class ServiceNames:
    """What expressions in a pathway may read of the service: the resources,
    and the steps that ``occupancy`` may name (the others are listed so that
    the error can say why)."""

    resources: list[str]
    occupancy_steps: list[str]
    steps: list[str] = field(default_factory=list)
    globals: list[str] = field(default_factory=list)


def state_arg(kind: int, index: int) -> int:
    return kind << 16 | index


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` as one name, or None if ``node`` is not a chain of names."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def compile_expression(
    text: str,
    attributes: list[str],
    where: str,
    *,
    dotted: bool = False,
    service: ServiceNames | None = None,
) -> CompiledExpression:
    """Compile ``text`` over the named ``attributes``.

    With ``dotted``, names may contain dots (``slots.routine.used``), and any
    name may be quoted in backticks (```wait.see.mean[urgent=1]```): derived
    metrics name metrics this way.  With ``service``, the expression may read
    the state of the service (a pathway's expressions).

    Raises
    ------
    ScenarioError
        Naming ``where`` if the text is not a valid expression or names an
        unknown attribute.
    """

    def fail(problem: str) -> ScenarioError:
        return ScenarioError(where, f"invalid expression '{text}': {problem}")

    if not isinstance(text, str) or not text.strip():
        raise fail("empty")
    if len(text) > MAX_LENGTH:
        raise fail(f"longer than {MAX_LENGTH} characters")
    body = text.strip()
    aliases: dict[str, str] = {}
    if dotted:  # `wait.see.mean[urgent=1]`: any metric name, quoted
        quoted = re.findall(r"`([^`]+)`", body)
        for i, name in enumerate(quoted):
            body = body.replace(f"`{name}`", f"__quoted_{i}", 1)
        aliases = {f"__quoted_{i}": name for i, name in enumerate(quoted)}
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as err:
        raise fail(f"syntax error ({err.msg})") from None
    out = CompiledExpression(text=text)
    index = {name: i for i, name in enumerate(attributes)}

    def unknown(name: str) -> str:
        if dotted:
            hint = difflib.get_close_matches(name, attributes, n=1)
            return f"unknown metric '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
        known = ", ".join(attributes) or "none declared"
        return f"unknown attribute '{name}' (attributes: {known})"

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float):
                out.const(float(node.value))
                return
            raise fail(f"only numbers and True/False are allowed, got {node.value!r}")
        name = _dotted(node) if dotted else node.id if isinstance(node, ast.Name) else None
        if name in aliases:
            name = aliases[name]
        if name is not None:
            if name in index:
                out.emit(ATTR, index[name])
            elif service is not None and name in NAME_STATE:
                out.emit(STATE, state_arg(NAME_STATE[name], 0))
            elif service is not None and name in service.globals:
                out.emit(STATE, state_arg(GLOBAL_STATE, service.globals.index(name)))
            else:
                raise fail(unknown(name))
            return
        if isinstance(node, ast.Call):
            call(node)
            return
        if isinstance(node, ast.UnaryOp):
            visit(node.operand)
            if isinstance(node.op, ast.USub):
                out.emit(NEG)
            elif isinstance(node.op, ast.Not):
                out.emit(NOT)
            elif not isinstance(node.op, ast.UAdd):
                raise fail(f"operator {type(node.op).__name__} is not allowed")
            return
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                raise fail(f"operator {type(node.op).__name__} is not allowed")
            visit(node.left)
            visit(node.right)
            out.emit(op)
            return
        if isinstance(node, ast.BoolOp):
            op = AND if isinstance(node.op, ast.And) else OR
            visit(node.values[0])
            for value in node.values[1:]:
                visit(value)
                out.emit(op)
            return
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for i, cmp in enumerate(node.ops):
                code = _COMPARE.get(type(cmp))
                if code is None:
                    raise fail(f"comparison {type(cmp).__name__} is not allowed")
                visit(operands[i])
                visit(operands[i + 1])
                out.emit(code)
                if i > 0:
                    out.emit(AND)
            return
        if isinstance(node, ast.IfExp):
            visit(node.test)
            visit(node.body)
            visit(node.orelse)
            out.emit(SELECT)
            return
        raise fail(f"{type(node).__name__} is not allowed")

    def call(node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise fail("this call is not allowed: only the listed functions, by name")
        func = node.func.id
        if node.keywords:
            raise fail("functions take no keyword arguments")
        args = node.args
        if func in FN1_CODES:
            if len(args) != 1:
                raise fail(f"{func}() takes one argument")
            visit(args[0])
            out.emit(FN1, FN1_CODES[func])
            return
        if func in FN2_CODES:
            if len(args) < 2:
                raise fail(f"{func}() takes two or more arguments")
            visit(args[0])
            for arg in args[1:]:
                visit(arg)
                out.emit(FN2, FN2_CODES[func])
            return
        known = [*FN1_CODES, *FN2_CODES]
        if service is not None:
            known += [*RESOURCE_STATE, *STEP_STATE, *CALL_STATE]
            if func in CALL_STATE:
                if args:
                    raise fail(f"{func}() takes no argument")
                out.emit(STATE, state_arg(CALL_STATE[func], 0))
                return
            if func in RESOURCE_STATE or func in STEP_STATE:
                if len(args) != 1 or not isinstance(args[0], ast.Constant):
                    raise fail(f'{func}() takes one name in quotes, e.g. {func}("name")')
                target = str(args[0].value)
                if func in RESOURCE_STATE:
                    names, kind, what = service.resources, RESOURCE_STATE[func], "resource"
                else:
                    names, kind, what = service.occupancy_steps, STEP_STATE[func], "step"
                    if target in service.steps and target not in names:
                        raise fail(
                            f"occupancy('{target}'): only seize, delay, wait_until and book "
                            "steps hold patients"
                        )
                if target not in names:
                    hint = difflib.get_close_matches(str(target), names, n=1)
                    tip = f"; did you mean '{hint[0]}'?" if hint else ""
                    raise fail(f"{func}(): unknown {what} '{target}'{tip}")
                index_of = service.steps if func in STEP_STATE else names
                out.emit(STATE, state_arg(kind, index_of.index(target)))
                return
        hint = difflib.get_close_matches(str(func), known, n=1)
        tip = f"; did you mean '{hint[0]}'?" if hint else ""
        raise fail(f"unknown function '{func}'{tip}, not allowed (functions: {', '.join(known)})")

    try:
        visit(tree.body)
    except RecursionError:
        raise fail("too deeply nested") from None
    if out.depth > MAX_DEPTH:
        raise fail("too deeply nested")
    return out


def occupancy_references(text: str) -> list[str]:
    """The steps ``occupancy("step")`` names in an expression (for tracking)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return []
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in STEP_STATE
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
