"""Probability distributions a scenario may name (``{dist: exponential, mean: 2}``)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

PositiveFinite = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def min_value(self) -> float:
        """The smallest value a draw can take."""
        return -math.inf

    def can_be_zero(self) -> bool:
        """Whether a draw is exactly zero with positive probability."""
        return False

    def support(self) -> list[float] | None:
        """The finite set of values a draw can take, or None if it is not finite."""
        return None


class Exponential(_Dist):
    dist: Literal["exponential"]
    mean: PositiveFinite

    def min_value(self) -> float:
        return 0.0


class Fixed(_Dist):
    dist: Literal["fixed"]
    value: Finite

    def min_value(self) -> float:
        return self.value

    def can_be_zero(self) -> bool:
        return self.value == 0

    def support(self) -> list[float] | None:
        return [self.value]


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low must be < high, got low={self.low}, high={self.high}")
        return self

    def min_value(self) -> float:
        return self.low


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: Finite
    mode: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                "need low <= mode <= high and low < high, got "
                f"low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self

    def min_value(self) -> float:
        return self.low


class Normal(_Dist):
    """Normal; as a duration, draws below zero count as zero."""

    dist: Literal["normal"]
    mean: Finite
    sd: PositiveFinite


class Lognormal(_Dist):
    """Lognormal with the given mean and sd of the variable itself (not of its log)."""

    dist: Literal["lognormal"]
    mean: PositiveFinite
    sd: PositiveFinite

    def min_value(self) -> float:
        return 0.0


class Gamma(_Dist):
    dist: Literal["gamma"]
    mean: PositiveFinite
    sd: PositiveFinite

    def min_value(self) -> float:
        return 0.0


class Weibull(_Dist):
    dist: Literal["weibull"]
    shape: PositiveFinite
    scale: PositiveFinite

    def min_value(self) -> float:
        return 0.0


class Bernoulli(_Dist):
    dist: Literal["bernoulli"]
    p: Annotated[float, Field(ge=0, le=1)]

    def min_value(self) -> float:
        return 0.0

    def can_be_zero(self) -> bool:
        return self.p < 1

    def support(self) -> list[float] | None:
        return [v for v, w in ((0.0, 1 - self.p), (1.0, self.p)) if w > 0]


class Empirical(_Dist):
    """Empirical distribution.

    ``kind: discrete`` (default): each of ``values`` with probability
    proportional to its weight.  ``kind: continuous``: ``values`` are the
    increasing edges of bins and ``weights`` (one per bin) their probabilities;
    a draw is uniform within its bin.
    """

    dist: Literal["empirical"]
    values: Annotated[list[Finite], Field(min_length=1)]
    weights: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    kind: Literal["discrete", "continuous"] = "discrete"

    @model_validator(mode="after")
    def _consistent(self) -> Empirical:
        n = len(self.values)
        if self.kind == "discrete":
            expected = n
        else:
            if n < 2:
                raise ValueError("a continuous empirical needs at least two bin edges in values")
            if any(b <= a for a, b in zip(self.values, self.values[1:])):
                raise ValueError(f"bin edges (values) must increase strictly, got {self.values}")
            expected = n - 1
        if self.weights is not None:
            if len(self.weights) != expected:
                raise ValueError(
                    f"weights needs {expected} entries for {n} values ({self.kind}), "
                    f"got {len(self.weights)}"
                )
            if not sum(self.weights) > 0:
                raise ValueError("weights must sum to a positive number")
        return self

    def resolved_weights(self) -> list[float]:
        n = len(self.values) if self.kind == "discrete" else len(self.values) - 1
        return list(self.weights) if self.weights is not None else [1.0] * n

    def min_value(self) -> float:
        if self.kind == "continuous":
            return self.values[0]
        return min(v for v, w in zip(self.values, self.resolved_weights()) if w > 0)

    def can_be_zero(self) -> bool:
        if self.kind == "continuous":
            return False
        return any(v == 0 and w > 0 for v, w in zip(self.values, self.resolved_weights()))

    def support(self) -> list[float] | None:
        if self.kind == "continuous":
            return None
        return sorted({v for v, w in zip(self.values, self.resolved_weights()) if w > 0})


Distribution = Annotated[
    Exponential
    | Fixed
    | Uniform
    | Triangular
    | Normal
    | Lognormal
    | Gamma
    | Weibull
    | Bernoulli
    | Empirical,
    Field(discriminator="dist"),
]

DIST_MODELS: dict[str, type[_Dist]] = {
    "exponential": Exponential,
    "fixed": Fixed,
    "uniform": Uniform,
    "triangular": Triangular,
    "normal": Normal,
    "lognormal": Lognormal,
    "gamma": Gamma,
    "weibull": Weibull,
    "bernoulli": Bernoulli,
    "empirical": Empirical,
}
DIST_NAMES = tuple(DIST_MODELS)


def _number_is_fixed(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


# A distribution, or a plain number meaning {dist: fixed, value: number}.
NumberOrDistribution = Annotated[
    Distribution, BeforeValidator(_number_is_fixed, json_schema_input_type=float | Distribution)
]
