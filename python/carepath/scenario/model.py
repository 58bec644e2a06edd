"""The scenario: the pydantic models behind the YAML format (see docs/scenario-format.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import ScenarioError
from .distributions import Distribution
from .steps import Step

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")]


def _no_bool(value: Any) -> Any:
    # YAML's `yes` is a bool, and pydantic would read it as 1
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, got {value!r}")
    return value


# Counts the engine holds in 32 bits (capacities) or 64 bits (seeds).
Count = Annotated[int, BeforeValidator(_no_bool)]
MAX_CAPACITY = 10**9


class Resource(BaseModel):
    """Servers (clinicians, beds, rooms) with a fixed capacity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    capacity: Annotated[Count, Field(ge=1, le=MAX_CAPACITY)]


class Arrival(BaseModel):
    """A Poisson source of patients entering the pathway at ``start``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Name
    rate: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    start: str


class Scenario(BaseModel):
    """A validated scenario: baseline plus named variants.

    Build one from YAML with :func:`carepath.load` or directly in Python with
    the same keys.  ``variants`` maps a variant name to patches of the
    baseline by dotted path (``{"resources.clinician.capacity": 6}``); use
    :meth:`variant` to get a patched, validated scenario.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    description: str = ""
    source: dict[str, Any] = Field(default_factory=dict)
    time_unit: Literal["minutes", "hours", "days"] = "hours"
    horizon: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    warmup: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    replications: Annotated[Count, Field(ge=1)] = 20
    seed: Annotated[Count, Field(ge=0, lt=2**64)] = 1
    attributes: dict[Name, Distribution] = Field(default_factory=dict)
    resources: dict[Name, Resource] = Field(default_factory=dict)
    arrivals: Annotated[list[Arrival], Field(min_length=1)]
    pathway: Annotated[dict[Name, Step], Field(min_length=1)]
    variants: dict[Name, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup >= self.horizon:
            raise ScenarioError(
                "warmup", f"must be < horizon ({self.horizon:g}), got {self.warmup:g}"
            )
        if "baseline" in self.variants:
            raise ScenarioError(
                "variants.baseline", "'baseline' is reserved for the unpatched scenario"
            )
        from .checks import check_references  # the checks need the finished model

        check_references(self)
        return self

    @property
    def variant_names(self) -> list[str]:
        """``baseline`` followed by the variants in file order."""
        return ["baseline", *self.variants]

    def variant(self, name: str) -> Scenario:
        """The scenario with variant ``name``'s patches applied (and no variants)."""
        if name == "baseline":
            return self.model_copy(update={"variants": {}})
        if name not in self.variants:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(self.variant_names)})"
            )
        from .patching import apply_patches
        from .validation import validate_data

        data = self.model_dump(mode="python", exclude={"variants"}, exclude_none=True)
        try:
            patched = apply_patches(data, self.variants[name])
            return validate_data(patched)
        except ScenarioError as err:
            raise err.within(f"variants.{name}") from None

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with ``changes`` (dotted path -> value) applied.

        Paths address the baseline (``resources.gp.capacity``), so every
        variant, which patches the baseline, inherits the change.
        """
        from .patching import apply_patches
        from .validation import validate_data

        data = self.model_dump(mode="python", exclude_none=True)
        return validate_data(apply_patches(data, changes))
