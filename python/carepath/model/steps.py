"""Pathway steps: each has one action and (except branch and exit) a ``then``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .clock import WEEKDAYS, Duration, TimeOfDay, Weekdays
from .distributions import Distribution, NumberOrDistribution
from .types import MAX_CAPACITY, Count

ACTIONS = (
    "seize",
    "seize_all",
    "delay",
    "wait_until",
    "batch",
    "branch",
    "book",
    "set",
    "release",
    "release_all",
    "fork",
    "join",
    "goto",
    "cost",
    "utility",
    "exit",
)


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class WaitUntil(BaseModel):
    """The next of some times of day (``at``) on ``days``: "call back at 08:00"."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    at: Annotated[
        list[TimeOfDay],
        BeforeValidator(_one_or_many, json_schema_input_type=str | list[str]),
        Field(min_length=1),
    ]
    days: Weekdays = list(WEEKDAYS)


class BatchOptions(BaseModel):
    """A group session: patients wait until ``size`` are together (or the
    first has waited ``timeout``: the group goes with fewer), then the next
    step, a seize, serves the whole group on one server."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    size: Annotated[Count, Field(ge=1, le=100_000)]
    timeout: Duration | None = None


class BranchArm(BaseModel):
    """One arm of a branch: ``{p, to}``, ``{when, to}`` or a final ``{otherwise}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # a probability, or an expression for a weight (normalised across the
    # arms for each patient, when it reaches the branch)
    p: Annotated[float, Field(ge=0, le=1)] | Annotated[str, Field(min_length=1)] | None = None
    when: str | None = None
    to: str | None = None
    otherwise: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> BranchArm:
        if self.otherwise is not None:
            if self.p is not None or self.when is not None or self.to is not None:
                raise ValueError("an 'otherwise' arm takes no other key")
            return self
        if self.to is None:
            raise ValueError("an arm needs 'to' (the next step), or is {otherwise: step}")
        if (self.p is None) == (self.when is None):
            raise ValueError(
                "an arm needs exactly one of 'p' (a probability) or 'when' (a condition)"
            )
        return self

    @property
    def target(self) -> str:
        return self.otherwise if self.otherwise is not None else str(self.to)


# The keys each action takes besides itself; `then` is required where listed.
# what a queue for servers takes, one resource or several at once
_QUEUEING = (
    "units",
    "service",
    "scale",
    "priority",
    "order",
    "waiting_since",
    "patience",
    "on_renege",
)
_OPTIONS: dict[str, tuple[str, ...]] = {
    "seize": ("choose", "as_", *_QUEUEING, "max_queue", "on_balk", "then"),
    "seize_all": ("take", *_QUEUEING, "then"),
    "delay": ("scale", "patience", "on_renege", "then"),
    "wait_until": ("then",),
    "batch": ("then",),
    "branch": (),
    "exit": (),
    "release": ("then",),
    "release_all": ("then",),
    "fork": ("then",),
    "join": (),
    "set": ("then",),
    "goto": (),
    "cost": ("category", "then"),
    "utility": ("then",),
    "book": ("types", "not_before", "dna", "on_dna", "on_full", "patience", "on_renege", "then"),
}
_NEEDS_THEN = (
    "seize",
    "seize_all",
    "delay",
    "wait_until",
    "batch",
    "release",
    "release_all",
    "fork",
    "set",
    "book",
    "cost",
    "utility",
)
_PAIRS = (("patience", "on_renege"), ("max_queue", "on_balk"), ("dna", "on_dna"))


