"""The options of a run to a precision (``--precision``), shared by run, plot and report."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..errors import ScenarioError


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
