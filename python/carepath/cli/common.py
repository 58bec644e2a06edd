"""What the commands share: a scenario with its --set and --horizon, a run
with the shared options, a sweep file read and checked.

Heavy modules (pydantic, pandas, the engine) are imported by the commands
that need them, so that ``carepath --help`` starts quickly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from .precision import precision_arguments

if TYPE_CHECKING:
    from ..model import Scenario
    from ..results.results import Results


def changes_of(items: list[str]) -> dict[str, object]:
    """``--set PATH=VALUE`` options as dotted-path changes, values read as YAML."""
    from ..model.loading import parse_yaml

    out: dict[str, object] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise ScenarioError("--set", f"expected PATH=VALUE, got {item!r}")
        out[path.strip()] = parse_yaml(text, f"--set {path.strip()}")
    return out


def scenario_of(args: argparse.Namespace) -> Scenario:
    """SCENARIO with its --set and --horizon changes."""
    from ..model import load

    sc = load(args.scenario)
    changes = option_changes(args)
    return sc.with_changes(changes) if changes else sc


def option_changes(args: argparse.Namespace) -> dict[str, object]:
    """The changes that --set and --horizon ask for."""
    changes = changes_of(args.changes)
    if args.horizon is not None:
        changes["horizon"] = number_or_text(args.horizon)
    return changes


def results_of(args: argparse.Namespace, sc: Scenario | None = None) -> Results:
    from ..engine.run import run

    return run(
        sc if sc is not None else scenario_of(args),
        replications=args.replications,
        seed=args.seed,
        threads=args.threads,
        variants=args.variants,
        progress=not args.quiet and sys.stderr.isatty(),
        **precision_arguments(args),
    )


def number_or_text(value: str) -> float | str:
    """An option's value as a number when it is one (a duration stays text)."""
    try:
        return float(value)
    except ValueError:
        return value


def sweep_spec(path: str) -> dict[str, Any]:
    """A sweep file, checked: scenario, params, design, n, replications, seed, variants."""
    from ..model.loading import parse_yaml

    spec = parse_yaml(Path(path).read_text(), path)
    if not isinstance(spec, dict):
        raise ScenarioError("sweep", f"{path} must be a mapping")
    allowed = {"scenario", "params", "design", "n", "replications", "seed", "variants"}
    for key in spec:
        if key not in allowed:
            raise ScenarioError(key, f"unknown sweep key; use {', '.join(sorted(allowed))}")
    if "scenario" not in spec or "params" not in spec:
        raise ScenarioError("sweep", "SWEEP.yaml needs 'scenario' and 'params'")
    beside = Path(path).parent / str(spec["scenario"])
    if beside.is_file():  # a scenario file next to the sweep file
        spec["scenario"] = str(beside)
    return spec
