"""Sweeps: many parameter points of a scenario (see :func:`sweep`)."""

from .api import SweepResult, job_script, status, sweep
from .calibrate import ABCResult, CalibrationResult, abc, calibrate
from .design import make_points
from .sensitivity import SensitivityResult, sensitivity

__all__ = [
    "ABCResult",
    "CalibrationResult",
    "SensitivityResult",
    "SweepResult",
    "abc",
    "calibrate",
    "job_script",
    "make_points",
    "sensitivity",
    "status",
    "sweep",
]
