"""Probability distributions a scenario may name (``{dist: exponential, mean: 2}``)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .tables import FromTable

PositiveFinite = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]

# Bounds that keep less of a distribution's mass than this are refused: the
# engine redraws until a value falls within them.
MIN_MASS = 1e-6


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

    def bounds(self) -> tuple[float, float]:
        """The interval draws are kept within (``low``, ``high``; else the real line)."""
        return -math.inf, math.inf


class _Bounded(_Dist):
    """A distribution that ``low`` and/or ``high`` may truncate: a draw outside
    them is drawn again (as salabim's ``bounded_sample``), so the draws follow
    the distribution conditioned on ``[low, high]``."""

    low: Finite | None = None
    high: Finite | None = None

    def bounds(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    @property
    def bounded(self) -> bool:
        return self.low is not None or self.high is not None

    def mass_within(self, low: float, high: float) -> float:
        """The probability that an untruncated draw falls in ``[low, high]``."""
        frozen = self.frozen()
        return float(frozen.cdf(high) - frozen.cdf(low))

    def frozen(self) -> Any:
        """The untruncated distribution as a frozen scipy.stats distribution."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _bounds_keep_mass(self) -> _Bounded:
        if not self.bounded:
            return self
        low, high = self.bounds()
        if not low < high:
            raise ValueError(f"low must be < high, got low={low:g}, high={high:g}")
        mass = self.mass_within(low, high)
        if not mass >= MIN_MASS:
            raise ValueError(
                f"low={low:g} and high={high:g} keep a probability of {mass:.3g} of this "
                f"{self.dist}, below {MIN_MASS:g}: widen them"  # type: ignore[attr-defined]
            )
        return self

    def min_value(self) -> float:
        return max(self._untruncated_min(), self.bounds()[0])

    def _untruncated_min(self) -> float:
        return -math.inf

    def truncated_mean(self) -> float:
        """The mean of a draw within the bounds."""
        low, high = self.bounds()
        return _truncated_mean(self, low, high)


def _truncated_mean(dist: _Bounded, low: float, high: float) -> float:
    frozen = dist.frozen()
    return float(frozen.expect(lb=low, ub=high, conditional=True))


class Exponential(_Bounded):
    dist: Literal["exponential"]
    mean: PositiveFinite

    def _untruncated_min(self) -> float:
        return 0.0

    def frozen(self) -> Any:
        from scipy import stats

        return stats.expon(scale=self.mean)


class _Atoms(_Bounded):
    """A distribution of finitely many values: its mass and mean within the
    bounds are sums over them."""

    def atoms(self) -> list[tuple[float, float]]:
        """(value, probability) of each value a draw can take, untruncated."""
        raise NotImplementedError

    def _kept(self) -> list[tuple[float, float]]:
        low, high = self.bounds()
        return [(v, p) for v, p in self.atoms() if p > 0 and low <= v <= high]

    def mass_within(self, low: float, high: float) -> float:
        return sum(p for v, p in self.atoms() if low <= v <= high)

    def truncated_mean(self) -> float:
        kept = self._kept()
        return sum(v * p for v, p in kept) / sum(p for _, p in kept)

    def min_value(self) -> float:
        return min(v for v, _ in self._kept())

    def can_be_zero(self) -> bool:
        return any(v == 0 for v, _ in self._kept())

    def support(self) -> list[float] | None:
        return sorted({v for v, _ in self._kept()})


class Fixed(_Atoms):
    dist: Literal["fixed"]
    value: Finite

    def atoms(self) -> list[tuple[float, float]]:
        return [(self.value, 1.0)]


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


class Normal(_Bounded):
    """Normal; as a duration, draws below zero count as zero."""

    dist: Literal["normal"]
    mean: Finite
    sd: PositiveFinite

    def frozen(self) -> Any:
        from scipy import stats

        return stats.norm(self.mean, self.sd)


class Lognormal(_Bounded):
    """Lognormal with the given mean and sd of the variable itself (not of its log)."""

    dist: Literal["lognormal"]
    mean: PositiveFinite
    sd: PositiveFinite

    def _untruncated_min(self) -> float:
        return 0.0

    def frozen(self) -> Any:
        from scipy import stats

        s2 = math.log1p((self.sd / self.mean) ** 2)
        return stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(self.mean) - s2 / 2))


