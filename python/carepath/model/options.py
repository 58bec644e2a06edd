"""The scenario's settings beside its pathway: the calendar start, economics,
what results to keep, and the limits that stop a runaway model."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .clock import (
    WEEKDAYS,
    Duration,
    TimeOfDay,
    time_of_day_hours,
)
from .types import Count, Name


class CalendarStart(BaseModel):
    """The weekday and time of day at simulated time 0."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: TimeOfDay = "00:00"

    @property
    def hour_of_week(self) -> float:
        return WEEKDAYS.index(self.day) * 24 + time_of_day_hours(self.time)


class Economics(BaseModel):
    """Discounting of costs and QALYs: a rate a year from the end of the
    warm-up (NICE's reference case: 3.5% for both)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    discount_rate: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.035
    qaly_discount_rate: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] | None = None


class SeriesOptions(BaseModel):
    """Time series of queue lengths, busy servers, patients in the system and
    at occupancy steps, in bins of ``bin`` (a number of time units or a
    duration such as ``"1 day"``) from the end of the warm-up; and counts of
    events in each bin: ``counts`` lists them (``arrivals``, ``exits`` or
    ``exits.<outcome>``, ``entered.<step>``, ``served.<step>``,
    ``reneged.<step>``, ``balked.<step>``; by default arrivals and exits)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    bin: Duration
    counts: list[str] | None = None


class EventLogOptions(BaseModel):
    """Keep every event of the observed patients (arrivals, queue joins,
    starts, completions, reneges, exits...), at most ``max_events`` a
    replication."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_events: Annotated[Count, Field(ge=1, le=10**9)] = 1_000_000


class DistributionOptions(BaseModel):
    """Occupancy distributions for bed planning: the share of the window
    every resource spends at each number of busy servers, and every
    ``results.occupancy`` step at each number of patients, for levels 0 to
    ``max_level`` (the last pooling every level above it); with ``audit``,
    also the level seen at audits that often from the warm-up's end.
    ``p_delay`` names resources or occupancy steps and the bed counts whose
    probability of delay becomes a metric, ``p_delay.<name>.<beds>``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_level: Annotated[Count, Field(ge=1, le=10000)] = 100
    audit: Duration | None = None
    p_delay: dict[str, Annotated[list[Annotated[Count, Field(ge=0)]], Field(min_length=1)]] = Field(
        default_factory=dict
    )


def percentile_label(p: float) -> str:
    """The metric suffix of percentile ``p``: 50 -> ``p50``, 99.9 -> ``p99_9``."""
    return "p" + f"{p:.3f}".rstrip("0").rstrip(".").replace(".", "_")


class ResultOptions(BaseModel):
    """Extra outputs: metrics by patient class, counts over thresholds, counts
    by clock hour at some steps, and derived metrics (formulas over metrics
    and named constants such as unit costs).  ``percentiles`` sets which
    percentiles every time metric reports (none: no histograms, less memory
    and time)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    percentiles: Annotated[
        list[Annotated[float, Field(gt=0, lt=100, allow_inf_nan=False)]], Field(max_length=8)
    ] = [50.0, 90.0, 95.0]
    by: list[str] = Field(default_factory=list)
    over: dict[str, Annotated[list[Duration], Field(min_length=1)]] = Field(default_factory=dict)
    hourly: list[str] = Field(default_factory=list)
    occupancy: list[str] = Field(default_factory=list)
    derived: dict[str, Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    constants: dict[Name, float] = Field(default_factory=dict)
    series: SeriesOptions | None = None
    observe: Literal["arrival", "start"] = "arrival"
    event_log: EventLogOptions | None = None
    distributions: DistributionOptions | None = None

    @field_validator("percentiles")
    @classmethod
    def _percentiles_increase(cls, values: list[float]) -> list[float]:
        for i, p in enumerate(values):
            if round(p, 3) != p:
                raise ValueError(f"{p} has more than 3 decimals")
            if i > 0 and p <= values[i - 1]:
                raise ValueError(f"must increase, got {p:g} after {values[i - 1]:g}")
        return values


class Limits(BaseModel):
    """Bounds that stop a runaway model before it takes the machine: at most
    ``max_in_system`` patients in the system at once in a replication (about
    400 bytes each, with their events and queue places: the default bounds a
    replication to under 1 GB, times the threads running at once), and, if
    given, at most ``max_events`` events a replication (a bound on time)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_in_system: Annotated[Count, Field(ge=1, le=10**9)] = 2_000_000
    max_events: Annotated[Count, Field(ge=1, lt=2**63)] | None = None
