"""carepath: fast, reproducible discrete-event simulation of NHS patient pathways.

>>> import carepath as cp
>>> sc = cp.load("mm5")
>>> res = cp.run(sc, replications=10, seed=42)
>>> res.summary()  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

# target_table, economics, plots, notebook, bed_planning and warmup add their
# accessors to Results (targets, plot, p_delay, warmup_analysis...) on import.
from . import bed_planning, notebook, plots, target_table, warmup  # noqa: F401
from .economics import PSAResults, psa
from .errors import CarepathError, ScenarioError, SimulationError
from .results import Results
from .run import run
from .scenario import Scenario, builtin_ids, load
from .selection import Selection, select_best
from .sweep import SweepResult, abc, calibrate, sensitivity, sweep

try:
    __version__ = version("carepath")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

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
    "builtin_ids",
    "calibrate",
    "load",
    "psa",
    "run",
    "select_best",
    "sensitivity",
    "sweep",
]