class Gamma(_Bounded):
    dist: Literal["gamma"]
    mean: PositiveFinite
    sd: PositiveFinite

    def _untruncated_min(self) -> float:
        return 0.0

    def frozen(self) -> Any:
        from scipy import stats

        shape = (self.mean / self.sd) ** 2
        return stats.gamma(shape, scale=self.mean / shape)


class Weibull(_Bounded):
    dist: Literal["weibull"]
    shape: PositiveFinite
    scale: PositiveFinite

    def _untruncated_min(self) -> float:
        return 0.0

    def frozen(self) -> Any:
        from scipy import stats

        return stats.weibull_min(self.shape, scale=self.scale)


class Bernoulli(_Atoms):
    dist: Literal["bernoulli"]
    p: Annotated[float, Field(ge=0, le=1)]

    def atoms(self) -> list[tuple[float, float]]:
        return [(0.0, 1 - self.p), (1.0, self.p)]


class Poisson(_Bounded):
    """A count: 0, 1, 2, ... with mean ``mean`` (Huang 2019's ``rpois`` gaps,
    a Poisson number of referrals at once with ``batch``)."""

    dist: Literal["poisson"]
    mean: Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]

    def _untruncated_min(self) -> float:
        return 0.0

    def frozen(self) -> Any:
        from scipy import stats

        return stats.poisson(self.mean)

    @staticmethod
    def _counts(low: float, high: float) -> tuple[float, float]:
        """The whole numbers in [low, high]: (first, last), last maybe inf."""
        first = 0.0 if low == -math.inf else max(0.0, float(math.ceil(low)))
        return first, high if high == math.inf else float(math.floor(high))

    def mass_within(self, low: float, high: float) -> float:
        first, last = self._counts(low, high)  # P(low <= X <= high) of a count
        frozen = self.frozen()
        return float(frozen.cdf(last) - frozen.cdf(first - 1))

    def truncated_mean(self) -> float:
        first, last = self._counts(*self.bounds())
        return float(self.frozen().expect(lb=first, ub=last, conditional=True))

    def min_value(self) -> float:
        return self._counts(*self.bounds())[0]

    def can_be_zero(self) -> bool:
        return self.min_value() == 0.0


class Empirical(_Atoms):
    """Empirical distribution.

    ``kind: discrete`` (default): each of ``values`` with probability
    proportional to its weight.  ``kind: continuous``: ``values`` are the
    increasing edges of bins and ``weights`` (one per bin) their probabilities;
    a draw is uniform within its bin.
    """

    dist: Literal["empirical"]
    values: Annotated[list[Finite], FromTable, Field(min_length=1)]
    weights: Annotated[
        list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None, FromTable
    ] = None
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

    def _consistent_shape(self) -> bool:
        n = len(self.values) - (self.kind == "continuous")
        return (
            n >= 1
            and (self.weights is None or len(self.weights) == n)
            and (sum(self.resolved_weights()) > 0)
        )

    def atoms(self) -> list[tuple[float, float]]:
        weights = self.resolved_weights()
        total = sum(weights)
        return [(v, w / total) for v, w in zip(self.values, weights)]

    def _bins(self, low: float, high: float) -> list[tuple[float, float, float]]:
        """Continuous: (from, to, probability) of each bin's part within [low, high]."""
        weights = self.resolved_weights()
        total = sum(weights)
        out = []
        for a, b, w in zip(self.values, self.values[1:], weights):
            lo, hi = max(a, low), min(b, high)
            if hi > lo:
                out.append((lo, hi, w / total * (hi - lo) / (b - a)))
        return out

    def mass_within(self, low: float, high: float) -> float:
        if not self._consistent_shape():
            return 1.0  # the shape's own check reports it
        if self.kind == "continuous":
            return sum(p for _, _, p in self._bins(low, high))
        return super().mass_within(low, high)

    def truncated_mean(self) -> float:
        if self.kind == "discrete":
            return super().truncated_mean()
        bins = self._bins(*self.bounds())
        return sum((a + b) / 2 * p for a, b, p in bins) / sum(p for _, _, p in bins)

    def min_value(self) -> float:
        if self.kind == "continuous":
            return self._bins(*self.bounds())[0][0]
        return super().min_value()

    def can_be_zero(self) -> bool:
        return self.kind == "discrete" and super().can_be_zero()

    def support(self) -> list[float] | None:
        return None if self.kind == "continuous" else super().support()


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
    | Poisson
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
    "poisson": Poisson,
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