def _expression(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    return str(v) if isinstance(v, int | float) else v


class Step(BaseModel):
    """A pathway step: exactly one action, its options, and (mostly) a ``then``.

    Actions: ``seize`` a resource or one of several (with ``service``;
    without one the patient holds it until a ``release``), ``seize_all``
    several resources at once, ``delay``, ``wait_until`` the next of some
    times of day, ``branch``, ``book`` an appointment slot, ``set``
    attributes, ``release`` a held resource (or whichever of a list is
    held), ``release_all`` of several, ``fork`` into parallel parts that
    each end at a ``join``, ``goto`` another step, ``exit`` with an
    outcome.  ``units`` asks for several servers of a resource at once.
    See docs/scenario-format.md for each option.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, serialize_by_alias=True, validate_by_name=True
    )

    # one resource, or a choice of resources (see `choose`)
    seize: str | Annotated[list[str], Field(min_length=2)] | None = None
    choose: Literal["first_free", "shortest_queue", "round_robin", "random"] | None = None
    as_: str | None = Field(default=None, alias="as")
    seize_all: Annotated[list[str], Field(min_length=2, max_length=64)] | None = None
    take: Literal["together", "as_available"] | None = None
    # servers needed at once: a number or an expression; for seize_all also
    # a whole number per resource
    units: (
        Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
        | str
        | dict[str, Annotated[int, Field(ge=1, le=MAX_CAPACITY)]]
        | None
    ) = None
    service: Distribution | None = None
    priority: str | None = None
    order: Literal["fifo", "longest_wait"] | None = None
    waiting_since: str | None = None
    max_queue: Annotated[Count, Field(ge=0, le=MAX_CAPACITY)] | None = None
    on_balk: str | None = None
    delay: Distribution | None = None
    scale: str | None = None
    wait_until: WaitUntil | None = None
    batch: BatchOptions | None = None
    patience: Distribution | None = None
    on_renege: str | None = None
    branch: Annotated[list[BranchArm], Field(min_length=1)] | None = None
    release: str | Annotated[list[str], Field(min_length=2)] | None = None
    release_all: Annotated[list[str], Field(min_length=1)] | None = None
    # parallel tasks: a part of the patient goes down each listed step; each
    # part ends at a step `join: <this fork>`, and then the patient goes on
    fork: Annotated[list[str], Field(min_length=2, max_length=64)] | None = None
    join: str | None = None
    set: Annotated[dict[str, str], Field(min_length=1)] | None = None
    goto: str | None = None
    book: str | None = None
    types: Annotated[list[str], Field(min_length=1)] | None = None
    not_before: Distribution | None = None
    dna: Annotated[float, Field(ge=0, le=1)] | str | None = None
    on_dna: str | None = None
    on_full: str | None = None
    cost: NumberOrDistribution | None = None
    category: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = None
    utility: str | None = None
    exit: str | None = None
    then: str | None = None

    @field_validator(
        "priority", "scale", "utility", mode="before", json_schema_input_type=str | float | None
    )
    @classmethod
    def _number_is_expression(cls, v: Any) -> Any:
        return _expression(v)

    @field_validator("set", mode="before", json_schema_input_type=dict[str, str | float] | None)
    @classmethod
    def _numbers_are_expressions(cls, v: Any) -> Any:
        return {k: _expression(x) for k, x in v.items()} if isinstance(v, dict) else v

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, a) is not None)

    @property
    def holds(self) -> bool:
        """A seize without a service: the resources are kept until a release."""
        return (self.seize is not None or self.seize_all is not None) and self.service is None

    @property
    def seizes(self) -> list[str]:
        """The resources a seize step may take (one, its choice, or all of seize_all)."""
        if self.seize_all is not None:
            return list(self.seize_all)
        if self.seize is None:
            return []
        return [self.seize] if isinstance(self.seize, str) else list(self.seize)

    @property
    def releases(self) -> list[str]:
        """The resources a release or release_all step names."""
        if self.release_all is not None:
            return list(self.release_all)
        if self.release is None:
            return []
        return [self.release] if isinstance(self.release, str) else list(self.release)

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"a step needs exactly one action ({', '.join(ACTIONS)}), got {found}")
        action = given[0]
        allowed = _OPTIONS[action]
        for key in self.model_fields_set:
            if key != action and key not in allowed and getattr(self, key) is not None:
                shown = "as" if key == "as_" else key
                raise ValueError(f"'{shown}' does not belong to a {action} step")
        if action in _NEEDS_THEN and self.then is None:
            raise ValueError(f"a {action} step needs 'then' (the name of the next step)")
        for a, b in _PAIRS:
            if (getattr(self, a) is None) != (getattr(self, b) is None) and (a in allowed):
                missing = b if getattr(self, b) is None else a
                raise ValueError(f"'{a}' and '{b}' go together; add '{missing}'")
        if isinstance(self.seize, list):
            if len(set(self.seize)) != len(self.seize):
                raise ValueError("a seize list names each resource once")
        elif self.choose is not None or self.as_ is not None:
            raise ValueError("'choose' and 'as' go with a list of resources, seize: [a, b]")
        if self.seize_all is not None and len(set(self.seize_all)) != len(self.seize_all):
            raise ValueError("seize_all names each resource once")
        if isinstance(self.units, dict):
            if self.seize_all is None:
                raise ValueError("units per resource go with seize_all; give one number")
            for name in self.units:
                if name not in self.seize_all:
                    raise ValueError(f"units.{name}: not one of seize_all's resources")
        if self.fork is not None and len(set(self.fork)) != len(self.fork):
            raise ValueError("a fork names each part's first step once")
        if isinstance(self.release, list) and len(set(self.release)) != len(self.release):
            raise ValueError("a release list names each resource once")
        if action == "book" and self.on_full is None:
            raise ValueError(
                "a book step needs 'on_full' (where a patient goes when no slot is free "
                "within the booking horizon)"
            )
        if self.waiting_since is not None and self.order != "longest_wait":
            raise ValueError("'waiting_since' needs order: longest_wait")
        if action == "branch":
            _check_arms(self.branch or [])
        return self

    def next_steps(self) -> dict[str, str]:
        """Every step this one can lead to, keyed by the field that names it."""
        out = {
            k: getattr(self, k)
            for k in ("then", "goto", "on_renege", "on_balk", "on_dna", "on_full")
        }
        for j, arm in enumerate(self.branch or []):
            key = "otherwise" if arm.otherwise is not None else "to"
            out[f"branch[{j}].{key}"] = arm.target
        for j, part in enumerate(self.fork or []):
            out[f"fork[{j}]"] = part
        return {k: v for k, v in out.items() if v is not None}


def _check_arms(arms: list[BranchArm]) -> None:
    if all(a.p is not None for a in arms):
        if any(isinstance(a.p, str) for a in arms):
            return  # weights: normalised for each patient at run time
        total = sum(float(a.p or 0.0) for a in arms)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"branch probabilities must sum to 1, got {total:g}")
        return
    if any(a.p is not None for a in arms):
        raise ValueError("a branch uses either probabilities (p) or conditions (when), not both")
    if arms[-1].otherwise is None:
        raise ValueError("a conditional branch must end with {otherwise: step}")
    if any(a.otherwise is not None for a in arms[:-1]):
        raise ValueError("only the last arm of a branch may be 'otherwise'")
