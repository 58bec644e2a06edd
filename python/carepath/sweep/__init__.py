"""Sweeps: many parameter points of a scenario (see :func:`sweep`)."""

from .api import SweepResult, job_script, status, sweep
from .design import make_points
from .sensitivity import SensitivityResult, sensitivity

__all__ = [
    "SensitivityResult",
    "SweepResult",
    "job_script",
    "make_points",
    "sensitivity",
    "status",
    "sweep",
]
