"""A resource of the scenario: servers, their shifts, costs and queue rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import (
    WEEKDAYS,
    TimeOfDay,
    Weekdays,
)
from .distributions import NumberOrDistribution
from .types import MAX_CAPACITY, Count


class Shift(BaseModel):
    """Servers on duty from ``start`` to ``end`` on ``days`` (overnight if end <= start)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    days: Weekdays = list(WEEKDAYS)
    start: TimeOfDay
    end: TimeOfDay
    capacity: Annotated[Count, Field(ge=0, le=MAX_CAPACITY)]


class Breakdowns(BaseModel):
    """Each server fails after ``time_to_failure`` and is repaired in
    ``repair``: a scanner that breaks, or a nurse's break.  ``clock: busy``
    spends the time to failure only while the server serves (wear);
    ``calendar`` (default) counts it from the end of the last repair (a
    break every 120 minutes after the last one ended).  A patient in service
    when its server fails keeps it and finishes the rest after the repair
    (``resume``, default), starts again after it (``restart``), or is
    finished first (``finish``: the server goes down when it is done)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    time_to_failure: NumberOrDistribution
    repair: NumberOrDistribution
    clock: Literal["busy", "calendar"] = "calendar"
    on_failure: Literal["resume", "restart", "finish"] = "resume"

    @model_validator(mode="after")
    def _times(self) -> Breakdowns:
        for key in ("time_to_failure", "repair"):
            dist = getattr(self, key)
            if dist.min_value() < 0 and dist.dist != "normal":
                raise ValueError(
                    f"{key}: a time cannot be negative, but this {dist.dist} reaches "
                    f"{dist.min_value():g}"
                )
        if self.time_to_failure.support() == [0.0]:
            raise ValueError("time_to_failure: every draw is 0, so the server never works")
        return self


class Resource(BaseModel):
    """Servers (clinicians, beds, rooms): a fixed ``capacity`` or ``shifts``.

    With shifts, capacity outside every shift is zero and overlapping shifts
    add up.  ``at_shift_end`` says what happens to a patient in service when
    capacity drops: ``finish`` (default) or ``interrupt`` (back to the queue,
    the service resumed later).  ``preempt`` lets a patient of higher priority
    displace the last one in service, who later resumes the service left
    (``resume``) or starts it again (``restart``).  ``breakdowns`` makes
    each server fail and be repaired.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    capacity: Annotated[Count, Field(ge=1, le=MAX_CAPACITY)] | None = None
    shifts: Annotated[list[Shift], Field(min_length=1)] | None = None
    at_shift_end: Literal["finish", "interrupt"] = "finish"
    preempt: Literal["none", "resume", "restart"] = "none"
    cost_per_hour: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    breakdowns: Breakdowns | None = None

    @model_validator(mode="after")
    def _capacity_or_shifts(self) -> Resource:
        if (self.capacity is None) == (self.shifts is None):
            raise ValueError("give either 'capacity' (a number of servers) or 'shifts', not both")
        if self.at_shift_end == "interrupt" and self.shifts is None:
            raise ValueError("'at_shift_end' needs 'shifts'")
        if self.breakdowns is not None and (
            self.preempt != "none" or self.at_shift_end == "interrupt"
        ):
            raise ValueError(
                "breakdowns go with a resource that neither preempts nor is interrupted at "
                "shift ends"
            )
        return self
