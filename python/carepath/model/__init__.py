"""Scenario models, loading and validation."""

from ..scenarios import builtin_ids, builtin_text
from .arrivals import Arrival
from .distributions import DIST_NAMES, Distribution
from .loading import load
from .resources import Resource
from .scenario import Scenario
from .steps import BranchArm, Step

__all__ = [
    "DIST_NAMES",
    "Arrival",
    "BranchArm",
    "Distribution",
    "Resource",
    "Scenario",
    "Step",
    "builtin_ids",
    "builtin_text",
    "load",
]
