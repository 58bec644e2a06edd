"""Sweeps: many parameter points of a scenario (see [`sweep`][carepath.sweeps.api.sweep])."""

from .api import job_script, status, sweep
from .calibrate import ABCResult, CalibrationResult, abc, calibrate
from .design import make_points
from .result import SweepResult
from .sensitivity import SensitivityResult, sensitivity
from .shards import IncompleteSweep, gather

__all__ = [
    "ABCResult",
    "CalibrationResult",
    "IncompleteSweep",
    "SensitivityResult",
    "SweepResult",
    "abc",
    "calibrate",
    "gather",
    "job_script",
    "make_points",
    "sensitivity",
    "status",
    "sweep",
]
