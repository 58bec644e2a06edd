"""Sweeps: many parameter points of a scenario (see :func:`sweep`)."""

from .api import SweepResult, status, sweep
from .design import make_points

__all__ = ["SweepResult", "make_points", "status", "sweep"]
