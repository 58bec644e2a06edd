"""The scenario: the pydantic models behind the YAML format (see docs/scenario-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, WithJsonSchema, model_validator

from ..errors import ScenarioError
from .arrivals import Arrival, AttributeDist, RowsFrom
from .books import Book
from .clock import (
    TimeUnit,
    to_time_units,
)
from .distributions import NumberOrDistribution
from .options import CalendarStart, Economics, Limits, ResultOptions
from .resources import Resource
from .steps import Step
from .targets import Target
from .types import Count, Name

# horizon, warmup and follow_up: a number of time units, or a duration that
# Scenario's own validator turns into one
_DURATION = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "description": "a duration such as '52 weeks' or '36 hours'"},
    ]
}


class Scenario(BaseModel):
    """A validated scenario: baseline plus named variants.

    Build one from YAML with `carepath.load` or directly in Python with
    the same keys.  ``variants`` maps a variant name to patches of the
    baseline by dotted path (``{"resources.clinician.capacity": 6}``); use
    `variant` to get a patched, validated scenario.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    description: str = ""
    source: dict[str, Any] = Field(default_factory=dict)
    time_unit: TimeUnit = "hours"
    start: CalendarStart = CalendarStart()
    horizon: Annotated[float, Field(gt=0, allow_inf_nan=False), WithJsonSchema(_DURATION)]
    warmup: Annotated[float, Field(ge=0, allow_inf_nan=False), WithJsonSchema(_DURATION)] = 0.0
    follow_up: Annotated[float, Field(ge=0, allow_inf_nan=False), WithJsonSchema(_DURATION)] = 0.0
    replications: Annotated[Count, Field(ge=1)] = 20
    seed: Annotated[Count, Field(ge=0, lt=2**64)] = 1
    attributes: dict[Name, AttributeDist] = Field(default_factory=dict)
    attributes_from: RowsFrom | None = None
    globals: dict[Name, Annotated[float, Field(allow_inf_nan=False)]] = Field(default_factory=dict)
    resources: dict[Name, Resource] = Field(default_factory=dict)
    books: dict[Name, Book] = Field(default_factory=dict)
    arrivals: Annotated[list[Arrival], Field(min_length=1)]
    pathway: Annotated[dict[Name, Step], Field(min_length=1)]
    results: ResultOptions = ResultOptions()
    limits: Limits = Limits()
    economics: Economics = Economics()
    psa: dict[str, NumberOrDistribution] = Field(default_factory=dict)
    targets: list[Target] = Field(default_factory=list)
    variants: dict[Name, dict[str, Any]] = Field(default_factory=dict)
    # The folder that relative data-file paths in patches (variants,
    # with_changes) start from: the scenario file's.
    _root: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _durations_to_time_units(cls, data: Any) -> Any:
        # "52 weeks" becomes a number of time units here, so that every later
        # check (warmup < horizon) and the engine see plain numbers.
        if not isinstance(data, dict):
            return data
        unit = data.get("time_unit", "hours")
        if unit not in ("minutes", "hours", "days"):
            return data  # the field's own validation reports it
        out = dict(data)
        for key in ("horizon", "warmup", "follow_up"):
            value = out.get(key)
            if isinstance(value, str):
                try:
                    out[key] = to_time_units(value, unit)
                except ValueError as err:
                    raise ScenarioError(key, str(err)) from None
        return out

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
        from .arrival_data import check_data
        from .checks import check_references  # the checks need the finished model

        check_references(self)
        check_data(self)
        return self

    @property
    def root(self) -> Path | None:
        """The folder relative data-file paths are read from (the scenario
        file's; None: the working directory)."""
        return self._root

    @property
    def attribute_names(self) -> list[str]:
        """Every attribute: those declared, then those only data files give
        (a source's ``attributes_from`` or file columns), in order."""
        names = list(self.attributes)
        tables = [self.attributes_from, *(a.attributes_from for a in self.arrivals)]
        for table in tables:
            if table is not None:
                names += [n for n in table.columns if n not in names]
        for arrival in self.arrivals:
            names += [n for n in arrival.file_columns() if n not in names]
        return names

    @property
    def variant_names(self) -> list[str]:
        """``baseline`` followed by the variants in file order."""
        return ["baseline", *self.variants]

    def variant(self, name: str) -> Scenario:
        """The scenario with variant ``name``'s patches applied (no variants, no targets)."""
        if name == "baseline":
            return self.model_copy(update={"variants": {}, "targets": []})  # keeps the root
        if name not in self.variants:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(self.variant_names)})"
            )
        from .patching import apply_patches
        from .validation import validate_data

        data = self.model_dump(mode="python", exclude={"variants", "targets"}, exclude_none=True)
        try:
            patched = apply_patches(data, self.variants[name])
            return validate_data(patched, Scenario, root=self._root)
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
        return validate_data(apply_patches(data, changes), Scenario, root=self._root)
