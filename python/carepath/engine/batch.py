"""Compile once, bind parameters: many points of a scenario in one engine call.

A `CompiledScenario` compiles each variant once and keeps, from the
compiler, which engine slot every numeric value of the scenario fills
(`carepath.engine.compile.SlotMap`).  A point (dotted path -> number) whose
paths all map to slots is then a row of numbers that the engine binds to its
copy of the compiled model; any other point (a path that changes the
model's shape, a value outside the slots' domain) is compiled on its own.
Either way a point gives the numbers ``cp.run(scenario.with_changes(point))``
gives, bit for bit: the bound model equals the compiled one field by field.

Checking.  The engine checks every bound point as the compiled model's
constructor would (rates > 0, whole capacities, distribution parameters,
branch probabilities summing to one); the full scenario validation runs on
the first point and on the points where each parameter is lowest and
highest (the scenario's numeric bounds are intervals, so these cover the
rest); a point the engine rejects is validated in full, so its error is
the scenario's own, naming the field.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from ..errors import LoadWarning, ScenarioError, SimulationError
from ..model import Scenario
from ..model.clock import UNIT_HOURS
from ..model.offered_load import overload_warnings
from ..model.patching import split_path
from ..results.derived import add_derived_columns, check_formulas, window_constants
from ..results.p_delay import p_delay_columns, p_delay_names
from .compile import SlotMap, compile_scenario

CONSTANT = "constant"  # a `results.constants` value, used by derived metrics only


def window(sc: Scenario) -> dict[str, float]:
    """The names a derived-metric formula may use besides metrics: the
    observation window's length and the scenario's ``results.constants``."""
    days = (sc.horizon - sc.warmup) * UNIT_HOURS[sc.time_unit] / 24
    return {**window_constants(days), **sc.results.constants}


def in_variant(err: ScenarioError, name: str) -> ScenarioError:
    """The error located in variant ``name`` (as is for the baseline)."""
    return err if name == "baseline" else err.within(f"variants.{name}")


@dataclass
class VariantModel:
    """One variant compiled: its engine spec, the slots of its values, and
    what its derived metrics need."""

    name: str
    scenario: Scenario
    spec: _core.ModelSpec
    slots: SlotMap
    patches: list[list[str]]
    constants: dict[str, float]
    metric_names: list[str]

    @property
    def formulas(self) -> dict[str, str]:
        return self.scenario.results.derived

    @property
    def derived_names(self) -> list[str]:
        """The metrics computed from the engine's: probabilities of delay
        (``results.distributions.p_delay``), then ``results.derived``."""
        return [*p_delay_names(self.scenario), *self.formulas]

    def derive(
        self, metrics: dict[str, np.ndarray], constants: dict[str, Any], n: int
    ) -> dict[str, np.ndarray]:
        """The derived metrics of ``n`` rows of engine ``metrics``."""
        out = p_delay_columns(self.scenario, metrics)
        if self.formulas:
            try:
                out.update(add_derived_columns(metrics, self.formulas, constants, n))
            except ScenarioError as err:
                raise in_variant(err, self.name) from None
        return out

    @property
    def detailed(self) -> bool:
        """Whether it asks for outputs beyond metrics (series, event log)."""
        results = self.scenario.results
        return results.series is not None or results.event_log is not None


@dataclass
class Block:
    """The metrics of a batch: one row per (point, variant, replication), in
    that order, one column per metric (engine metrics, then derived)."""

    columns: list[str]
    values: np.ndarray
    n_points: int
    variants: list[str]
    replications: int


@dataclass
class _Binding:
    """How the values of some paths reach each variant's model."""

    slots: list[list[Any]]  # per variant: _core.Slot list
    constants: list[dict[str, int]]  # per variant: constant name -> parameter column
    domains: list[tuple[int, str]] = field(default_factory=list)  # (column, rule)


