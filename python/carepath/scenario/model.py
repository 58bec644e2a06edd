"""The scenario: the pydantic models behind the YAML format (see docs/scenario-format.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from ..errors import ScenarioError
from .books import Book
from .clock import (
    WEEKDAYS,
    Duration,
    TimeOfDay,
    TimeUnit,
    Weekdays,
    time_of_day_hours,
    to_time_units,
)
from .distributions import Distribution, NumberOrDistribution
from .steps import Step
from .targets import Target
from .types import MAX_CAPACITY, Count, Name, NonNegative


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
ARRIVAL_KINDS = ("rate", "profile", "schedule", "cohort", "backlog")


class Arrival(BaseModel):
    """A source of patients entering the pathway at ``start``.

    Exactly one of: ``rate`` (Poisson), ``profile`` (Poisson with a rate by
    hour and weekday), ``schedule`` (fixed times), ``cohort`` (a number of
    patients at time 0) or ``backlog`` (a waiting list at time 0).
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
    attributes: dict[Name, AttributeDist] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Arrival:
        given = [k for k in ARRIVAL_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"an arrival needs exactly one of {', '.join(ARRIVAL_KINDS)}, got {found}"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ARRIVAL_KINDS if getattr(self, k) is not None)


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
    duration such as ``"1 day"``) from the end of the warm-up."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    bin: Duration


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


# horizon, warmup and follow_up: a number of time units, or a duration that
# Scenario's own validator turns into one
_DURATION = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "description": "a duration such as '52 weeks' or '36 hours'"},
    ]
}


class Limits(BaseModel):
    """Bounds that stop a runaway model before it takes the machine: at most
    ``max_in_system`` patients in the system at once in a replication (about
    400 bytes each, with their events and queue places: the default bounds a
    replication to under 1 GB, times the threads running at once), and, if
    given, at most ``max_events`` events a replication (a bound on time)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_in_system: Annotated[Count, Field(ge=1, le=10**9)] = 2_000_000
    max_events: Annotated[Count, Field(ge=1, lt=2**63)] | None = None


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
    time_unit: TimeUnit = "hours"
    start: CalendarStart = CalendarStart()
    horizon: Annotated[float, Field(gt=0, allow_inf_nan=False), WithJsonSchema(_DURATION)]
    warmup: Annotated[float, Field(ge=0, allow_inf_nan=False), WithJsonSchema(_DURATION)] = 0.0
    follow_up: Annotated[float, Field(ge=0, allow_inf_nan=False), WithJsonSchema(_DURATION)] = 0.0
    replications: Annotated[Count, Field(ge=1)] = 20
    seed: Annotated[Count, Field(ge=0, lt=2**64)] = 1
    attributes: dict[Name, AttributeDist] = Field(default_factory=dict)
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
        from .checks import check_references  # the checks need the finished model

        check_references(self)
        return self

    @property
    def variant_names(self) -> list[str]:
        """``baseline`` followed by the variants in file order."""
        return ["baseline", *self.variants]

    def variant(self, name: str) -> Scenario:
        """The scenario with variant ``name``'s patches applied (no variants, no targets)."""
        if name == "baseline":
            return self.model_copy(update={"variants": {}, "targets": []})
        if name not in self.variants:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(self.variant_names)})"
            )
        from .patching import apply_patches
        from .validation import validate_data

        data = self.model_dump(mode="python", exclude={"variants", "targets"}, exclude_none=True)
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
