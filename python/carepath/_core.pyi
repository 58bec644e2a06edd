"""
carepath's C++ simulation engine (internal; use the carepath package).
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['AttributeSpec', 'Batch', 'BookSpec', 'ClassSpec', 'Cycle', 'DistKind', 'DistSpec', 'ExprSpec', 'ModelSpec', 'OnFailure', 'Preempt', 'Purpose', 'ResourceSpec', 'Runner', 'Slot', 'SlotKind', 'SlotTypeSpec', 'SourceKind', 'SourceSpec', 'StepKind', 'StepSpec', 'TableSpec', 'evaluate', 'sample', 'splitmix64', 'stream_uniforms']
class Purpose:
    """
    Members:
    
      ARRIVALS
    
      ATTRIBUTES
    
      DURATIONS
    
      ROUTING
    
      PATIENCE
    """
    ARRIVALS: typing.ClassVar[Purpose]
    ATTRIBUTES: typing.ClassVar[Purpose]
    DURATIONS: typing.ClassVar[Purpose]
    PATIENCE: typing.ClassVar[Purpose]
    ROUTING: typing.ClassVar[Purpose]
    __members__: typing.ClassVar[dict[str, Purpose]]
    @typing.overload
    def __eq__(self, other: Purpose) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: Purpose) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class DistKind:
    """
    Members:
    
      EXPONENTIAL
    
      FIXED
    
      UNIFORM
    
      TRIANGULAR
    
      NORMAL
    
      LOGNORMAL
    
      GAMMA
    
      WEIBULL
    
      BERNOULLI
    
      POISSON
    
      EMPIRICAL_DISCRETE
    
      EMPIRICAL_CONTINUOUS
    """
    BERNOULLI: typing.ClassVar[DistKind]
    EMPIRICAL_CONTINUOUS: typing.ClassVar[DistKind]
    EMPIRICAL_DISCRETE: typing.ClassVar[DistKind]
    EXPONENTIAL: typing.ClassVar[DistKind]
    FIXED: typing.ClassVar[DistKind]
    GAMMA: typing.ClassVar[DistKind]
    LOGNORMAL: typing.ClassVar[DistKind]
    NORMAL: typing.ClassVar[DistKind]
    POISSON: typing.ClassVar[DistKind]
    TRIANGULAR: typing.ClassVar[DistKind]
    UNIFORM: typing.ClassVar[DistKind]
    WEIBULL: typing.ClassVar[DistKind]
    __members__: typing.ClassVar[dict[str, DistKind]]
    @typing.overload
    def __eq__(self, other: DistKind) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: DistKind) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class DistSpec:
    kind: DistKind
    def __init__(self) -> None:
        ...
    @property
    def a(self) -> float:
        ...
    @a.setter
    def a(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def b(self) -> float:
        ...
    @b.setter
    def b(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def c(self) -> float:
        ...
    @c.setter
    def c(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def high(self) -> float:
        ...
    @high.setter
    def high(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def low(self) -> float:
        ...
    @low.setter
    def low(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def values(self) -> list[float]:
        ...
    @values.setter
    def values(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def weights(self) -> list[float]:
        ...
    @weights.setter
    def weights(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
class ExprSpec:
    text: str
    def __init__(self) -> None:
        ...
    @property
    def args(self) -> list[int]:
        ...
    @args.setter
    def args(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def consts(self) -> list[float]:
        ...
    @consts.setter
    def consts(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def ops(self) -> list[int]:
        ...
    @ops.setter
    def ops(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
class StepKind:
    """
    Members:
    
      SEIZE
    
      DELAY
    
      BRANCH_CHANCE
    
      BRANCH_WHEN
    
      EXIT
    
      RELEASE
    
      SET
    
      BOOK
    
      GOTO
    
      COST
    
      UTILITY
    
      BATCH
    
      SEIZE_ALL
    
      RELEASE_ALL
    
      FORK
    
      JOIN
    """
    BATCH: typing.ClassVar[StepKind]
    BOOK: typing.ClassVar[StepKind]
    BRANCH_CHANCE: typing.ClassVar[StepKind]
    BRANCH_WHEN: typing.ClassVar[StepKind]
    COST: typing.ClassVar[StepKind]
    DELAY: typing.ClassVar[StepKind]
    EXIT: typing.ClassVar[StepKind]
    FORK: typing.ClassVar[StepKind]
    GOTO: typing.ClassVar[StepKind]
    JOIN: typing.ClassVar[StepKind]
    RELEASE: typing.ClassVar[StepKind]
    RELEASE_ALL: typing.ClassVar[StepKind]
    SEIZE: typing.ClassVar[StepKind]
    SEIZE_ALL: typing.ClassVar[StepKind]
    SET: typing.ClassVar[StepKind]
    UTILITY: typing.ClassVar[StepKind]
    __members__: typing.ClassVar[dict[str, StepKind]]
    @typing.overload
    def __eq__(self, other: StepKind) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: StepKind) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Preempt:
    """
    Members:
    
      NONE
    
      RESUME
    
      RESTART
    """
    NONE: typing.ClassVar[Preempt]
    RESTART: typing.ClassVar[Preempt]
    RESUME: typing.ClassVar[Preempt]
    __members__: typing.ClassVar[dict[str, Preempt]]
    @typing.overload
    def __eq__(self, other: Preempt) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: Preempt) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class OnFailure:
    """
    Members:
    
      RESUME
    
      RESTART
    
      FINISH
    """
    FINISH: typing.ClassVar[OnFailure]
    RESTART: typing.ClassVar[OnFailure]
    RESUME: typing.ClassVar[OnFailure]
    __members__: typing.ClassVar[dict[str, OnFailure]]
    @typing.overload
    def __eq__(self, other: OnFailure) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: OnFailure) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class SourceKind:
    """
    Members:
    
      POISSON
    
      PROFILE
    
      SCHEDULE
    
      COHORT
    
      RENEWAL
    
      REPLAY
    
      COUNTS
    """
    COHORT: typing.ClassVar[SourceKind]
    COUNTS: typing.ClassVar[SourceKind]
    POISSON: typing.ClassVar[SourceKind]
    PROFILE: typing.ClassVar[SourceKind]
    RENEWAL: typing.ClassVar[SourceKind]
    REPLAY: typing.ClassVar[SourceKind]
    SCHEDULE: typing.ClassVar[SourceKind]
    __members__: typing.ClassVar[dict[str, SourceKind]]
    @typing.overload
    def __eq__(self, other: SourceKind) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: SourceKind) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Cycle:
    def __init__(self) -> None:
        ...
    @property
    def offsets(self) -> list[float]:
        ...
    @offsets.setter
    def offsets(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def period(self) -> float:
        ...
    @period.setter
    def period(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class StepSpec:
    as_available: bool
    hourly: bool
    kind: StepKind
    longest_wait: bool
    name: str
    occupancy: bool
    until: Cycle
    def __init__(self) -> None:
        ...
    @property
    def as_attribute(self) -> int:
        ...
    @as_attribute.setter
    def as_attribute(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def batch_size(self) -> int:
        ...
    @batch_size.setter
    def batch_size(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def batch_timeout(self) -> float:
        ...
    @batch_timeout.setter
    def batch_timeout(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def book(self) -> int:
        ...
    @book.setter
    def book(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def choose(self) -> int:
        ...
    @choose.setter
    def choose(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def conditions(self) -> list[int]:
        ...
    @conditions.setter
    def conditions(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def cost_category(self) -> int:
        ...
    @cost_category.setter
    def cost_category(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def dna(self) -> int:
        ...
    @dna.setter
    def dna(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def duration(self) -> int:
        ...
    @duration.setter
    def duration(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def fork(self) -> int:
        ...
    @fork.setter
    def fork(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_queue(self) -> int:
        ...
    @max_queue.setter
    def max_queue(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def next(self) -> int:
        ...
    @next.setter
    def next(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def not_before(self) -> int:
        ...
    @not_before.setter
    def not_before(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def on_balk(self) -> int:
        ...
    @on_balk.setter
    def on_balk(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def on_dna(self) -> int:
        ...
    @on_dna.setter
    def on_dna(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def on_full(self) -> int:
        ...
    @on_full.setter
    def on_full(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def on_renege(self) -> int:
        ...
    @on_renege.setter
    def on_renege(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def outcome(self) -> int:
        ...
    @outcome.setter
    def outcome(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def over(self) -> list[float]:
        ...
    @over.setter
    def over(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def over_labels(self) -> list[str]:
        ...
    @over_labels.setter
    def over_labels(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def patience(self) -> int:
        ...
    @patience.setter
    def patience(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def priority(self) -> int:
        ...
    @priority.setter
    def priority(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def resource(self) -> int:
        ...
    @resource.setter
    def resource(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def resources(self) -> list[int]:
        ...
    @resources.setter
    def resources(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def scale(self) -> int:
        ...
    @scale.setter
    def scale(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def set_attributes(self) -> list[int]:
        ...
    @set_attributes.setter
    def set_attributes(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def set_expressions(self) -> list[int]:
        ...
    @set_expressions.setter
    def set_expressions(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def slot_types(self) -> int:
        ...
    @slot_types.setter
    def slot_types(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def targets(self) -> list[int]:
        ...
    @targets.setter
    def targets(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def unit_counts(self) -> list[int]:
        ...
    @unit_counts.setter
    def unit_counts(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def units(self) -> int:
        ...
    @units.setter
    def units(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def utility(self) -> int:
        ...
    @utility.setter
    def utility(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def waiting_since(self) -> int:
        ...
    @waiting_since.setter
    def waiting_since(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def weight_expressions(self) -> list[int]:
        ...
    @weight_expressions.setter
    def weight_expressions(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def weights(self) -> list[float]:
        ...
    @weights.setter
    def weights(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
class SourceSpec:
    kind: SourceKind
    name: str
    observed: bool
    schedule: Cycle
    def __init__(self) -> None:
        ...
    @property
    def attributes(self) -> list[int]:
        ...
    @attributes.setter
    def attributes(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def batch(self) -> int:
        ...
    @batch.setter
    def batch(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def count(self) -> int:
        ...
    @count.setter
    def count(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def hourly(self) -> list[float]:
        ...
    @hourly.setter
    def hourly(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def interarrival(self) -> int:
        ...
    @interarrival.setter
    def interarrival(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_arrivals(self) -> int:
        ...
    @max_arrivals.setter
    def max_arrivals(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def period_count(self) -> list[int]:
        ...
    @period_count.setter
    def period_count(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def period_end(self) -> list[float]:
        ...
    @period_end.setter
    def period_end(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def period_start(self) -> list[float]:
        ...
    @period_start.setter
    def period_start(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def rate(self) -> float:
        ...
    @rate.setter
    def rate(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def replay_values(self) -> list[numpy.typing.NDArray[numpy.float64]]:
        ...
    @replay_values.setter
    def replay_values(self, arg1: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64]]) -> None:
        ...
    @property
    def season(self) -> list[float]:
        ...
    @season.setter
    def season(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def start(self) -> int:
        ...
    @start.setter
    def start(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def start_at(self) -> float:
        ...
    @start_at.setter
    def start_at(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def table(self) -> int:
        ...
    @table.setter
    def table(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def times(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @times.setter
    def times(self, arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> None:
        ...
    @property
    def waited(self) -> int:
        ...
    @waited.setter
    def waited(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def weekday(self) -> list[float]:
        ...
    @weekday.setter
    def weekday(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
class TableSpec:
    def __init__(self) -> None:
        ...
    @property
    def attributes(self) -> list[int]:
        ...
    @attributes.setter
    def attributes(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def cdf(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
    @cdf.setter
    def cdf(self, arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> None:
        ...
    @property
    def columns(self) -> list[numpy.typing.NDArray[numpy.float64]]:
        ...
    @columns.setter
    def columns(self, arg1: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64]]) -> None:
        ...
class ResourceSpec:
    busy_clock: bool
    interrupt_at_shift_end: bool
    name: str
    on_failure: OnFailure
    preempt: Preempt
    shift_changes: Cycle
    def __init__(self) -> None:
        ...
    @property
    def capacity(self) -> int:
        ...
    @capacity.setter
    def capacity(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cost_category(self) -> int:
        ...
    @cost_category.setter
    def cost_category(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cost_per_hour(self) -> float:
        ...
    @cost_per_hour.setter
    def cost_per_hour(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def repair(self) -> int:
        ...
    @repair.setter
    def repair(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def shift_capacity(self) -> list[int]:
        ...
    @shift_capacity.setter
    def shift_capacity(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def time_to_failure(self) -> int:
        ...
    @time_to_failure.setter
    def time_to_failure(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class SlotTypeSpec:
    name: str
    slots: Cycle
    def __init__(self) -> None:
        ...
    @property
    def horizon_days(self) -> int:
        ...
    @horizon_days.setter
    def horizon_days(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class BookSpec:
    name: str
    def __init__(self) -> None:
        ...
    @property
    def cost_category(self) -> int:
        ...
    @cost_category.setter
    def cost_category(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cost_per_slot(self) -> float:
        ...
    @cost_per_slot.setter
    def cost_per_slot(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def types(self) -> list[SlotTypeSpec]:
        ...
    @types.setter
    def types(self, arg0: collections.abc.Sequence[SlotTypeSpec]) -> None:
        ...
class AttributeSpec:
    name: str
    def __init__(self) -> None:
        ...
    @property
    def distribution(self) -> int:
        ...
    @distribution.setter
    def distribution(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class ClassSpec:
    def __init__(self) -> None:
        ...
    @property
    def attribute(self) -> int:
        ...
    @attribute.setter
    def attribute(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def values(self) -> list[float]:
        ...
    @values.setter
    def values(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
class ModelSpec:
    economics: bool
    observe_start: bool
    def __init__(self) -> None:
        ...
    @property
    def attributes(self) -> list[AttributeSpec]:
        ...
    @attributes.setter
    def attributes(self, arg0: collections.abc.Sequence[AttributeSpec]) -> None:
        ...
    @property
    def audit_interval(self) -> float:
        ...
    @audit_interval.setter
    def audit_interval(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def books(self) -> list[BookSpec]:
        ...
    @books.setter
    def books(self, arg0: collections.abc.Sequence[BookSpec]) -> None:
        ...
    @property
    def classes(self) -> list[ClassSpec]:
        ...
    @classes.setter
    def classes(self, arg0: collections.abc.Sequence[ClassSpec]) -> None:
        ...
    @property
    def cost_categories(self) -> list[str]:
        ...
    @cost_categories.setter
    def cost_categories(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def discount_costs(self) -> float:
        ...
    @discount_costs.setter
    def discount_costs(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def discount_qalys(self) -> float:
        ...
    @discount_qalys.setter
    def discount_qalys(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def distribution_top(self) -> int:
        ...
    @distribution_top.setter
    def distribution_top(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def distributions(self) -> list[DistSpec]:
        ...
    @distributions.setter
    def distributions(self, arg0: collections.abc.Sequence[DistSpec]) -> None:
        ...
    @property
    def event_log_cap(self) -> int:
        ...
    @event_log_cap.setter
    def event_log_cap(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def expressions(self) -> list[ExprSpec]:
        ...
    @expressions.setter
    def expressions(self, arg0: collections.abc.Sequence[ExprSpec]) -> None:
        ...
    @property
    def follow_up(self) -> float:
        ...
    @follow_up.setter
    def follow_up(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def global_values(self) -> list[float]:
        ...
    @global_values.setter
    def global_values(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def globals(self) -> list[str]:
        ...
    @globals.setter
    def globals(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def horizon(self) -> float:
        ...
    @horizon.setter
    def horizon(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def hours_per_unit(self) -> float:
        ...
    @hours_per_unit.setter
    def hours_per_unit(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_events(self) -> int:
        ...
    @max_events.setter
    def max_events(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_in_system(self) -> int:
        ...
    @max_in_system.setter
    def max_in_system(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_steps_without_time(self) -> int:
        ...
    @max_steps_without_time.setter
    def max_steps_without_time(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def outcomes(self) -> list[str]:
        ...
    @outcomes.setter
    def outcomes(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def percentile_labels(self) -> list[str]:
        ...
    @percentile_labels.setter
    def percentile_labels(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def percentiles(self) -> list[float]:
        ...
    @percentiles.setter
    def percentiles(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def resources(self) -> list[ResourceSpec]:
        ...
    @resources.setter
    def resources(self, arg0: collections.abc.Sequence[ResourceSpec]) -> None:
        ...
    @property
    def series_bin(self) -> float:
        ...
    @series_bin.setter
    def series_bin(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def series_counts(self) -> list[str]:
        ...
    @series_counts.setter
    def series_counts(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sources(self) -> list[SourceSpec]:
        ...
    @sources.setter
    def sources(self, arg0: collections.abc.Sequence[SourceSpec]) -> None:
        ...
    @property
    def start_hour_of_week(self) -> float:
        ...
    @start_hour_of_week.setter
    def start_hour_of_week(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def steps(self) -> list[StepSpec]:
        ...
    @steps.setter
    def steps(self, arg0: collections.abc.Sequence[StepSpec]) -> None:
        ...
    @property
    def system_time_over(self) -> list[float]:
        ...
    @system_time_over.setter
    def system_time_over(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def system_time_over_labels(self) -> list[str]:
        ...
    @system_time_over_labels.setter
    def system_time_over_labels(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def tables(self) -> list[TableSpec]:
        ...
    @tables.setter
    def tables(self, arg0: collections.abc.Sequence[TableSpec]) -> None:
        ...
    @property
    def warmup(self) -> float:
        ...
    @warmup.setter
    def warmup(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class Runner:
    def __init__(self, spec: ModelSpec) -> None:
        ...
    def run(self, replications: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex, threads: typing.SupportsInt | typing.SupportsIndex = 0, first_replication: typing.SupportsInt | typing.SupportsIndex = 0, progress: typing.Any = None) -> tuple:
        """
        Run replications [first, first + n); returns (metric names, array replications x metrics).
        progress: None or a callable given the number of replications finished, as it grows.
        """
    def run_detailed(self, replications: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex, threads: typing.SupportsInt | typing.SupportsIndex = 0, first_replication: typing.SupportsInt | typing.SupportsIndex = 0, progress: typing.Any = None) -> dict:
        """
        As run, as a dict, plus series_names and series (replications x series x bins) for `results.series`, and event_log (columns) for `results.event_log`.
        """
    @property
    def metric_names(self) -> list[str]:
        ...
class SlotKind:
    """
    Members:
    
      SOURCE_RATE
    
      DIST_PARAM
    
      CAPACITY
    
      BRANCH_WEIGHT
    
      EXPR_CONST
    
      COST_PER_HOUR
    
      COST_PER_SLOT
    
      MAX_QUEUE
    
      COHORT_COUNT
    
      DISCOUNT_COSTS
    
      DISCOUNT_QALYS
    """
    BRANCH_WEIGHT: typing.ClassVar[SlotKind]
    CAPACITY: typing.ClassVar[SlotKind]
    COHORT_COUNT: typing.ClassVar[SlotKind]
    COST_PER_HOUR: typing.ClassVar[SlotKind]
    COST_PER_SLOT: typing.ClassVar[SlotKind]
    DISCOUNT_COSTS: typing.ClassVar[SlotKind]
    DISCOUNT_QALYS: typing.ClassVar[SlotKind]
    DIST_PARAM: typing.ClassVar[SlotKind]
    EXPR_CONST: typing.ClassVar[SlotKind]
    MAX_QUEUE: typing.ClassVar[SlotKind]
    SOURCE_RATE: typing.ClassVar[SlotKind]
    __members__: typing.ClassVar[dict[str, SlotKind]]
    @typing.overload
    def __eq__(self, other: SlotKind) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: SlotKind) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Slot:
    kind: SlotKind
    def __init__(self, kind: SlotKind, index: typing.SupportsInt | typing.SupportsIndex, sub: typing.SupportsInt | typing.SupportsIndex = 0, param: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    @property
    def index(self) -> int:
        ...
    @index.setter
    def index(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def param(self) -> int:
        ...
    @param.setter
    def param(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def sub(self) -> int:
        ...
    @sub.setter
    def sub(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class Batch:
    def __init__(self, specs: collections.abc.Sequence[ModelSpec], slots: collections.abc.Sequence[collections.abc.Sequence[Slot]]) -> None:
        ...
    def __len__(self) -> int:
        ...
    def check(self, models: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> list[str]:
        """
        Per unit, '' if its values bind to its model, else the error.
        """
    def metric_names(self, model: typing.SupportsInt | typing.SupportsIndex) -> list[str]:
        ...
    def run(self, models: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], replications: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex, threads: typing.SupportsInt | typing.SupportsIndex, first_replication: typing.SupportsInt | typing.SupportsIndex, columns: collections.abc.Sequence[collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]], width: typing.SupportsInt | typing.SupportsIndex, progress: typing.Any = None) -> numpy.typing.NDArray[numpy.float64]:
        """
        Replications of every unit (a model and its parameter values): an array of
        (units x replications) rows and `width` columns, model m's metric j in column
        columns[m][j], NaN elsewhere.  progress: None or a callable given the runs finished.
        """
def evaluate(spec: ExprSpec, attributes: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> float:
    """
    Evaluate a compiled expression (for tests).
    """
def sample(spec: DistSpec, n: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex = 0) -> numpy.typing.NDArray[numpy.float64]:
    """
    Draw n values with the engine's sampler (for tests and plots).
    """
def splitmix64(state: typing.SupportsInt | typing.SupportsIndex, n: typing.SupportsInt | typing.SupportsIndex) -> list[int]:
    """
    The first n outputs of plain SplitMix64 (for known-answer tests).
    """
def stream_uniforms(seed: typing.SupportsInt | typing.SupportsIndex, replication: typing.SupportsInt | typing.SupportsIndex, purpose: Purpose, index: typing.SupportsInt | typing.SupportsIndex, patient: typing.SupportsInt | typing.SupportsIndex, n: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    The first n uniforms of one engine stream.
    """
