"""Running a scenario: every variant, many replications, common random numbers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..errors import ScenarioError, SimulationError
from ..model import Scenario, load
from ..model.clock import UNIT_HOURS, to_time_units
from ..results.event_log import event_log_frame
from ..results.results import Results
from ..results.series import Series
from ..results.target_table import check_metrics
from .batch import CompiledScenario, compiled, in_variant
from .precision import run_to_precision


def _require_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(name, f"must be an integer, got {value!r}")
    return value


def check_outputs(sc: Scenario) -> None:
    """Check, without running, that every variant compiles and that the derived
    formulas and targets name metrics the run will have.

    Raises
    ------
    ScenarioError
        Naming the variant and field of the first problem.
    """
    plan = compiled(sc)
    for name in sc.variant_names:
        model = plan.variant(name)
        mine = [t for t in sc.targets if t.variant == name]
        try:
            check_metrics(mine, [*model.metric_names, *model.derived_names])
        except ScenarioError as err:
            raise in_variant(err, name) from None


def run(
    scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
    replications: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    variants: Sequence[str] | None = None,
    changes: dict[str, Any] | None = None,
    horizon: float | str | None = None,
    progress: bool = False,
    precision: float | None = None,
    half_width: float | None = None,
    metrics: Sequence[str] | None = None,
    max_replications: int = 1000,
) -> Results:
    """Simulate a scenario's baseline and variants.

    Parameters
    ----------
    scenario
        A [`Scenario`][carepath.model.scenario.Scenario], a built-in id, a YAML path or a mapping.
    replications
        Independent replications per variant (default: the scenario's).
    seed
        Root seed (default: the scenario's).  The same seed gives the same
        numbers on any thread count.
    threads
        Worker threads; 0 uses every core.
    variants
        Which to run, by name (``"baseline"`` included); default all.
    changes
        Parameters to change before running, by dotted path
        (``{"resources.gp.capacity": 6, "arrivals[0].rate": 4.0}``); every
        variant inherits them.  The file is not touched.  A loaded scenario
        is compiled once: calling ``run`` again with other values of the
        same numeric parameters binds them to the compiled model.
    horizon
        Simulated time to run (a number of time units or ``"8 weeks"``);
        default the scenario's.  The warmup is kept.
    progress
        Show a progress bar of replications on stderr (tqdm) if the run
        lasts more than two seconds.
    precision
        Instead of a fixed number, run replications until the 95% interval
        of every metric in ``metrics`` is within this fraction of its mean
        in every variant (0.05: +-5%), by the replications algorithm of Hoad,
        Robinson and Davies (2010) with its look-ahead
        (`carepath.engine.precision`).  The result holds the replications
        needed, the same as asking for that many up front, and
        ``replication_report`` says how many each metric needed.
    half_width
        As ``precision``, with an absolute half-width instead.
    metrics
        The metrics ``precision`` or ``half_width`` applies to.
    max_replications
        With ``precision`` or ``half_width``, stop (with a warning) after
        about this many.

    Returns
    -------
    Results
        Per-replication metrics of every variant run.

    Warns
    -----
    LoadWarning
        For each resource offered more work than it can serve (arrival rate
        x mean service / capacity >= 1), where the scenario tells.

    Raises
    ------
    ScenarioError
        If the scenario or an option is invalid.
    SimulationError
        If the engine stops the run (a patient looping without time passing,
        more than ``limits.max_in_system`` patients in the system).
    KeyboardInterrupt
        On Ctrl-C, within a fraction of a second; nothing is returned.
    """
    sc = load(scenario)
    changes = dict(changes or {})
    if horizon is not None:
        changes["horizon"] = horizon
    plan = compiled(sc)
    if changes and not plan.binds(list(changes)):
        # a change of shape (or of the run's own settings): a new scenario
        sc = sc.with_changes(changes)
        plan, changes = compiled(sc), {}
    reps = sc.replications if replications is None else _require_int("replications", replications)
    root_seed = sc.seed if seed is None else _require_int("seed", seed)
    if reps < 1:
        raise ScenarioError("replications", f"must be >= 1, got {reps}")
    if root_seed < 0:
        raise ScenarioError("seed", f"must be >= 0, got {root_seed}")
    if root_seed >= 2**64:
        raise ScenarioError("seed", f"must be < {2**64}, got {root_seed}")
    n_threads = _require_int("threads", threads)
    if n_threads < 0:
        raise ScenarioError("threads", f"must be >= 0, got {n_threads}")
    names = sc.variant_names if variants is None else list(variants)
    if not names:
        raise ScenarioError("variants", "name at least one variant to run")
    for name in names:
        if name not in sc.variant_names:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(sc.variant_names)})"
            )
    runs = list(dict.fromkeys(names))
    plan.warn_overload(runs)
    if precision is None and half_width is None:
        _check_table_fits(plan, runs, reps)
    if precision is not None or half_width is not None:
        target = (precision, half_width, metrics, max_replications)
        return _run_to_precision(plan, changes, runs, root_seed, n_threads, *target)
    if any(plan.variant(name).detailed for name in runs):
        if changes:
            plan, changes = compiled(sc.with_changes(changes)), {}
        return _run_detailed(plan, runs, reps, root_seed, n_threads, progress)
    bar = _ProgressBar(sc.name, reps * len(runs)) if progress else None
    try:
        block = plan.run(
            list(changes),
            [list(changes.values())],
            runs,
            reps,
            root_seed,
            n_threads,
            progress=bar.advance if bar else None,
        )
    except RuntimeError as err:
        raise SimulationError(str(err)) from None
    finally:
        if bar:
            bar.close()
    return _results(sc, block.values, block.columns, runs, reps, root_seed)


def free_memory() -> int | None:
    """Bytes of memory free now (one system call), or None if unknown."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def available_memory() -> int | None:
    """Bytes of memory the system could give this process now (free memory and
    the caches it can reclaim), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return free_memory()


def _check_table_fits(plan: CompiledScenario, runs: list[str], reps: int) -> None:
    """Refuse, before running, a run whose per-replication table (one float per
    metric, replication and variant) would not fit in the memory available."""
    models = [plan.variant(name) for name in runs]
    columns = len(dict.fromkeys(c for m in models for c in (*m.metric_names, *m.derived_names)))
    need = 8 * columns * reps * len(runs)
    free = free_memory()
    # The memory available is at least about the memory free (less the
    # kernel's small reserves): a table under half of it fits without reading
    # /proc/meminfo, which took 8% of a tiny run's time.
    if free is not None and need <= free // 2:
        return
    have = available_memory()
    if have is None or need <= have:
        return
    raise ScenarioError(
        "replications",
        f"{reps:,} replications of {len(runs)} variant(s) x {columns} metrics need a "
        f"{need / 2**30:,.1f} GiB table, more than the {have / 2**30:,.1f} GiB of memory "
        "available: run fewer replications (or to a precision, --precision), or split "
        "them into a sweep in shards (docs/sweeps.md)",
    )


def _run_to_precision(
    plan: CompiledScenario,
    changes: dict[str, Any],
    runs: list[str],
    seed: int,
    threads: int,
    precision: float | None,
    half_width: float | None,
    metrics: Sequence[str] | None,
    max_replications: int,
) -> Results:
    sc = plan.scenario
    if precision is not None and half_width is not None:
        raise ScenarioError("precision", "give precision or half_width, not both")
    if not metrics:
        raise ScenarioError("metrics", "name the metrics whose precision decides the replications")
    if any(plan.variant(name).detailed for name in runs):
        raise ScenarioError(
            "precision", "runs to a precision need a scenario without series or an event log"
        )
    target = precision if precision is not None else half_width
    try:
        out = run_to_precision(
            plan,
            list(changes),
            list(changes.values()),
            runs,
            seed,
            threads,
            list(metrics),
            float(target),  # type: ignore[arg-type]
            relative=precision is not None,
            max_replications=_require_int("max_replications", max_replications),
        )
    except RuntimeError as err:
        raise SimulationError(str(err)) from None
    res = _results(sc, out.table, out.columns, runs, out.replications, seed)
    res.replication_report = out.report
    return res


def _results(
    sc: Scenario,
    table: np.ndarray,
    columns: list[str],
    runs: list[str],
    reps: int,
    seed: int,
    series: dict[str, Series] | None = None,
    event_log: pd.DataFrame | None = None,
) -> Results:
    return Results(
        table=table,
        metric_names=columns,
        variant_names=runs,
        replications=reps,
        scenario=sc.name,
        seed=seed,
        time_unit=sc.time_unit,
        target_specs=tuple(sc.targets),
        series=series or {},
        event_log=event_log,
        hours_per_unit=UNIT_HOURS[sc.time_unit],
        start_hour_of_week=sc.start.hour_of_week,
        model=sc,
    )


def _run_detailed(
    plan: CompiledScenario, runs: list[str], reps: int, seed: int, threads: int, progress: bool
) -> Results:
    """A run whose scenario asks for time series or an event log: each
    variant through the engine's detailed path."""
    sc = plan.scenario
    bar = _ProgressBar(sc.name, reps * len(runs)) if progress else None
    tables, series, logs = [], {}, []
    try:
        for name in runs:
            model = plan.variant(name)
            runner = _core.Runner(model.spec)
            try:
                out = runner.run_detailed(
                    reps, seed, threads, progress=bar.advance if bar else None
                )
            except RuntimeError as err:
                where = "" if name == "baseline" else f" (variant {name})"
                raise SimulationError(f"{err}{where}") from None
            if bar:
                bar.next_variant()
            variant = model.scenario
            if "series" in out:
                assert variant.results.series is not None  # the engine gave series: it was asked
                bin_width = to_time_units(variant.results.series.bin, variant.time_unit)
                series[name] = Series(
                    list(out["series_names"]),
                    out["series"],
                    float(variant.warmup),
                    bin_width,
                    UNIT_HOURS[variant.time_unit],
                    variant.start.hour_of_week,
                )
            if "event_log" in out:
                logs.append(event_log_frame(out["event_log"], variant, name))
            metrics = dict(zip(out["metric_names"], out["values"].T))
            derived = model.derive(metrics, model.constants, reps)
            tables.append({**metrics, **derived})
    finally:
        if bar:
            bar.close()
    columns = list(dict.fromkeys(c for t in tables for c in t))
    table = np.column_stack(
        [np.concatenate([t.get(c, np.full(reps, np.nan)) for t in tables]) for c in columns]
    )
    log = pd.concat(logs, ignore_index=True) if logs else None
    if log is not None:
        log.attrs["time_unit"] = sc.time_unit  # for carepath fit, and kept in Parquet
    return _results(sc, table, columns, runs, reps, seed, series, log)


PROGRESS_DELAY_S = 2.0  # a run shorter than this shows no bar


class _ProgressBar:
    """A tqdm bar over every replication of every variant, on stderr, shown
    only once a run has lasted two seconds."""

    def __init__(self, name: str, total: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=total, desc=name, unit="replication", delay=PROGRESS_DELAY_S, leave=False
        )
        self._base = 0  # replications of the variants already run
        self._done = 0

    def advance(self, done_in_variant: int) -> None:
        self._bar.update(self._base + done_in_variant - self._done)
        self._done = self._base + done_in_variant

    def next_variant(self) -> None:
        self._base = self._done

    def close(self) -> None:
        self._bar.close()
