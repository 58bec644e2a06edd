"""The output-analysis commands: ``carepath warmup``, ``carepath select``
and the ``--precision`` options of ``carepath run``."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from .errors import ScenarioError
from .scenario import Scenario, load
from .scenario.clock import to_time_units
from .scenario.loading import parse_yaml


def add_precision_options(run: argparse.ArgumentParser) -> None:
    """``carepath run --precision P --metric M``."""
    run.add_argument(
        "--precision",
        type=float,
        metavar="P",
        help="instead of a fixed number, run replications until every --metric's 95%% "
        "interval is within P of its mean in every variant (0.05: +-5%%), by the "
        "replications algorithm of Hoad, Robinson and Davies (2010)",
    )
    run.add_argument(
        "--half-width",
        type=float,
        metavar="H",
        help="as --precision, with an absolute half-width in the metric's units",
    )
    run.add_argument(
        "--metric",
        action="append",
        dest="metrics",
        default=[],
        metavar="NAME",
        help="a metric --precision applies to (repeat for several)",
    )
    run.add_argument(
        "--max-replications",
        type=int,
        default=1000,
        metavar="N",
        help="with --precision: stop, with a warning, after about N (default 1000)",
    )


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


def precision_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The run() arguments of ``--precision``, if given."""
    precision, half = getattr(args, "precision", None), getattr(args, "half_width", None)
    if precision is None and half is None:
        return {}
    if not args.metrics:
        raise ScenarioError("--metric", "--precision needs at least one --metric")
    return {
        "precision": precision,
        "half_width": half,
        "metrics": args.metrics,
        "max_replications": args.max_replications,
    }


def precision_text(report: Any) -> str:
    """The replications each metric needed, for the terminal."""
    relative = report.attrs.get("relative", True)
    what = "relative half-width" if relative else "half-width"
    lines = [
        f"Replications needed for a 95% {what} within {report.attrs['target']:g} "
        f"(Hoad, Robinson and Davies 2010; {report.attrs['run']} run, results show the needed):"
    ]
    for row in report.itertuples():
        needed = "not reached" if row.needed is None or math.isnan(row.needed) else int(row.needed)
        lines.append(
            f"  {row.variant:16s} {row.metric:32s} {needed!s:>6}  mean {row.mean:.4g}, "
            f"{what} {row.deviation:.3g}"
        )
    return "\n".join(lines)


def warmup_command(args: argparse.Namespace, scenario: Scenario) -> int:
    from . import warmup  # adds Results.warmup_analysis
    from .run import run

    width = float(scenario.horizon) / 200
    if args.bin:
        try:
            width = to_time_units(_number_or_text(args.bin), scenario.time_unit)
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
        from .io import atomic_path

        with atomic_path(args.plot) as tmp:
            analysis.plot().savefig(tmp, format=Path(args.plot).suffix.lstrip(".") or "png")
    return 0


def select_command(args: argparse.Namespace) -> int:
    from .cli import _sweep_spec
    from .selection import select_best
    from .sweep.design import make_points

    source = Path(args.source)
    spec = parse_yaml(source.read_text(), str(source)) if source.is_file() else None
    if isinstance(spec, dict) and "params" in spec:  # a sweep file: choose among its points
        spec = _sweep_spec(args.source)  # checked, its scenario found as `carepath sweep` finds it
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


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value
