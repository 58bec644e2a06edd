"""``carepath explore`` and ``carepath animate``: a model to show."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ScenarioError
from .exit_codes import EXIT_OK


def add_parsers(sub: Any) -> None:
    explore = sub.add_parser(
        "explore",
        help="a what-if explorer: a grid of parameters as one offline HTML page with sliders",
        description="Run every combination of the --param levels (each with the scenario's "
        "seed: common random numbers) and write one self-contained HTML page whose sliders "
        "show each point's KPIs, targets and plots.",
    )
    explore.add_argument("scenario", metavar="SCENARIO")
    explore.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="PATH=LOW:HIGH[:STEPS]",
        help="a parameter and its levels (repeat for more), e.g. "
        "resources.clinician.capacity=5:7:3, or PATH=a,b,c",
    )
    explore.add_argument(
        "-n", "--replications", type=int, help="per point (default the scenario's)"
    )
    explore.add_argument("--seed", type=int, help="of every point (default the scenario's)")
    explore.add_argument("--variant", action="append", help="show only these (repeat)")
    explore.add_argument("--metric", action="append", help="show these metrics (repeat)")
    explore.add_argument("--out", default="explore.html", metavar="FILE.html")
    animate = sub.add_parser(
        "animate",
        help="animate one replication's patients with vidigi (an offline HTML page)",
        description="Run one replication with its event log and animate its patients "
        "queueing and being served at each step (vidigi, plotly; pip install "
        "'carepath[app]').",
    )
    animate.add_argument("scenario", metavar="SCENARIO")
    animate.add_argument("--out", default="flow.html", metavar="FILE.html")
    animate.add_argument("--variant", help="default the baseline")
    animate.add_argument(
        "--from",
        dest="start",
        type=float,
        metavar="T",
        help="the window's start, in the scenario's time units",
    )
    animate.add_argument(
        "--to",
        dest="end",
        type=float,
        metavar="T",
        help="its end (default: the day with the most arrivals)",
    )
    animate.add_argument("--seed", type=int, help="of the replication (default the scenario's)")


def _param(text: str) -> tuple[str, Any]:
    """``PATH=LOW:HIGH[:STEPS]`` (the range, for ``levels_of``) or
    ``PATH=a,b,c`` (values read as YAML, as ``--set`` reads its value)."""
    path, sep, levels = text.partition("=")
    if not sep or not path or not levels:
        raise ScenarioError("--param", f"must be PATH=LOW:HIGH[:STEPS] or PATH=a,b,c, got '{text}'")
    if ":" in levels:
        return path, levels
    from ..model.loading import parse_yaml

    return path, parse_yaml(f"[{levels}]", f"--param {path}")


def explore_command(args: argparse.Namespace) -> int:
    from ..outputs.explorer import explore

    params = dict(_param(p) for p in args.param)
    ex = explore(
        args.scenario,
        params,
        replications=args.replications,
        seed=args.seed,
        variants=args.variant,
        metrics=args.metric,
        out=args.out,
        progress=True,
    )
    print(f"wrote {args.out}: {ex.points} points, {ex.replications} replications each")
    return EXIT_OK


def animate_command(args: argparse.Namespace) -> int:
    from ..outputs.animation import animate

    a = animate(
        args.scenario,
        variant=args.variant,
        start=args.start,
        end=args.end,
        seed=args.seed,
        out=args.out,
    )
    first, last = a.window
    print(f"wrote {args.out}: {len(a.figure.frames)} frames, from {first:g} to {last:g}")
    return EXIT_OK
