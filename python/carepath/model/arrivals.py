"""Where patients come from: rates, profiles, timetables, cohorts, backlogs
and renewal processes (gaps of any distribution)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import (
    WEEKDAYS,
    Duration,
    TimeOfDay,
    Weekdays,
)
from .distributions import Distribution, NumberOrDistribution
from .types import MAX_CAPACITY, Count, Name, NonNegative


class Profile(BaseModel):
    """A rate per time unit for each hour of the day, times a multiplier per
    weekday, times (optionally) a multiplier per week since t = 0 (``season``,
    repeating when the run is longer: 52 values make a yearly cycle)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hourly: Annotated[list[NonNegative], Field(min_length=24, max_length=24)]
    weekday: Annotated[list[NonNegative], Field(min_length=7, max_length=7)] = [1.0] * 7
    season: Annotated[list[NonNegative], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _some_demand(self) -> Profile:
        season = self.season or [1.0]
        if not (max(self.hourly) > 0 and max(self.weekday) > 0 and max(season) > 0):
            raise ValueError("the profile has no hour with a rate > 0")
        return self


class Timetable(BaseModel):
    """Fixed arrival times: ``times`` since the start, or ``daily`` times of day on ``days``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    times: Annotated[list[Duration], Field(min_length=1)] | None = None
    daily: Annotated[list[TimeOfDay], Field(min_length=1)] | None = None
    days: Weekdays = list(WEEKDAYS)

    @model_validator(mode="after")
    def _one_form(self) -> Timetable:
        if (self.times is None) == (self.daily is None):
            raise ValueError("give either 'times' (since the start) or 'daily' (times of day)")
        return self


class Backlog(BaseModel):
    """A waiting list present at the start: ``size`` patients who have waited ``waited``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    size: Annotated[Count, Field(ge=0, le=MAX_CAPACITY)]
    waited: Distribution


AttributeDist = NumberOrDistribution
ARRIVAL_KINDS = ("rate", "profile", "schedule", "cohort", "backlog", "interarrival")


class Arrival(BaseModel):
    """A source of patients entering the pathway at ``start``.

    Exactly one of: ``rate`` (Poisson), ``profile`` (Poisson with a rate by
    hour and weekday), ``schedule`` (fixed times), ``cohort`` (a number of
    patients at time 0), ``backlog`` (a waiting list at time 0) or
    ``interarrival`` (gaps drawn independently from any distribution, a
    renewal process: the first arrival one gap after t = 0, or at
    ``start_at``; at most ``max_arrivals``).
    ``attributes`` override the scenario's attribute distributions for
    patients of this source.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Name
    start: str
    rate: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    profile: Profile | None = None
    schedule: Timetable | None = None
    cohort: Annotated[Count, Field(ge=0, le=MAX_CAPACITY)] | None = None
    backlog: Backlog | None = None
    interarrival: NumberOrDistribution | None = None
    start_at: Duration | None = None
    max_arrivals: Annotated[Count, Field(ge=0)] | None = None
    attributes: dict[Name, AttributeDist] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Arrival:
        given = [k for k in ARRIVAL_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"an arrival needs exactly one of {', '.join(ARRIVAL_KINDS)}, got {found}"
            )
        if self.interarrival is None:
            for key in ("start_at", "max_arrivals"):
                if getattr(self, key) is not None:
                    raise ValueError(f"{key} goes with interarrival (a renewal source)")
            return self
        if isinstance(self.start_at, float) and not self.start_at >= 0:
            raise ValueError(f"start_at must be >= 0, got {self.start_at:g}")
        gap = self.interarrival
        if gap.min_value() < 0 and gap.dist != "normal":
            raise ValueError(
                f"interarrival: a gap cannot be negative, but this {gap.dist} reaches "
                f"{gap.min_value():g}"
            )
        if gap.support() == [0.0] and self.max_arrivals is None:
            raise ValueError(
                "interarrival: every gap is 0, so arrivals never stop: give max_arrivals"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ARRIVAL_KINDS if getattr(self, k) is not None)
