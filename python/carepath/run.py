"""Running a scenario: every variant, many replications, common random numbers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from . import _core
from .compile import compile_scenario
from .derived import add_derived, check_formulas, window_constants
from .errors import ScenarioError, SimulationError
from .event_log import event_log_frame
from .results import Results
from .scenario import Scenario, load
from .scenario.clock import UNIT_HOURS, to_time_units
from .series import Series
from .target_table import check_metrics


def _require_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(name, f"must be an integer, got {value!r}")
    return value


def _in_variant(err: ScenarioError, name: str) -> ScenarioError:
    """The error located in variant ``name`` (as is for the baseline)."""
    return err if name == "baseline" else err.within(f"variants.{name}")


def check_outputs(sc: Scenario) -> None:
    """Check, without running, that every variant compiles and that the derived
    formulas and targets name metrics the run will have.

    Raises
    ------
    ScenarioError
        Naming the variant and field of the first problem.
    """
    for name in sc.variant_names:
        variant = sc.variant(name)
        try:
            try:
                names = list(_core.Runner(compile_scenario(variant)).metric_names)
            except ValueError as err:
                raise ScenarioError("", str(err)) from None
            constants = window(variant)
            check_formulas(variant.results.derived, names, constants)
            mine = [t for t in sc.targets if t.variant == name]
            check_metrics(mine, [*names, *variant.results.derived])
        except ScenarioError as err:
            raise _in_variant(err, name) from None


def window(sc: Scenario) -> dict[str, float]:
    """The names a derived-metric formula may use besides metrics: the
    observation window's length and the scenario's ``results.constants``."""
    days = (sc.horizon - sc.warmup) * UNIT_HOURS[sc.time_unit] / 24
    return {**window_constants(days), **sc.results.constants}


def run(
    scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
    replications: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    variants: Sequence[str] | None = None,
    changes: dict[str, Any] | None = None,
    horizon: float | str | None = None,
    progress: bool = False,
) -> Results:
    """Simulate a scenario's baseline and variants.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a built-in id, a YAML path or a mapping.
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
        variant inherits them.  The file is not touched.
    horizon
        Simulated time to run (a number of time units or ``"8 weeks"``);
        default the scenario's.  The warmup is kept.
    progress
        Show a progress bar of replications on stderr (tqdm) if the run
        lasts more than two seconds.

    Returns
    -------
    Results
        Per-replication metrics of every variant run.

    Raises
    ------
    ScenarioError
        If the scenario or an option is invalid.
    SimulationError
        If the engine stops the run (a patient looping without time passing).
    KeyboardInterrupt
        On Ctrl-C, within a fraction of a second; nothing is returned.
    """
    sc = load(scenario)
    overrides: dict[str, Any] = dict(changes or {})
    overrides |= {
        name: _require_int(name, value)
        for name, value in (("replications", replications), ("seed", seed))
        if value is not None
    }
    if horizon is not None:
        overrides["horizon"] = horizon
    if overrides:  # the scenario model's own bounds apply to them
        sc = sc.with_changes(overrides)
    reps, root_seed = sc.replications, sc.seed
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
    bar = _ProgressBar(sc.name, reps * len(runs)) if progress else None
    try:
        outputs = {name: _run_variant(sc, name, reps, root_seed, n_threads, bar) for name in runs}
    finally:
        if bar:
            bar.close()
    frames = [frame for frame, _, _ in outputs.values()]
    series = {name: s for name, (_, s, _) in outputs.items() if s is not None}
    logs = [log for _, _, log in outputs.values() if log is not None]
    per_replication = pd.concat(frames, ignore_index=True)
    return Results(
        per_replication=per_replication,
        scenario=sc.name,
        seed=root_seed,
        time_unit=sc.time_unit,
        target_specs=tuple(sc.targets),
        series=series,
        event_log=pd.concat(logs, ignore_index=True) if logs else None,
        hours_per_unit=UNIT_HOURS[sc.time_unit],
        start_hour_of_week=sc.start.hour_of_week,
    )


def _run_variant(
    sc: Scenario, name: str, reps: int, seed: int, threads: int, bar: _ProgressBar | None
) -> tuple[pd.DataFrame, Series | None, pd.DataFrame | None]:
    """One variant's replications as a frame, derived metrics included, and
    its time series and event log if the scenario asks for them."""
    variant = sc.variant(name)
    try:
        runner = _core.Runner(compile_scenario(variant))
    except ValueError as err:  # the Python checks should have caught it first
        raise _in_variant(ScenarioError("", str(err)), name) from None
    progress = bar.advance if bar else None
    series = log = None
    try:
        if variant.results.series is None and variant.results.event_log is None:
            metric_names, values = runner.run(reps, seed, threads, progress=progress)
        else:
            out = runner.run_detailed(reps, seed, threads, progress=progress)
            metric_names, values = out["metric_names"], out["values"]
            if "series" in out:
                bin_width = to_time_units(variant.results.series.bin, variant.time_unit)
                series = Series(
                    list(out["series_names"]),
                    out["series"],
                    float(variant.warmup),
                    bin_width,
                    UNIT_HOURS[variant.time_unit],
                    variant.start.hour_of_week,
                )
            if "event_log" in out:
                log = event_log_frame(out["event_log"], variant, name)
    except RuntimeError as err:
        where = "" if name == "baseline" else f" (variant {name})"
        raise SimulationError(f"{err}{where}") from None
    if bar:
        bar.next_variant()
    frame = pd.DataFrame(values, columns=metric_names)
    frame.insert(0, "variant", name)
    frame.insert(1, "replication", range(reps))
    try:
        return add_derived(frame, variant.results.derived, window(variant)), series, log
    except ScenarioError as err:
        raise _in_variant(err, name) from None


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
