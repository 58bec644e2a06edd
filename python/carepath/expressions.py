"""The safe expression language of priorities and branch conditions.

Expressions such as ``0 if urgent else 1`` or ``age >= 75 and not urgent``
are parsed here with Python's :mod:`ast` (never evaluated) and compiled to a
postfix program over attribute values, which the engine runs in C++.  Allowed:
numbers, ``True``/``False``, attribute names, ``+ - * / % **``, comparisons
(chained too), ``and``, ``or``, ``not`` and ``x if c else y``.  Comparisons
and ``not`` give 1 or 0; ``and``/``or`` give one of their operands, as in
Python, so an expression means what Python would compute.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field

from .errors import ScenarioError

# Opcodes: must match carepath::Op in cpp/include/carepath/expression.hpp.
CONST, ATTR, NEG, NOT = 0, 1, 2, 3
_BINARY = {ast.Add: 4, ast.Sub: 5, ast.Mult: 6, ast.Div: 7, ast.Mod: 8, ast.Pow: 9}
_COMPARE = {ast.Lt: 10, ast.LtE: 11, ast.Gt: 12, ast.GtE: 13, ast.Eq: 14, ast.NotEq: 15}
AND, OR, SELECT = 16, 17, 18
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
        pops = {CONST: 0, ATTR: 0, NEG: 1, NOT: 1, SELECT: 3}.get(op, 2)
        self._stack += 1 - pops
        self.depth = max(self.depth, self._stack)

    def const(self, value: float) -> None:
        self.consts.append(float(value))
        self.emit(CONST, len(self.consts) - 1)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` as one name, or None if ``node`` is not a chain of names."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def compile_expression(
    text: str, attributes: list[str], where: str, *, dotted: bool = False
) -> CompiledExpression:
    """Compile ``text`` over the named ``attributes``.

    With ``dotted``, names may contain dots (``slots.routine.used``), and any
    name may be quoted in backticks (```wait.see.mean[urgent=1]```): derived
    metrics name metrics this way.

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
            if name not in index:
                raise fail(unknown(name))
            out.emit(ATTR, index[name])
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

    try:
        visit(tree.body)
    except RecursionError:
        raise fail("too deeply nested") from None
    if out.depth > MAX_DEPTH:
        raise fail("too deeply nested")
    return out
