"""carepath: fast, reproducible discrete-event simulation of NHS patient pathways.

>>> import carepath as cp
>>> sc = cp.load("mm5")
>>> res = cp.run(sc, replications=10, seed=42)
>>> res.summary()  # doctest: +SKIP

The names below are imported on first use (PEP 562), as scipy does: ``import
carepath`` costs next to nothing, so the command line and a worker process
that only needs the engine do not pay for pandas, pydantic and matplotlib.
docs/design.md maps the layers they come from.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis.economics import PSAResults, psa
    from .analysis.fitting import fit
    from .analysis.selection import Selection, select_best
    from .engine.run import run
    from .errors import CarepathError, ScenarioError, SimulationError
    from .model import Scenario, load
    from .outputs.animation import animate
    from .outputs.explorer import explore
    from .results.results import Results
    from .scenarios import builtin_ids
    from .sweeps.api import sweep
    from .sweeps.calibrate import abc, calibrate
    from .sweeps.result import SweepResult
    from .sweeps.sensitivity import sensitivity

__version__: str
"""The installed version of carepath (looked up on first use)."""

# public name -> the module that defines it
_WHERE = {
    "CarepathError": "carepath.errors",
    "PSAResults": "carepath.analysis.economics",
    "Results": "carepath.results.results",
    "Scenario": "carepath.model.scenario",
    "ScenarioError": "carepath.errors",
    "Selection": "carepath.analysis.selection",
    "SimulationError": "carepath.errors",
    "SweepResult": "carepath.sweeps.result",
    "abc": "carepath.sweeps.calibrate",
    "animate": "carepath.outputs.animation",
    "builtin_ids": "carepath.scenarios",
    "calibrate": "carepath.sweeps.calibrate",
    "explore": "carepath.outputs.explorer",
    "fit": "carepath.analysis.fitting",
    "load": "carepath.model.loading",
    "psa": "carepath.analysis.economics",
    "run": "carepath.engine.run",
    "select_best": "carepath.analysis.selection",
    "sensitivity": "carepath.sweeps.sensitivity",
    "sweep": "carepath.sweeps.api",
}

__all__ = [
    "CarepathError",
    "PSAResults",
    "Results",
    "Scenario",
    "ScenarioError",
    "Selection",
    "SimulationError",
    "SweepResult",
    "__version__",
    "abc",
    "animate",
    "builtin_ids",
    "calibrate",
    "explore",
    "fit",
    "load",
    "psa",
    "run",
    "select_best",
    "sensitivity",
    "sweep",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("carepath")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'carepath' has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
