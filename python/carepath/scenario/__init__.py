"""Scenario models, loading and validation."""

from .distributions import DIST_NAMES, Distribution
from .loading import builtin_ids, builtin_text, load
from .model import Arrival, Resource, Scenario
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
