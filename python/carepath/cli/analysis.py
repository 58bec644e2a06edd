"""The output-analysis commands: ``carepath warmup``, ``carepath select``
and the ``--precision`` options of ``carepath run``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from .common import number_or_text, sweep_spec

if TYPE_CHECKING:
    from ..model import Scenario


def add_parsers(sub: Any, options: argparse.ArgumentParser) -> None:
    """The ``warmup`` and ``select`` commands."""
    warmup = sub.add_parser(
        "warmup",
        parents=[options],
        help="suggest a warm-up: MSER-5 on a time series of runs started empty",
        description="Run SCENARIO from empty (warmup 0) with a time series of SERIES in bins "
        "of --bin, find the MSER-5 truncation of the mean over replications and of each "
        "replication, and print the recommended warmup with the reasoning.",
    )
    warmup.add_argument("scenario", metavar="SCENARIO")
    warmup.add_argument(
        "--series",
        default="in_system",
        metavar="NAME",
        help="in_system (default), queue_length.<resource>, busy.<resource> or occupancy.<step>",
    )
    warmup.add_argument(
        "--bin", metavar="DURATION", help="bin width (default: a two-hundredth of the horizon)"
    )
    warmup.add_argument("--plot", metavar="FILE.png", help="also write Welch's plot")
    select = sub.add_parser(
        "select",
        parents=[options],
        help="choose the best variant or sweep point with a stated confidence (KN++, OCBA)",
        description="Choose among the variants of SCENARIO, or the points of a sweep file "
        "(SWEEP.yaml: scenario and params), the one with the smallest (or, with "
        "--maximise, largest) mean METRIC: KN++ (--delta, --pcs) guarantees the choice "
        "when the best is at least delta better; OCBA spends a --budget of replications.",
    )
    select.add_argument("source", metavar="SCENARIO_OR_SWEEP")
    select.add_argument("--metric", required=True, metavar="NAME")
    select.add_argument("--maximise", action="store_true", help="larger is better")
    select.add_argument("--delta", type=float, help="KN++ indifference zone (metric's units)")
    select.add_argument("--pcs", type=float, default=0.95, help="KN++ 1 - alpha (0.95)")
    select.add_argument("--procedure", default="kn++", choices=("kn++", "ocba"))
    select.add_argument("--budget", type=int, help="OCBA: total replications")
    select.add_argument("--n0", type=int, help="first-stage replications of each")


def warmup_command(args: argparse.Namespace, scenario: Scenario) -> int:
    from ..analysis import warmup  # adds Results.warmup_analysis
    from ..engine.run import run
    from ..model.clock import to_time_units

    width = float(scenario.horizon) / 200
    if args.bin:
        try:
            width = to_time_units(number_or_text(args.bin), scenario.time_unit)
        except ValueError as err:
            raise ScenarioError("--bin", str(err)) from None
        if not width > 0:
            raise ScenarioError("--bin", f"must be > 0, got {args.bin}")
    bins = float(scenario.horizon) / width
    if bins < 2 * warmup.BATCH + 1:  # the last, shorter bin is left out
        raise ScenarioError(
            "--bin",
            f"makes {bins:g} bins of the horizon; MSER-5 needs at least 11: use a narrower bin",
        )
    sc = scenario.with_changes(
        {"warmup": 0, "results.series": {"bin": width}, "results.event_log": None}
    )
    variant = (args.variants or [sc.variant_names[0]])[0]
    res = run(
        sc, replications=args.replications, seed=args.seed, threads=args.threads, variants=[variant]
    )
    try:
        analysis = res.warmup_analysis(args.series, variant=variant)
    except ValueError as err:  # a series the run does not keep
        raise ScenarioError("--series", str(err)) from None
    print(analysis.reasoning())
    if args.plot:
        from ..io import atomic_path

        with atomic_path(args.plot) as tmp:
            analysis.plot().savefig(tmp, format=Path(args.plot).suffix.lstrip(".") or "png")
    return 0


def select_command(args: argparse.Namespace) -> int:
    from ..analysis.selection import select_best
    from ..model import load
    from ..model.loading import parse_yaml
    from ..sweeps.design import make_points

    source = Path(args.source)
    spec = parse_yaml(source.read_text(), str(source)) if source.is_file() else None
    if isinstance(spec, dict) and "params" in spec:  # a sweep file: choose among its points
        spec = sweep_spec(args.source)  # checked, its scenario found as `carepath sweep` finds it
        sc = load(spec["scenario"])
        seed = spec.get("seed", sc.seed)  # the sweep's own points, sampled designs included
        points = make_points(spec["params"], spec.get("design", "grid"), spec.get("n"), seed)
        candidates: Any = {
            ", ".join(f"{p}={v}" for p, v in row.items()): dict(row)
            for row in points.to_dict(orient="records")
        }
    else:
        sc = load(args.source)
        candidates = args.variants or sc.variant_names
    chosen = select_best(
        sc,
        candidates,
        metric=args.metric,
        minimise=not args.maximise,
        delta=args.delta,
        pcs=args.pcs,
        procedure=args.procedure,
        n0=args.n0,
        budget=args.budget,
        seed=args.seed,
        threads=args.threads,
    )
    print(f"best: {chosen.best}")
    print(f"{chosen.guarantee}; {chosen.replications} replications used")
    print(chosen.table.to_string(index=False))
    return 0
