"""Pathway steps: each has one action and (except branch and exit) a ``then``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .distributions import Distribution

ACTIONS = ("seize", "delay", "branch", "exit")


class BranchArm(BaseModel):
    """One arm of a branch: ``{p, to}``, ``{when, to}`` or a final ``{otherwise}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    p: Annotated[float, Field(ge=0, le=1)] | None = None
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


class Step(BaseModel):
    """A pathway step.

    Exactly one action: ``seize`` (a resource, with ``service`` and optional
    ``priority``), ``delay`` (a distribution), ``branch`` (a list of arms) or
    ``exit`` (an outcome label).  Seize and delay steps name the next step in
    ``then``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seize: str | None = None
    service: Distribution | None = None
    priority: str | None = None
    delay: Distribution | None = None
    branch: Annotated[list[BranchArm], Field(min_length=1)] | None = None
    exit: str | None = None
    then: str | None = None

    @field_validator("priority", mode="before")
    @classmethod
    def _number_is_expression(cls, v: Any) -> Any:
        if isinstance(v, bool):
            return v
        return str(v) if isinstance(v, int | float) else v

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, a) is not None)

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"a step needs exactly one action ({', '.join(ACTIONS)}), got {found}")
        action = given[0]
        if action != "seize":
            for key in ("service", "priority"):
                if getattr(self, key) is not None:
                    raise ValueError(f"'{key}' belongs to a seize step, not a {action} step")
        if action == "seize" and self.service is None:
            raise ValueError("a seize step needs 'service' (a distribution of service time)")
        if action in ("seize", "delay") and self.then is None:
            raise ValueError(f"a {action} step needs 'then' (the name of the next step)")
        if action in ("branch", "exit") and self.then is not None:
            raise ValueError(f"a {action} step takes no 'then'")
        if action == "branch":
            _check_arms(self.branch or [])
        return self


def _check_arms(arms: list[BranchArm]) -> None:
    if all(a.p is not None for a in arms):
        total = sum(a.p or 0.0 for a in arms)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"branch probabilities must sum to 1, got {total:g}")
        return
    if any(a.p is not None for a in arms):
        raise ValueError("a branch uses either probabilities (p) or conditions (when), not both")
    if arms[-1].otherwise is None:
        raise ValueError("a conditional branch must end with {otherwise: step}")
    if any(a.otherwise is not None for a in arms[:-1]):
        raise ValueError("only the last arm of a branch may be 'otherwise'")
