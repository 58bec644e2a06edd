"""Appointment books: clinic slots by weekday, slot types and booking horizons."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import (
    WEEKDAYS,
    Duration,
    TimeOfDay,
    Weekdays,
    duration_hours,
    time_of_day_hours,
    to_days,
)
from .tables import RowsFromTable
from .types import Count, Name

MAX_HORIZON_DAYS = 3650  # ten years ahead: more is a typo, and the engine counts days in 32 bits
MAX_SLOTS_A_DAY = 10_000  # a slot every nine seconds: more is a typo (and gigabytes of slots)


class SlotGroup(BaseModel):
    """Slots of one ``type`` on ``days``.

    Either ``count`` slots (spread evenly from ``start`` to ``end``, or all at
    ``start`` when there is no end), or a session from ``start`` to ``end``
    cut into slots of ``length``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    days: Weekdays = list(WEEKDAYS[:5])
    type: Name = "standard"
    start: TimeOfDay = "09:00"
    end: TimeOfDay | None = None
    count: Annotated[Count, Field(ge=1, le=MAX_SLOTS_A_DAY)] | None = None
    length: Duration | None = None

    @model_validator(mode="after")
    def _one_form(self) -> SlotGroup:
        if (self.count is None) == (self.length is None):
            raise ValueError("give either 'count' (slots per day) or 'length' (with start and end)")
        if self.end is not None and not time_of_day_hours(self.end) > time_of_day_hours(self.start):
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if self.length is not None:
            if self.end is None:
                raise ValueError("slots of a 'length' need the session's 'end'")
            if isinstance(self.length, str):
                hours = duration_hours(self.length)
            else:
                raise ValueError("write 'length' with its unit, e.g. '10 minutes'")
            if not hours > 0:
                raise ValueError("length must be > 0")
            session = time_of_day_hours(self.end) - time_of_day_hours(self.start)
            if session / hours > MAX_SLOTS_A_DAY:
                raise ValueError(
                    f"length {self.length} makes more than {MAX_SLOTS_A_DAY:,} slots a day"
                )
        return self

    def times_of_day(self) -> list[float]:
        """Start of each slot in a day, in hours after midnight."""
        start = time_of_day_hours(self.start)
        end = time_of_day_hours(self.end) if self.end is not None else None
        if self.count is not None:
            if end is None:
                return [start] * self.count
            step = (end - start) / self.count
            return [start + i * step for i in range(self.count)]
        length = duration_hours(str(self.length))
        assert end is not None
        out, t = [], start
        while t + length <= end + 1e-9:
            out.append(t)
            t += length
        return out


class SlotType(BaseModel):
    """Options of one slot type: how far ahead it can be booked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    horizon: Duration


class Book(BaseModel):
    """A clinic's appointment book.

    ``horizon`` is how many calendar days ahead a slot can be booked (a
    number of days or a duration such as ``"6 weeks"``; 0 = the same day);
    ``types`` can set it per slot type.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    horizon: Duration = 28.0
    slots: Annotated[list[SlotGroup], RowsFromTable, Field(min_length=1)]
    types: dict[Name, SlotType] = Field(default_factory=dict)
    cost_per_slot: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> Book:
        for value in [self.horizon, *(t.horizon for t in self.types.values())]:
            if not 0 <= to_days(value) <= MAX_HORIZON_DAYS:
                raise ValueError(
                    f"a booking horizon must be 0 to {MAX_HORIZON_DAYS} days, got {value!r}"
                )
        names = self.type_names()
        for name in self.types:
            if name not in names:
                raise ValueError(
                    f"types.{name}: no slot group has type '{name}' (have: {', '.join(names)})"
                )
        if len(names) > 64:
            raise ValueError(f"at most 64 slot types, got {len(names)}")
        return self

    def type_names(self) -> list[str]:
        """Slot types in order of first appearance."""
        return list(dict.fromkeys(g.type for g in self.slots))

    def horizon_days(self, slot_type: str) -> int:
        """Whole calendar days ahead that ``slot_type`` can be booked."""
        value = self.types[slot_type].horizon if slot_type in self.types else self.horizon
        return int(to_days(value) + 1e-9)