class CompiledScenario:
    """A scenario with each variant compiled once; see [`run`][carepath.engine.run.run]."""

    def __init__(self, sc: Scenario) -> None:
        self.scenario = sc
        self._variants: dict[str, VariantModel] = {}
        self._bindings: dict[tuple[tuple[str, ...], tuple[str, ...]], _Binding | None] = {}
        self._batches: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}
        self._warned: set[str] = set()

    def warn_overload(self, variants: Sequence[str]) -> None:
        """Warn (`LoadWarning`, once per variant) of each resource
        offered a load of 1 or more (`carepath.model.offered_load`)."""
        for name in variants:
            if name in self._warned:
                continue
            self._warned.add(name)
            where = "" if name == "baseline" else f"variants.{name}: "
            for message in overload_warnings(self.variant(name).scenario):
                warnings.warn(where + message, LoadWarning, stacklevel=3)

    def variant(self, name: str) -> VariantModel:
        """Variant ``name`` compiled (once)."""
        model = self._variants.get(name)
        if model is None:
            model = self._compile(name)
            self._variants[name] = model
        return model

    def _compile(self, name: str) -> VariantModel:
        sc = self.scenario
        if name not in sc.variant_names:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(sc.variant_names)})"
            )
        variant = sc.variant(name)
        slots: SlotMap = {}
        try:
            spec = compile_scenario(variant, slots)
            metric_names = list(_core.Runner(spec).metric_names)
        except ValueError as err:  # the Python checks should have caught it first
            raise in_variant(ScenarioError("", str(err)), name) from None
        except ScenarioError as err:
            raise in_variant(err, name) from None
        except RuntimeError as err:  # the first arrivals, made to name the metrics, ran away
            where = "" if name == "baseline" else f" (variant {name})"
            raise SimulationError(f"{err}{where}") from None
        constants = window(variant)
        try:
            check_formulas(variant.results.derived, metric_names, constants)
        except ScenarioError as err:
            raise in_variant(err, name) from None
        patches = [split_path(p) for p in sc.variants.get(name, {})]
        return VariantModel(name, variant, spec, slots, patches, constants, metric_names)

    # -- binding ---------------------------------------------------------------

    def binds(self, paths: Sequence[str], variants: Sequence[str] | None = None) -> bool:
        """Whether every path maps to slots of the compiled variants (all of
        them by default), so that its values bind without compiling."""
        names = tuple(self.scenario.variant_names if variants is None else variants)
        return self._binding(tuple(str(p) for p in paths), names) is not None

    def _binding(self, paths: tuple[str, ...], variants: tuple[str, ...]) -> _Binding | None:
        """The slots of ``paths`` in each variant, or None if some path cannot
        be bound (it changes the model's shape): its points compile alone."""
        key = (paths, variants)
        if key not in self._bindings:
            self._bindings[key] = self._make_binding(paths, variants)
        return self._bindings[key]

    def _make_binding(self, paths: tuple[str, ...], variants: tuple[str, ...]) -> _Binding | None:
        split = [split_path(p) for p in paths]
        if any(part.startswith("-") for parts in split for part in parts):
            return None  # arrivals[-1]: which item depends on the list
        binding = _Binding([[] for _ in variants], [{} for _ in variants])
        domains: set[tuple[int, str]] = set()
        for v, name in enumerate(variants):
            model = self.variant(name)
            if split and any(part.startswith("-") for q in model.patches for part in q):
                return None
            for j, parts in enumerate(split):
                overridden = any(parts[: len(q)] == q for q in model.patches)
                if overridden:  # the variant sets this value itself
                    continue
                if any(q[: len(parts)] == parts for q in model.patches):
                    return None  # the variant patches inside the changed value
                key = ".".join(parts)
                if key in model.slots:
                    for kind, index, sub in model.slots[key]:
                        binding.slots[v].append(_core.Slot(kind, index, sub, j))
                        if kind in (_core.SlotKind.COST_PER_HOUR, _core.SlotKind.COST_PER_SLOT):
                            domains.add((j, "positive"))  # zero would drop the cost category
                        elif kind == _core.SlotKind.EXPR_CONST:
                            domains.add((j, "unsigned"))  # "-1" compiles to another program
                elif (
                    len(parts) == 3
                    and parts[:2] == ["results", "constants"]
                    and parts[2] in model.scenario.results.constants
                ):
                    binding.constants[v][parts[2]] = j
                else:
                    return None
        binding.domains = sorted(domains)
        return binding

    def _batch(self, paths: tuple[str, ...], variants: tuple[str, ...], binding: _Binding) -> Any:
        key = (paths, variants)
        batch = self._batches.get(key)
        if batch is None:
            specs = [self.variant(v).spec for v in variants]
            batch = _core.Batch(specs, binding.slots)
            self._batches[key] = batch
        return batch

    # -- running ---------------------------------------------------------------

    def run(
        self,
        paths: Sequence[str],
        points: Sequence[Sequence[Any]],
        variants: Sequence[str],
        replications: int,
        seed: int,
        threads: int,
        first_replication: int = 0,
        progress: Callable[[int], None] | None = None,
        checked: bool = False,
    ) -> Block:
        """Every point (a row of values, one per path) of every variant, for
        ``replications`` replications, in one engine call.

        ``checked`` says the points were checked already (by `check`
        in the driver of a sweep); otherwise they are checked here first, so
        that a bad value fails before anything runs.
        """
        paths_t = tuple(str(p) for p in paths)
        variants_t = tuple(variants)
        values, fast = self._partition(paths_t, variants_t, points)
        if not checked:
            self._check_fast(paths_t, variants_t, points, values, fast)
        binding = self._binding(paths_t, variants_t) if fast.any() else None
        n_v = len(variants_t)
        unit_model = np.tile(np.arange(n_v, dtype=np.int32), len(points))
        extra_specs: list[Any] = []
        extra: list[VariantModel] = []
        for k in map(int, np.flatnonzero(~fast)):
            for v, model in enumerate(self._compile_point(paths_t, points[k], variants_t)):
                unit_model[k * n_v + v] = n_v + len(extra)
                extra.append(model)
                extra_specs.append(model.spec)
        batch: _core.Batch | None
        if extra:
            base = [self.variant(v).spec for v in variants_t]
            slots = binding.slots if binding is not None else [[] for _ in variants_t]
            batch = _core.Batch([*base, *extra_specs], [*slots, *([[]] * len(extra))])
        else:
            assert binding is not None or not len(points)
            batch = self._batch(paths_t, variants_t, binding) if binding else None
        all_models = [self.variant(v) for v in variants_t] + extra
        used = np.unique(unit_model)
        columns = _union_columns([all_models[m] for m in used])
        index = {c: i for i, c in enumerate(columns)}
        # a model no unit runs keeps its metrics out of the table's columns
        maps = [[index.get(m, 0) for m in model.metric_names] for model in all_models]
        unit_values = (
            np.repeat(values, n_v, axis=0) if len(paths_t) else np.zeros((len(unit_model), 0))
        )
        if batch is None:
            table = np.empty((0, len(columns)))
        else:
            table = batch.run(
                unit_model,
                unit_values,
                replications,
                seed,
                threads,
                first_replication,
                maps,
                len(columns),
                progress,
            )
        self._add_derived(table, index, all_models, unit_model, unit_values, binding, replications)
        return Block(columns, table, len(points), list(variants_t), replications)

    @staticmethod
    def _add_derived(
        table: np.ndarray,
        index: dict[str, int],
        models: list[VariantModel],
        unit_model: np.ndarray,
        unit_values: np.ndarray,
        binding: _Binding | None,
        replications: int,
    ) -> None:
        """Fill in the derived metrics, over all the rows of each model at once."""
        row_model = np.repeat(unit_model, replications)
        order = np.argsort(row_model, kind="stable")
        bounds = np.searchsorted(row_model[order], np.arange(len(models) + 1))
        n_variants = len(binding.slots) if binding is not None else 0
        for m, model in enumerate(models):
            rows = order[bounds[m] : bounds[m + 1]]
            if len(rows) == 0 or not model.derived_names:
                continue
            bound = binding.constants[m] if m < n_variants else {}  # type: ignore[union-attr]
            constants: dict[str, Any] = dict(model.constants)
            for name, j in bound.items():
                constants[name] = unit_values[rows // replications, j]
            metrics = {c: table[rows, index[c]] for c in model.metric_names}
            derived = model.derive(metrics, constants, len(rows))
            for name, col in derived.items():
                table[rows, index[name]] = col

    def check(
        self, paths: Sequence[str], points: Sequence[Sequence[Any]], variants: Sequence[str]
    ) -> None:
        """Check every point without running it.

        Raises
        ------
        ScenarioError
            For the first bad value, naming its field.
        """
        paths_t, variants_t = tuple(str(p) for p in paths), tuple(variants)
        values, fast = self._partition(paths_t, variants_t, points)
        self._check_fast(paths_t, variants_t, points, values, fast)
        for k in map(int, np.flatnonzero(~fast)):
            self.scenario.with_changes(dict(zip(paths_t, points[k])))

    def _partition(
        self, paths: tuple[str, ...], variants: tuple[str, ...], points: Sequence[Sequence[Any]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The points as numbers, and which of them bind to the compiled
        variants (the others compile alone)."""
        n = len(points)
        for name in variants:
            self.variant(name)  # an unknown variant fails here
        if not paths:
            return np.zeros((n, 0)), np.ones(n, dtype=bool)
        values = np.zeros((n, len(paths)))
        numeric = np.ones(n, dtype=bool)
        for k, row in enumerate(points):
            for j, x in enumerate(row):
                if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
                    numeric[k] = False
                else:
                    values[k, j] = x
        binding = self._binding(paths, variants)
        if binding is None:
            return values, np.zeros(n, dtype=bool)
        fast = numeric & np.isfinite(values).all(axis=1)
        for j, rule in binding.domains:
            col = values[:, j]
            fast &= (col > 0) if rule == "positive" else ~np.signbit(col)
        return values, fast

    def _check_fast(
        self,
        paths: tuple[str, ...],
        variants: tuple[str, ...],
        points: Sequence[Sequence[Any]],
        values: np.ndarray,
        fast: np.ndarray,
    ) -> None:
        """Check the points that bind (see the module's docstring); those the
        engine rejects are marked to compile alone (and so validated in full)."""
        rows = np.flatnonzero(fast)
        if len(rows) == 0 or not paths:
            return
        binding = self._binding(paths, variants)
        assert binding is not None  # else no point is fast
        representative = {int(rows[0])}
        for j in range(len(paths)):
            col = values[rows, j]
            representative |= {int(rows[np.argmin(col)]), int(rows[np.argmax(col)])}
        for k in sorted(representative):
            self.scenario.with_changes(dict(zip(paths, points[k])))
        batch = self._batch(paths, variants, binding)
        n_v = len(binding.slots)
        units = np.tile(np.arange(n_v, dtype=np.int32), len(rows))
        errors = batch.check(units, np.repeat(values[rows], n_v, axis=0))
        for u, error in enumerate(errors):
            if error:
                fast[rows[u // n_v]] = False

    def _compile_point(
        self, paths: tuple[str, ...], row: Sequence[Any], variants: tuple[str, ...]
    ) -> list[VariantModel]:
        """A point compiled on its own, each variant (a path that cannot be
        bound, or a value the engine's checks refuse)."""
        changed = CompiledScenario(self.scenario.with_changes(dict(zip(paths, row))))
        models = [changed.variant(v) for v in variants]
        for model in models:  # the engine's own checks, with their message
            try:
                _core.Batch([model.spec], [[]])
            except ValueError as err:
                raise in_variant(ScenarioError("", str(err)), model.name) from None
        return models


def _union_columns(models: list[VariantModel]) -> list[str]:
    """Metric names of every model, then their derived metrics, in order of
    first appearance (as concatenating their tables would)."""
    columns: dict[str, None] = {}
    for model in models:
        columns.update(dict.fromkeys(model.metric_names))
        columns.update(dict.fromkeys(model.derived_names))
    return list(columns)


_COMPILED: dict[int, tuple[weakref.ref[Scenario], CompiledScenario]] = {}


def compiled(sc: Scenario) -> CompiledScenario:
    """``sc`` compiled, once per scenario object (scenarios are immutable)."""
    key = id(sc)
    entry = _COMPILED.get(key)
    if entry is not None and entry[0]() is sc:
        return entry[1]
    plan = CompiledScenario(sc)
    # the table is bound as a default: at exit the module's globals may be gone
    forget = lambda _ref, k=key, table=_COMPILED: table.pop(k, None)  # noqa: E731
    _COMPILED[key] = (weakref.ref(sc, forget), plan)
    return plan
