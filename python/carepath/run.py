"""Running a scenario: every variant, many replications, common random numbers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from . import _core
from .compile import compile_scenario
from .errors import ScenarioError, SimulationError
from .results import Results
from .scenario import Scenario, load


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(name, f"must be an integer, got {value!r}")
    if value < low or (high is not None and value >= high):
        bound = f">= {low}" if high is None else f"in [{low}, {high})"
        raise ScenarioError(name, f"must be {bound}, got {value}")
    return value


def run(
    scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
    replications: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    variants: Sequence[str] | None = None,
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
    reps = _check_int("replications", sc.replications if replications is None else replications, 1)
    root_seed = _check_int("seed", sc.seed if seed is None else seed, 0, 2**64)
    n_threads = _check_int("threads", threads, 0)
    names = sc.variant_names if variants is None else list(variants)
    if not names:
        raise ScenarioError("variants", "name at least one variant to run")
    for name in names:
        if name not in sc.variant_names:
            raise ScenarioError(
                "variants", f"no variant '{name}' (have: {', '.join(sc.variant_names)})"
            )

    frames = []
    for name in dict.fromkeys(names):
        model = compile_scenario(sc.variant(name))
        try:
            runner = _core.Runner(model)
        except ValueError as err:  # the Python checks should have caught it first
            raise ScenarioError(
                f"variants.{name}" if name != "baseline" else "", str(err)
            ) from None
        try:
            metric_names, values = runner.run(reps, root_seed, n_threads)
        except RuntimeError as err:
            where = "" if name == "baseline" else f" (variant {name})"
            raise SimulationError(f"{err}{where}") from None
        frame = pd.DataFrame(values, columns=metric_names)
        frame.insert(0, "variant", name)
        frame.insert(1, "replication", range(reps))
        frames.append(frame)
    per_replication = pd.concat(frames, ignore_index=True)
    return Results(
        per_replication=per_replication, scenario=sc.name, seed=root_seed, time_unit=sc.time_unit
    )
