"""A resource of the scenario: servers, their shifts, costs and queue rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import (
    WEEKDAYS,
    TimeOfDay,
    Weekdays,
)
from .types import MAX_CAPACITY, Count


class Shift(BaseModel):
    """Servers on duty from ``start`` to ``end`` on ``days`` (overnight if end <= start)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    days: Weekdays = list(WEEKDAYS)
    start: TimeOfDay
    end: TimeOfDay
    capacity: Annotated[Count, Field(ge=0, le=MAX_CAPACITY)]


class Resource(BaseModel):
    """Servers (clinicians, beds, rooms): a fixed ``capacity`` or ``shifts``.

    With shifts, capacity outside every shift is zero and overlapping shifts
    add up.  ``at_shift_end`` says what happens to a patient in service when
    capacity drops: ``finish`` (default) or ``interrupt`` (back to the queue,
    the service resumed later).  ``preempt`` lets a patient of higher priority
    displace the last one in service, who later resumes the service left
    (``resume``) or starts it again (``restart``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    capacity: Annotated[Count, Field(ge=1, le=MAX_CAPACITY)] | None = None
    shifts: Annotated[list[Shift], Field(min_length=1)] | None = None
    at_shift_end: Literal["finish", "interrupt"] = "finish"
    preempt: Literal["none", "resume", "restart"] = "none"
    cost_per_hour: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0

    @model_validator(mode="after")
    def _capacity_or_shifts(self) -> Resource:
        if (self.capacity is None) == (self.shifts is None):
            raise ValueError("give either 'capacity' (a number of servers) or 'shifts', not both")
        if self.at_shift_end == "interrupt" and self.shifts is None:
            raise ValueError("'at_shift_end' needs 'shifts'")
        return self
