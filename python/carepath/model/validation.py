"""Turning pydantic's errors into one message that names the field and the value."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ScenarioError
from .distributions import DIST_NAMES

_M = TypeVar("_M", bound=BaseModel)
_UNION_MEMBER = re.compile(r"^(constrained-\w+|str|float|int|function-[a-z]+\[.*\])$")


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        # pydantic puts the tag of a discriminated union in the path
        # (service.exponential.mean); the user wrote service.mean.
        if part in DIST_NAMES and i > 0 and loc[i - 1] != "attributes":
            continue
        # ...and the member of a plain union (dna: 0.1 | "expression").
        if _UNION_MEMBER.match(str(part)):
            continue
        out += f".{part}" if out else str(part)
    return out


def _known_keys(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """Field names of the model at ``loc`` (for 'did you mean')."""
    from .arrivals import Arrival, Backlog, Profile, Timetable
    from .books import Book, SlotGroup, SlotType
    from .distributions import DIST_MODELS
    from .options import CalendarStart, ResultOptions
    from .resources import Resource, Shift
    from .steps import BranchArm, Step, WaitUntil
    from .targets import Target

    parent = loc[:-1]
    if not parent:
        return list(root.model_fields)
    head, depth = parent[0], len(parent)
    by_shape: dict[tuple[Any, ...], type[BaseModel]] = {
        ("resources", 2): Resource,
        ("resources", 4): Shift,
        ("arrivals", 2): Arrival,
        ("books", 2): Book,
        ("books", 4): SlotGroup if depth > 2 and parent[2] == "slots" else SlotType,
        ("pathway", 2): Step,
        ("pathway", 4): BranchArm,
        ("start", 1): CalendarStart,
        ("results", 1): ResultOptions,
        ("targets", 2): Target,
    }
    if head == "pathway" and depth == 3 and parent[2] == "wait_until":
        return list(WaitUntil.model_fields)
    if head == "arrivals" and depth == 3:
        kinds: dict[str, type[BaseModel]] = {
            "profile": Profile,
            "schedule": Timetable,
            "backlog": Backlog,
        }
        if parent[2] in kinds:
            return list(kinds[parent[2]].model_fields)
    model = by_shape.get((head, depth))
    if model is not None:
        return list(model.model_fields)
    tag = parent[-1]
    return list(DIST_MODELS[tag].model_fields) if tag in DIST_MODELS else []


def _message(err: ErrorDetails, root: type[BaseModel]) -> ScenarioError:
    loc = tuple(err["loc"])
    path = _path(loc)
    kind = err["type"]
    ctx = err.get("ctx", {})
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = difflib.get_close_matches(key, _known_keys(loc, root), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return ScenarioError(path, f"unknown key '{key}'{suggestion}")
    if kind == "missing":
        return ScenarioError(path, "is required but missing")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        where = path + ".dist" if path else "dist"
        got = ctx.get("tag", "nothing")
        hint = difflib.get_close_matches(str(got), DIST_NAMES, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return ScenarioError(
            where, f"must be one of {', '.join(DIST_NAMES)}, got '{got}'{suggestion}"
        )
    bounds = {
        "greater_than": ("> ", "gt"),
        "greater_than_equal": (">= ", "ge"),
        "less_than": ("< ", "lt"),
        "less_than_equal": ("<= ", "le"),
    }
    if kind in bounds:
        op, key = bounds[kind]
        bound = ctx[key]
        shown = f"{bound:g}" if isinstance(bound, float) else bound
        return ScenarioError(path, f"must be {op}{shown}, got {value!r}")
    if kind == "value_error":
        return ScenarioError(path, str(ctx.get("error", err["msg"])))
    if kind == "string_pattern_mismatch":
        return ScenarioError(
            path,
            f"{value!r} is not a valid name (letters, digits, _ and -, not starting with a digit)",
        )
    message = err["msg"][:1].lower() + err["msg"][1:]
    return ScenarioError(path, f"{message}, got {value!r}")


def validate_data(data: Any, model: type[_M], root: Path | None = None) -> _M:
    """Validate a mapping into ``model`` (a [`Scenario`][carepath.model.scenario.Scenario]).

    Relative data-file paths are read from ``root`` (the scenario file's
    folder; None: the working directory), which the scenario keeps.

    Raises
    ------
    ScenarioError
        For the first problem, naming the field path and the bad value.
    """
    if not isinstance(data, dict):
        raise ScenarioError("", f"a scenario must be a mapping of keys, got {type(data).__name__}")
    try:
        out = model.model_validate(data, context={"root": root})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A typo gives both "unknown key" and "missing": the typo is the news.
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        raise _message(errors[0], model) from None
    if root is not None and "_root" in (model.__private_attributes__ or {}):
        out._root = root  # type: ignore[attr-defined]
    return out
