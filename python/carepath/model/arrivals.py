"""Where patients come from: rates, profiles, timetables, cohorts, backlogs,
renewal processes (gaps of any distribution) and files (arrivals replayed,
counts per period, patients as rows of a table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .clock import (
    WEEKDAYS,
    Duration,
    TimeOfDay,
    Weekdays,
)
from .data_files import resolve
from .distributions import Distribution, NumberOrDistribution
from .tables import FromTable
from .types import MAX_CAPACITY, Count, Name, NonNegative


def resolve_in_context(value: str, info: ValidationInfo) -> str:
    """A data file's path made absolute, from the scenario file's folder."""
    root = (info.context or {}).get("root")
    return resolve(value, None if root is None else Path(root))


class Profile(BaseModel):
    """A rate per time unit for each hour of the day, times a multiplier per
    weekday, times (optionally) a multiplier per week since t = 0 (``season``,
    repeating when the run is longer: 52 values make a yearly cycle)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hourly: Annotated[list[NonNegative], FromTable, Field(min_length=24, max_length=24)]
    weekday: Annotated[list[NonNegative], FromTable, Field(min_length=7, max_length=7)] = [1.0] * 7
    season: Annotated[list[NonNegative], FromTable, Field(min_length=1)] | None = None

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


class RowsFrom(BaseModel):
    """Patients as rows of a table: each patient takes one whole row, drawn
    uniformly at random (or in proportion to ``weights``) from its own
    stream, so that the columns keep their joint distribution."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    columns: Annotated[dict[Name, str], Field(min_length=1)]
    weights: str | None = None

    @field_validator("file")
    @classmethod
    def _absolute(cls, value: str, info: ValidationInfo) -> str:
        return resolve_in_context(value, info)


AttributeDist = NumberOrDistribution
# (attribute, as written): the kinds of source, exactly one of which is given
ARRIVAL_KINDS = (
    ("rate", "rate"),
    ("profile", "profile"),
    ("schedule", "schedule"),
    ("cohort", "cohort"),
    ("backlog", "backlog"),
    ("interarrival", "interarrival"),
    ("from_", "from"),
)
_FILE_KEYS = ("time", "origin", "count", "period", "every")


class Arrival(BaseModel):
    """A source of patients entering the pathway at ``start``.

    Exactly one of: ``rate`` (Poisson), ``profile`` (Poisson with a rate by
    hour and weekday), ``schedule`` (fixed times), ``cohort`` (a number of
    patients at time 0), ``backlog`` (a waiting list at time 0) or
    ``interarrival`` (gaps drawn independently from any distribution, a
    renewal process: the first arrival one gap after t = 0, or at
    ``start_at``; at most ``max_arrivals``) or ``from`` (a CSV or Parquet
    file: one arrival at each ``time``, the same in every replication, or
    ``count`` arrivals in each ``period`` or ``every``, at uniformly random
    times within it).
    ``attributes`` override the scenario's attribute distributions for
    patients of this source; for a ``from`` source an attribute may name a
    column of the file instead.  ``attributes_from`` draws them as rows of a
    table.  ``batch`` makes each arrival event bring that many patients.
    ``observed: false`` keeps the source's entities out of every patient
    metric: they act on the service (take a resource for a break, set a
    global) without being patients.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True
    )
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
    from_: Annotated[str | None, Field(alias="from")] = None
    time: str | None = None
    origin: str | None = None
    count: str | None = None
    period: str | None = None
    every: Duration | None = None
    attributes: dict[Name, AttributeDist | str] = Field(default_factory=dict)
    attributes_from: RowsFrom | None = None
    batch: NumberOrDistribution | None = None
    observed: bool = True

    @field_validator("from_")
    @classmethod
    def _absolute(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else resolve_in_context(value, info)

    @field_validator("origin")
    @classmethod
    def _a_datetime(cls, value: str | None) -> str | None:
        if value is not None:
            import pandas as pd

            try:
                pd.Timestamp(value)
            except (ValueError, TypeError):
                raise ValueError(
                    f"cannot read {value!r} as a date and time (e.g. '2025-04-01 00:00')"
                ) from None
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Arrival:
        given = [label for key, label in ARRIVAL_KINDS if getattr(self, key) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            kinds = ", ".join(label for _, label in ARRIVAL_KINDS)
            raise ValueError(f"an arrival needs exactly one of {kinds}, got {found}")
        self._check_file_keys()
        self._check_batch()
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

    def _check_file_keys(self) -> None:
        if self.from_ is None:
            for key in _FILE_KEYS:
                if getattr(self, key) is not None:
                    raise ValueError(f"{key} goes with from (arrivals from a file)")
            for name, value in self.attributes.items():
                if isinstance(value, str):
                    raise ValueError(
                        f"attributes.{name}: a column name ({value!r}) needs from (a file); "
                        "otherwise give a distribution"
                    )
            return
        if (self.time is None) == (self.count is None):
            raise ValueError(
                "from needs either time (a column of arrival times) or count "
                "(a column of arrivals per period)"
            )
        if self.count is not None and (self.period is None) == (self.every is None):
            raise ValueError("count needs period (a column of period starts) or every")
        if self.time is not None:
            for key in ("period", "every"):
                if getattr(self, key) is not None:
                    raise ValueError(f"{key} goes with count, not time")
        if self.every is not None and isinstance(self.every, float) and not self.every > 0:
            raise ValueError(f"every must be > 0, got {self.every:g}")

    def _check_batch(self) -> None:
        if self.batch is None:
            return
        if self.cohort is not None or self.backlog is not None or self.from_ is not None:
            raise ValueError(
                "batch goes with rate, profile, schedule or interarrival: a cohort, a "
                "backlog or a file already says how many arrive"
            )
        if self.batch.dist == "poisson":
            return
        support = self.batch.support()
        if support is None or any(v < 0 or v != int(v) for v in support):
            raise ValueError(
                "batch: the number of patients an arrival brings must be a whole number "
                ">= 0: use poisson, fixed or a discrete empirical of whole numbers, "
                f"not {self.batch.dist}"
            )

    @property
    def kind(self) -> str:
        return next(label for key, label in ARRIVAL_KINDS if getattr(self, key) is not None)

    def file_columns(self) -> dict[str, str]:
        """The attributes a ``from`` source reads from its file: name -> column."""
        return {k: v for k, v in self.attributes.items() if isinstance(v, str)}
