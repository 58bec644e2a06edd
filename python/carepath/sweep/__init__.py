"""Sweeps: many parameter points of a scenario (see :func:`sweep`)."""

from .api import SweepResult, job_script, status, sweep
from .design import make_points

__all__ = ["SweepResult", "job_script", "make_points", "status", "sweep"]
