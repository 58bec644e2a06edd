"""Exceptions raised by carepath."""

from __future__ import annotations


class CarepathError(Exception):
    """Base class of every error carepath raises on purpose."""


class ScenarioError(CarepathError):
    """A scenario (or an option given with it) is invalid.

    Parameters
    ----------
    path
        Where the problem is, as a dotted field path (``arrivals[0].rate``);
        empty when it concerns the scenario as a whole or the file itself.
    problem
        What is wrong, naming the bad value.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)

    def within(self, prefix: str) -> ScenarioError:
        """The same error, located inside ``prefix`` (e.g. a variant)."""
        path = f"{prefix}.{self.path}" if self.path else prefix
        return ScenarioError(path, self.problem)


class SimulationError(CarepathError):
    """The engine stopped a run because the model misbehaved while running."""


class FolderError(CarepathError, ValueError):
    """An output folder holds something else (another sweep), or is not one."""


class LoadWarning(UserWarning):
    """A resource is offered more work than it can serve (arrival rate x mean
    service / capacity >= 1): its queue will grow without bound."""


class FolderWarning(UserWarning):
    """Something in a sweep folder was set aside (a damaged part, whose
    points are run again)."""
