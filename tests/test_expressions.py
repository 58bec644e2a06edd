"""The expression language: compiled in Python, evaluated in C++, same as Python's own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepath import ScenarioError, _core
from carepath.model.expressions import compile_expression

NAMES = ["age", "urgent", "visits"]


def engine_eval(text: str, values: list[float]) -> float:
    c = compile_expression(text, NAMES, "test")
    spec = _core.ExprSpec()
    spec.ops, spec.args, spec.consts, spec.text = c.ops, c.args, c.consts, text
    return _core.evaluate(spec, values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0 if urgent else 1", 0.0),
        ("age >= 75 and not urgent", 0.0),
        ("age >= 75 or urgent", 1.0),
        ("1 < age < 100", 1.0),
        ("-age + 2 * visits ** 2", -80.0 + 2 * 9),
        ("age % 7", 80 % 7),
        ("(age - 5) / 3", 25.0),
        ("True", 1.0),
        ("visits == 3 and age != 80", 0.0),
    ],
)
def test_examples(text, expected):
    assert engine_eval(text, [80.0, 1.0, 3.0]) == pytest.approx(expected)


ops = st.sampled_from(["+", "-", "*", "<", "<=", ">", ">=", "==", "!=", " and ", " or "])
leaves = st.one_of(st.sampled_from(NAMES), st.integers(-5, 5).map(str))


@st.composite
def expressions(draw, depth=3):
    if depth == 0 or draw(st.booleans()):
        return draw(leaves)
    kind = draw(st.sampled_from(["binary", "not", "neg", "ifelse"]))
    if kind == "binary":
        return f"({draw(expressions(depth - 1))}{draw(ops)}{draw(expressions(depth - 1))})"
    if kind == "not":
        return f"(not {draw(expressions(depth - 1))})"
    if kind == "neg":
        return f"(-{draw(expressions(depth - 1))})"
    then, cond, other = (draw(expressions(depth - 1)) for _ in range(3))
    return f"({then} if {cond} else {other})"


@given(expressions(), st.lists(st.integers(-3, 90), min_size=3, max_size=3))
def test_engine_agrees_with_python_on_random_expressions(text, values):
    # Python's own evaluation is the reference (in the test only).
    env = dict(zip(NAMES, values))
    expected = eval(text, {"__builtins__": {}}, env)
    assert engine_eval(text, [float(v) for v in values]) == float(expected)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("age +", "syntax error"),
        ("os.system('x')", "not allowed"),
        ("'text'", "only numbers"),
        ("agee > 3", "unknown attribute 'agee'"),
        ("[1, 2]", "not allowed"),
        ("f(x)", "not allowed"),
        ("x in y", "not allowed"),
        ("", "empty"),
        ("1 " + "+ 1 " * 5000, "longer than"),
    ],
)
def test_invalid_expressions(text, words):
    with pytest.raises(ScenarioError, match=words):
        compile_expression(text, NAMES, "pathway.x.priority")
